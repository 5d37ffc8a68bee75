import { typeormAdapter } from '../adapter.js'

/** mig:adapters: hand core the typeorm adapter. Loading this file loads neither typeorm nor a driver. */
export default async function adapters() {
  return [typeormAdapter]
}
