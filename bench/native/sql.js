// bench:native, plain SQL: mig against psql / sqlite3 running one transaction per migration.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** @param {import('./context.js').Context} ctx */
export default ({ N, b, sh, ddl, id }) => ({
  write(dir, db) {
    mkdirSync(join(dir, 'migrations'), { recursive: true })
    writeFileSync(join(dir, '.env'), `DATABASE_URL=${db.url}\n`)
    let all = ''
    for (let i = 1; i <= N; i++) {
      const up = ddl(i)
        .map((s) => `${s};\n`)
        .join('')
      writeFileSync(join(dir, 'migrations', `${id(i)}.up.sql`), up)
      writeFileSync(join(dir, 'migrations', `${id(i)}.down.sql`), `DROP TABLE t${i};\n`)
      all += `BEGIN;\n${up}COMMIT;\n`
    }
    writeFileSync(join(dir, 'all.sql'), all)
  },
  pairs: (dir, db, dialect) => [
    [
      `default mode vs ${dialect === 'sqlite' ? 'sqlite3' : 'psql'}, one transaction per migration`,
      () => b.mig(dir, 'up'),
      dialect === 'sqlite'
        ? () => sh('sh', ['-c', `sqlite3 -bail ${db.file} < all.sql`], { cwd: dir })
        : () => sh('psql', [db.url, '-q', '-v', 'ON_ERROR_STOP=1', '-f', 'all.sql'], { cwd: dir }),
    ],
  ],
})
