import 'reflect-metadata'
import { DataSource } from 'typeorm'
import { Profile } from './entity/Profile'

export const AppDataSource = new DataSource({
  type: 'better-sqlite3',
  database: 'users.sqlite',
  entities: [Profile],
  migrations: ['src/migrations/*.ts'],
})
