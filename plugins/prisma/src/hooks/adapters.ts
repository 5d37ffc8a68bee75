import { prismaAdapter } from '../adapter.js'

/** mig:adapters: hand core the prisma adapter. Nothing of Prisma is loaded: the plugin speaks its protocol itself. */
export default async function adapters() {
  return [prismaAdapter]
}
