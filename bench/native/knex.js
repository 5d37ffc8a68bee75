// bench:native, knex: mig against the knex CLI on the same history.
//   default mode  vs migrate:latest   (knex: one transaction for the run; mig: one per migration)
//   --atomic      vs migrate:latest   (both one transaction)
//   status        vs migrate:list     (N applied, nothing pending)
//   up --one      vs migrate:up       (N - 1 applied, one pending)
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, ddl, id }) => {
  const knex = (dir, ...args) => b.node(dir, 'node_modules/knex/bin/cli.js', ...args)
  return {
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
      ['default mode vs knex migrate:latest', () => b.mig(dir, 'up'), () => knex(dir, 'migrate:latest')],
      ['--atomic vs knex migrate:latest', () => b.mig(dir, 'up', '--atomic'), () => knex(dir, 'migrate:latest')],
      [
        `status, ${N} applied, vs knex migrate:list`,
        () => b.mig(dir, 'status'),
        () => knex(dir, 'migrate:list'),
        () => knex(dir, 'migrate:latest'),
      ],
      [
        `up --one, ${N - 1} applied, vs knex migrate:up`,
        () => b.mig(dir, 'up', '--one'),
        () => knex(dir, 'migrate:up'),
        () => b.mig(dir, 'up', '--atomic', '--to', id(N - 1)),
      ],
    ],
  }
}
