import 'reflect-metadata'
import { DataSource } from 'typeorm'
import { Profile } from './entity/Profile'

export const AppDataSource = new DataSource({
  type: 'better-sqlite3',
  // From the service's .env, as the app itself reads it.
  database: process.env.USERS_DATABASE,
  entities: [Profile],
  migrations: ['src/migrations/*.ts'],
})
