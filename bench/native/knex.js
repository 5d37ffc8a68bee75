// bench:native, knex: mig against `knex migrate:latest` on the same history.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, ddl, id }) => ({
  write(dir, db) {
    mkdirSync(join(dir, 'migrations'), { recursive: true })
    writeFileSync(join(dir, 'knexfile.js'), `module.exports = ${JSON.stringify({ ...db.knex, useNullAsDefault: true })}\n`)
    for (let i = 1; i <= N; i++)
      writeFileSync(
        join(dir, 'migrations', `${id(i)}.js`),
        `exports.up = async (knex) => { ${ddl(i)
          .map((s) => `await knex.raw(${JSON.stringify(s)})`)
          .join('; ')} }\nexports.down = (knex) => knex.schema.dropTable('t${i}')\n`,
      )
  },
  pairs: (dir) => [
    ['default mode vs knex migrate:latest', () => b.mig(dir, 'up'), () => b.node(dir, 'node_modules/knex/bin/cli.js', 'migrate:latest')],
    [
      '--atomic vs knex migrate:latest',
      () => b.mig(dir, 'up', '--atomic'),
      () => b.node(dir, 'node_modules/knex/bin/cli.js', 'migrate:latest'),
    ],
  ],
})
