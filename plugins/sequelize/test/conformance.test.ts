import { availableDialects, runConformance } from 'mig/testing'
import { sequelizeAdapter } from '../src/adapter.js'
import { createTable, migrateStatus, writeSequelizeProject } from './helpers.js'

runConformance({
  adapter: sequelizeAdapter,
  dialects: await availableDialects(),
  async writeProject(dir, database, { failing }) {
    writeSequelizeProject(dir, database.dialect, database.url, {
      migrations: [
        createTable('20240101000000-one.js', 'conf_one'),
        createTable('20240102000000-two.js', 'conf_two'),
        ...(failing
          ? [
              {
                name: '20240103000000-fail.js',
                up: "await queryInterface.createTable('conf_fail', { id: Sequelize.INTEGER }); await queryInterface.sequelize.query('SELECT * FROM no_such_table')",
                down: '',
              },
            ]
          : []),
      ],
    })
    // The transaction option, so a failing migration leaves no table where the dialect can roll DDL back.
    return { name: 'conf', tool: 'sequelize', dir, options: { transaction: true } }
  },
  async nativeApplied(project) {
    return (await migrateStatus(project.dir)).up
  },
  timeoutMs: 60_000,
})
