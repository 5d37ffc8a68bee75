import { knexAdapter } from '../adapter.js'

/** mig:adapters: hand core the knex adapter. Loading this file loads neither knex nor a driver. */
export default async function adapters() {
  return [knexAdapter]
}
