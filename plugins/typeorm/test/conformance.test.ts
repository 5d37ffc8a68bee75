import { availableDialects, runConformance } from 'mig/testing'
import { typeormAdapter } from '../src/adapter.js'
import { createTable, migrationShow, writeTypeormProject } from './helpers.js'

runConformance({
  adapter: typeormAdapter,
  dialects: await availableDialects(),
  async writeProject(dir, database, { failing }) {
    writeTypeormProject(dir, database.dialect, database.url, [
      createTable('One1700000000000', 'conf_one'),
      createTable('Two1700000001000', 'conf_two'),
      ...(failing
        ? [
            {
              className: 'Fail1700000002000',
              up: "await q.query('CREATE TABLE conf_fail (id INTEGER)'); await q.query('SELECT * FROM no_such_table')",
              down: '',
            },
          ]
        : []),
    ])
    return { name: 'conf', tool: 'typeorm', dir, options: { dataSource: 'src/data-source.ts' } }
  },
  async nativeApplied(project) {
    return (await migrationShow(project.dir)).executed
  },
  timeoutMs: 60_000,
})
