import { defineConfig, env } from 'prisma/config'

export default defineConfig({
  // mig keeps its journal and lock row in this database; without this,
  // `prisma migrate dev` would call them drift and ask to reset it.
  experimental: { externalTables: true },
  tables: { external: ['mig_journal', 'mig_lock'] },
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: env('DATABASE_URL') },
})
