export { sequelizeAdapter } from './adapter.js'
