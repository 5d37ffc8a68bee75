// bench:native, typeorm: mig against the typeorm CLI (`node_modules/typeorm/cli.js`)
// on the same history, a CommonJS project (JavaScript DataSource and migration
// classes), as both load it with Node's require.
//   default mode  vs migration:run -t each   (one transaction per migration, mig's shape)
//   --atomic      vs migration:run           (typeorm's default: one transaction for the run)
//   status        vs migration:show          (N applied, nothing pending)
//   up --one      vs migration:run           (N applied, one pending: typeorm has no apply-one,
//                                             so its run with exactly one pending migration is it)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, ddl }) => {
  const cli = (dir, ...args) => b.node(dir, 'node_modules/typeorm/cli.js', ...args, '-d', 'data-source.js')
  const epoch = (i) => 1700000000000 + i * 1000
  const file = (dir, i) => join(dir, 'migrations', `${epoch(i)}-T${i}.js`)
  const migration = (dir, i) =>
    writeFileSync(
      file(dir, i),
      `module.exports.T${i}${epoch(i)} = class T${i}${epoch(i)} {\n  async up(q) { ${ddl(i)
        .map((s) => `await q.query(${JSON.stringify(s)})`)
        .join('; ')} }\n  async down(q) { await q.query('DROP TABLE t${i}') }\n}\n`,
    )
  /** N applied natively (one transaction), nothing pending. */
  const applied = (dir) => () => cli(dir, 'migration:run')
  /** N applied natively, then migration N + 1 written: one pending. */
  const onePending = (dir) => () => {
    rmSync(file(dir, N + 1), { force: true })
    cli(dir, 'migration:run')
    migration(dir, N + 1)
  }
  return {
    write(dir, db) {
      rmSync(join(dir, 'migrations'), { recursive: true, force: true })
      mkdirSync(join(dir, 'migrations'), { recursive: true })
      const connection = db.file ? { type: 'better-sqlite3', database: db.file } : { type: 'postgres', url: db.url }
      writeFileSync(
        join(dir, 'data-source.js'),
        `const { DataSource } = require('typeorm')\nmodule.exports.AppDataSource = new DataSource(${JSON.stringify({ ...connection, migrations: ['migrations/*.js'] })})\n`,
      )
      for (let i = 1; i <= N; i++) migration(dir, i)
    },
    pairs: (dir) => [
      ['default mode vs typeorm migration:run -t each', () => b.mig(dir, 'up'), () => cli(dir, 'migration:run', '-t', 'each')],
      ['--atomic vs typeorm migration:run (-t all)', () => b.mig(dir, 'up', '--atomic'), () => cli(dir, 'migration:run')],
      [`status, ${N} applied, vs typeorm migration:show`, () => b.mig(dir, 'status'), () => cli(dir, 'migration:show'), applied(dir)],
      [
        `up --one, ${N} applied, vs typeorm migration:run with one pending`,
        () => b.mig(dir, 'up', '--one'),
        () => cli(dir, 'migration:run'),
        onePending(dir),
      ],
    ],
  }
}
