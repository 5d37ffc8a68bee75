import { sequelizeAdapter } from '../adapter.js'

/** mig:adapters: hand core the sequelize adapter. Loading this file loads neither sequelize nor umzug. */
export default async function adapters() {
  return [sequelizeAdapter]
}
