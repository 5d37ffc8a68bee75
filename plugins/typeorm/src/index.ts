export { typeormAdapter } from './adapter.js'
