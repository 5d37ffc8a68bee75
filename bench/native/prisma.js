// bench:native, prisma: mig against `prisma migrate deploy` and `prisma migrate status` on the same history.
// The Prisma CLI runs through the engine shim in ../shared/tools (its wasm schema engine and a node driver
// adapter stand in for the native engine these machines cannot download): that inflates Prisma's figures,
// so read these ratios as mig against Prisma-through-the-shim, not against native Prisma.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { repo } from '../lib.js'

const shim = process.env.MIG_PRISMA_SHIM ?? resolve(repo, '..', 'shared', 'tools', 'prisma-engine-shim', 'schema-engine-shim.mjs')
const cli = join(repo, 'node_modules', 'prisma', 'build', 'index.js')

/** Prisma's URL for the bench database: SQLite as file:<absolute path>. */
const prismaUrl = (db) => (db.file ? `file:${db.file}` : db.url)

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, sh, ddl, id }) => {
  // Only the Prisma CLI gets the shim and the URL: DATABASE_URL in b.env would override other tools' .env.
  const prisma = (dir, db, ...args) =>
    sh(process.execPath, [cli, ...args], {
      cwd: dir,
      env: {
        ...b.env,
        PRISMA_SCHEMA_ENGINE_BINARY: shim,
        PRISMA_SHIM_RESOLVE_FROM: repo,
        DATABASE_URL: prismaUrl(db),
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    })
  return {
    write(dir, db) {
      const provider = db.file ? 'sqlite' : 'postgresql'
      const migrations = join(dir, 'prisma', 'migrations')
      mkdirSync(migrations, { recursive: true })
      writeFileSync(join(dir, '.env'), `DATABASE_URL=${prismaUrl(db)}\n`)
      writeFileSync(join(dir, 'prisma', 'schema.prisma'), `datasource db {\n  provider = "${provider}"\n}\n`)
      writeFileSync(
        join(dir, 'prisma.config.ts'),
        "import { defineConfig, env } from 'prisma/config'\nexport default defineConfig({ schema: 'prisma/schema.prisma', migrations: { path: 'prisma/migrations' }, datasource: { url: env('DATABASE_URL') } })\n",
      )
      writeFileSync(join(migrations, 'migration_lock.toml'), `provider = "${provider}"\n`)
      for (let i = 1; i <= N; i++) {
        mkdirSync(join(migrations, id(i)), { recursive: true })
        writeFileSync(
          join(migrations, id(i), 'migration.sql'),
          ddl(i)
            .map((s) => `${s};\n`)
            .join(''),
        )
        writeFileSync(join(migrations, id(i), 'down.sql'), `DROP TABLE t${i};\n`)
      }
    },
    pairs: (dir, db, dialect) => [
      ['default mode vs prisma migrate deploy (shim)', () => b.mig(dir, 'up'), () => prisma(dir, db, 'migrate', 'deploy')],
      // --atomic: PostgreSQL only (on SQLite Prisma's scripts run without a transaction, and mig runs them so).
      ...(dialect === 'postgres'
        ? [['--atomic vs prisma migrate deploy (shim)', () => b.mig(dir, 'up', '--atomic'), () => prisma(dir, db, 'migrate', 'deploy')]]
        : []),
      [
        `status, ${N} applied, vs prisma migrate status (shim)`,
        () => b.mig(dir, 'status'),
        () => prisma(dir, db, 'migrate', 'status'),
        () => b.mig(dir, 'up'),
      ],
    ],
  }
}
