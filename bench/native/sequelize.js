// bench:native, sequelize: mig against sequelize-cli on the same history.
// Apply all (`db:migrate`), status with every migration applied
// (`db:migrate:status`), and one migration with the others applied
// (`db:migrate --to <it>`). Each migration runs the two statements through
// queryInterface.sequelize.query, as the other tools' histories do.
// mig runs the project as sequelize-cli does (no transaction), and with
// mig.tx.json giving it `"transaction": true` (one commit per migration,
// journal row included) and --atomic. BENCH_SEQUELIZE_PAIRS (a regular
// expression) picks pairs by their text.
import { mkdirSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'

const cli = 'node_modules/sequelize-cli/lib/sequelize'
const pick = process.env.BENCH_SEQUELIZE_PAIRS ? new RegExp(process.env.BENCH_SEQUELIZE_PAIRS) : undefined

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, ddl, id }) => {
  const file = (i) => `${id(i).replace('_', '-')}.js`
  return {
    write(dir, db) {
      mkdirSync(join(dir, 'migrations'), { recursive: true })
      mkdirSync(join(dir, 'config'), { recursive: true })
      const url = new URL(db.url.startsWith('sqlite:') ? 'sqlite:/x' : db.url)
      const env = db.file
        ? { dialect: 'sqlite', storage: db.file, logging: false }
        : {
            ...{ dialect: 'postgres', host: url.hostname, port: Number(url.port || 5432) },
            ...{ username: decodeURIComponent(url.username), database: url.pathname.slice(1), logging: false },
          }
      writeFileSync(join(dir, 'config', 'config.json'), JSON.stringify({ development: env }))
      const project = { name: basename(dir), tool: 'sequelize', dir: '.', options: { transaction: true } }
      writeFileSync(join(dir, 'mig.tx.json'), JSON.stringify({ projects: [project] }))
      for (let i = 1; i <= N; i++)
        writeFileSync(
          join(dir, 'migrations', file(i)),
          `'use strict'\nmodule.exports = {\n  async up(queryInterface) { ${ddl(i)
            .map((s) => `await queryInterface.sequelize.query(${JSON.stringify(s)})`)
            .join('; ')} },\n  async down(queryInterface) { await queryInterface.dropTable('t${i}') },\n}\n`,
        )
    },
    pairs: (dir) =>
      [
        ['default mode vs sequelize db:migrate', () => b.mig(dir, 'up'), () => b.node(dir, cli, 'db:migrate')],
        [
          '"transaction": true vs sequelize db:migrate',
          () => b.mig(dir, 'up', '--config', 'mig.tx.json'),
          () => b.node(dir, cli, 'db:migrate'),
        ],
        [
          '--atomic ("transaction": true) vs sequelize db:migrate',
          () => b.mig(dir, 'up', '--atomic', '--config', 'mig.tx.json'),
          () => b.node(dir, cli, 'db:migrate'),
        ],
        [
          `status, ${N} applied, vs sequelize db:migrate:status`,
          () => b.mig(dir, 'status'),
          () => b.node(dir, cli, 'db:migrate:status'),
          () => b.mig(dir, 'up', '--config', 'mig.tx.json'),
        ],
        [
          `up --one, ${N - 1} applied, vs sequelize db:migrate --to`,
          () => b.mig(dir, 'up', '--one'),
          () => b.node(dir, cli, 'db:migrate', '--to', file(N)),
          () => b.mig(dir, 'up', '--config', 'mig.tx.json', '--to', file(N - 1)),
        ],
      ].filter(([what]) => !pick || pick.test(what)),
  }
}
