export { prismaAdapter } from './adapter.js'
