export { knexAdapter } from './adapter.js'
