import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LEDGER, sqlAdapter } from '../../src/adapters/sql/adapter.js'
import { availableDialects, runConformance } from '../../src/testing/index.js'

runConformance({
  adapter: sqlAdapter,
  dialects: await availableDialects(),
  async writeProject(dir, database, { failing }) {
    const m = join(dir, 'migrations')
    mkdirSync(m, { recursive: true })
    writeFileSync(join(m, '001_one.up.sql'), 'CREATE TABLE conf_one (id INTEGER PRIMARY KEY);\n')
    writeFileSync(join(m, '001_one.down.sql'), 'DROP TABLE conf_one;\n')
    writeFileSync(join(m, '002_two.up.sql'), 'CREATE TABLE conf_two (id INTEGER PRIMARY KEY);\n')
    writeFileSync(join(m, '002_two.down.sql'), 'DROP TABLE conf_two;\n')
    if (failing) writeFileSync(join(m, '003_fail.up.sql'), 'CREATE TABLE conf_fail (id INTEGER);\nSELECT * FROM no_such_table;\n')
    return { name: 'conf', tool: 'sql', dir, options: { url: database.url } }
  },
  async nativeApplied(_project, database, where) {
    const db = await database.db()
    if (!(await db.tableExists(LEDGER, where?.schema))) return []
    const table = where?.schema ? `"${where.schema}".${LEDGER}` : LEDGER
    return (await db.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).map((r) => r.id)
  },
  schema: true,
})
