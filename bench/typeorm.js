#!/usr/bin/env node
// TypeORM (SQLite, TypeScript project): `mig status` / `mig up` against
// `typeorm-ts-node-commonjs migration:show` / `migration:run` (`-t each` against
// mig up, one transaction against mig up --atomic), 200 migrations.
// The native CLI is timed as users run it (ts-node), and transpile-only.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { best, repo, row, workspace } from './lib.js'

const b = workspace('typeorm', ['typeorm'])
const dir = b.project(join(b.work, 'p'))
mkdirSync(join(dir, 'src', 'migrations'), { recursive: true })
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2021',
      module: 'commonjs',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
      skipLibCheck: true,
    },
  }),
)
writeFileSync(
  join(dir, 'src', 'data-source.ts'),
  "import 'reflect-metadata'\nimport { DataSource } from 'typeorm'\nexport const AppDataSource = new DataSource({ type: 'better-sqlite3', database: 'dev.sqlite', migrations: ['src/migrations/*.ts'] })\n",
)
for (let i = 1; i <= 200; i++) {
  const epoch = 1700000000000 + i * 1000
  writeFileSync(
    join(dir, 'src', 'migrations', `${epoch}-T${i}.ts`),
    `import { MigrationInterface, QueryRunner } from 'typeorm'\nexport class T${i}${epoch} implements MigrationInterface {\n  async up(q: QueryRunner): Promise<void> { await q.query('CREATE TABLE t${i} (id INTEGER PRIMARY KEY, name VARCHAR)') }\n  async down(q: QueryRunner): Promise<void> { await q.query('DROP TABLE t${i}') }\n}\n`,
  )
}
const typeorm = (...args) =>
  b.run(dir, process.execPath, [join(repo, 'node_modules/typeorm/cli-ts-node-commonjs.js'), ...args, '-d', 'src/data-source.ts'])
const reset = () => rmSync(join(dir, 'dev.sqlite'), { force: true })
const rows = []
/** mig up against `-t each` (one commit a migration, as mig), mig up --atomic against migration:run's one transaction. */
const upRows = (what) => [
  row(
    `up${what}`,
    'typeorm migration:run -t each',
    best(() => typeorm('migration:run', '-t', 'each'), reset),
    best(() => b.mig(dir, 'up'), reset),
    '1.1',
  ),
  row(
    `up --atomic${what}`,
    'typeorm migration:run',
    best(() => typeorm('migration:run'), reset),
    best(() => b.mig(dir, 'up', '--atomic'), reset),
    '1.1',
  ),
]
rows.push(...upRows(', 200 pending'))
rows.unshift(
  row(
    'status, 200 applied',
    'typeorm migration:show',
    best(() => typeorm('migration:show')),
    best(() => b.mig(dir, 'status')),
    '1.2',
  ),
)
b.env.TS_NODE_TRANSPILE_ONLY = 'true'
rows.push(
  row(
    'status (ts-node transpile-only)',
    'typeorm migration:show',
    best(() => typeorm('migration:show')),
    best(() => b.mig(dir, 'status')),
    '1.2',
  ),
)
rows.push(...upRows(' (ts-node transpile-only)'))
console.table(rows)
if (!process.env.BENCH_KEEP) b.cleanup()
