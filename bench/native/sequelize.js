// bench:native, sequelize: mig against sequelize-cli on the same history.
// Apply all (`db:migrate`), status with every migration applied
// (`db:migrate:status`), and one migration with the others applied
// (`db:migrate --to <it>`). Each migration runs the two statements through
// queryInterface.sequelize.query, as the other tools' histories do.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const cli = 'node_modules/sequelize-cli/lib/sequelize'

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
      for (let i = 1; i <= N; i++)
        writeFileSync(
          join(dir, 'migrations', file(i)),
          `'use strict'\nmodule.exports = {\n  async up(queryInterface) { ${ddl(i)
            .map((s) => `await queryInterface.sequelize.query(${JSON.stringify(s)})`)
            .join('; ')} },\n  async down(queryInterface) { await queryInterface.dropTable('t${i}') },\n}\n`,
        )
    },
    pairs: (dir) => [
      ['default mode vs sequelize db:migrate', () => b.mig(dir, 'up'), () => b.node(dir, cli, 'db:migrate')],
      [
        `status, ${N} applied, vs sequelize db:migrate:status`,
        () => b.mig(dir, 'status'),
        () => b.node(dir, cli, 'db:migrate:status'),
        () => b.mig(dir, 'up'),
      ],
      [
        `up --one, ${N - 1} applied, vs sequelize db:migrate --to`,
        () => b.mig(dir, 'up', '--one'),
        () => b.node(dir, cli, 'db:migrate', '--to', file(N)),
        () => b.mig(dir, 'up', '--to', id(N - 1).replace('_', '-') + '.js'),
      ],
    ],
  }
}
