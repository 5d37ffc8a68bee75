import { availableDialects, runConformance } from 'mig/testing'
import { prismaAdapter } from '../src/adapter.js'
import { createTable, migrateStatus, prismaUrl, writePrismaProject } from './helpers.js'

runConformance({
  adapter: prismaAdapter,
  dialects: await availableDialects(),
  // Prisma runs SQLite scripts without a wrapping transaction (its table rebuilds need PRAGMA foreign_keys outside one), as mig does.
  atomicDdl: ['postgres'],
  async writeProject(dir, database, { failing }) {
    writePrismaProject(dir, database.dialect, database.url, [
      createTable('20240101000000_one', 'conf_one'),
      createTable('20240102000000_two', 'conf_two'),
      ...(failing ? [{ name: '20240103000000_fail', up: 'CREATE TABLE conf_fail (id INTEGER);\nSELECT * FROM no_such_table;\n' }] : []),
    ])
    return { name: 'conf', tool: 'prisma', dir, options: {} }
  },
  async nativeApplied(project, database) {
    if (database.dialect === 'mysql') {
      // The shim cannot run the Prisma CLI on MySQL: read Prisma's table as `prisma migrate status` does.
      const db = await database.db()
      if (!(await db.tableExists('_prisma_migrations'))) return []
      const rows = await db.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name',
      )
      return rows.map((r) => r.migration_name)
    }
    return (await migrateStatus(project.dir, prismaUrl(database.dialect, database.url))).applied
  },
  timeoutMs: 60_000,
})
