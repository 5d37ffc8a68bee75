import { runConformance, availableDialects } from 'mig/testing'
import { knexAdapter } from '../src/adapter.js'
import { createTable, knexMigrateList, writeKnexProject } from './helpers.js'

runConformance({
  adapter: knexAdapter,
  dialects: await availableDialects(),
  async writeProject(dir, database, { failing }) {
    writeKnexProject(dir, database.dialect, database.url, {
      searchPathFromEnv: true,
      migrationsList: [
        createTable('20240101000000_one.js', 'conf_one'),
        createTable('20240102000000_two.js', 'conf_two'),
        ...(failing
          ? [
              {
                name: '20240103000000_fail.js',
                up: "await knex.schema.createTable('conf_fail', (t) => { t.integer('id') }); await knex.raw('SELECT * FROM no_such_table')",
                down: '',
              },
            ]
          : []),
      ],
    })
    return { name: 'conf', tool: 'knex', dir, options: {} }
  },
  async nativeApplied(project, _database, where) {
    return (await knexMigrateList(project.dir, { searchPath: where?.schema })).completed
  },
  // knex's searchPath: the tenant's schema holds knex_migrations, its lock and the migrations' tables.
  schema: true,
  // As a crashed `knex migrate` leaves it.
  async holdToolLock(_project, database) {
    await (await database.db()).run('UPDATE knex_migrations_lock SET is_locked = 1')
  },
})
