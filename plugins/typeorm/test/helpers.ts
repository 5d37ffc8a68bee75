import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Dialect } from 'mig'
import { linkNodeModules, nodeCli, repoRoot } from '../../../test/helpers.js'

export interface TypeormMigration {
  /** e.g. CreateUsers1700000000000 */
  className: string
  up: string
  down: string
  transaction?: false
}

export const createTable = (className: string, table: string): TypeormMigration => ({
  className,
  up: `await q.query('CREATE TABLE ${table} (id INTEGER PRIMARY KEY, title VARCHAR(50))')`,
  down: `await q.query('DROP TABLE ${table}')`,
})

export function writeMigration(dir: string, m: TypeormMigration): void {
  mkdirSync(dir, { recursive: true })
  const epoch = m.className.slice(-13)
  const name = m.className.slice(0, -13)
  writeFileSync(
    join(dir, `${epoch}-${name}.ts`),
    `import { MigrationInterface, QueryRunner } from 'typeorm'\n\nexport class ${m.className} implements MigrationInterface {\n${m.transaction === false ? '  transaction = false as const\n' : ''}  public async up(q: QueryRunner): Promise<void> { ${m.up} }\n  public async down(q: QueryRunner): Promise<void> { ${m.down} }\n}\n`,
  )
}

/** A TypeORM project as a user has it: TypeScript DataSource in src/, a decorated entity, TypeScript migrations. */
export function writeTypeormProject(dir: string, dialect: Dialect, url: string, migrations: TypeormMigration[] = []): string {
  linkNodeModules(dir)
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'typeorm-project', private: true, scripts: { typeorm: 'typeorm-ts-node-commonjs -d src/data-source.ts' } }),
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2021',
        module: 'commonjs',
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
        strict: false,
        skipLibCheck: true,
      },
    }),
  )
  mkdirSync(join(dir, 'src', 'entity'), { recursive: true })
  writeFileSync(
    join(dir, 'src', 'entity', 'User.ts'),
    "import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm'\n\n@Entity()\nexport class User {\n  @PrimaryGeneratedColumn() id: number\n  @Column() email: string\n  @Column({ nullable: true }) age: number\n}\n",
  )
  const connection =
    dialect === 'sqlite'
      ? `type: 'better-sqlite3', database: ${JSON.stringify(url ? url.slice('sqlite:'.length) : 'dev.sqlite')}`
      : `type: '${dialect}', url: ${JSON.stringify(url)}`
  writeFileSync(
    join(dir, 'src', 'data-source.ts'),
    `import 'reflect-metadata'\nimport { DataSource } from 'typeorm'\nimport { User } from './entity/User'\n\nexport const AppDataSource = new DataSource({\n  ${connection},\n  entities: [User],\n  migrations: ['src/migrations/*.ts'],\n  logging: false,\n})\n`,
  )
  for (const m of migrations) writeMigration(join(dir, 'src', 'migrations'), m)
  return dir
}

/** The real TypeORM CLI, `typeorm migration:show`, parsed: executed and pending class names. */
export async function migrationShow(dir: string): Promise<{ executed: string[]; pending: string[] }> {
  const out = await typeormCli(dir, ['migration:show', '-d', 'src/data-source.ts'])
  const lines = out.split('\n').map((l) => l.trim())
  if (!lines.some((l) => /^\[[X ]\]/.test(l)) && !/No migrations/i.test(out))
    throw new Error(`typeorm migration:show printed no migration list: ${out}`)
  return {
    executed: lines.filter((l) => l.startsWith('[X]')).map((l) => l.replace(/^\[X\]\s+\d+\s+/, '')),
    pending: lines.filter((l) => l.startsWith('[ ]')).map((l) => l.replace(/^\[ \]\s+/, '')),
  }
}

/** ts-node without type checking: the oracle need not be slow. */
export const typeormCli = (dir: string, args: string[]): Promise<string> =>
  nodeCli(join(repoRoot, 'node_modules/typeorm/cli-ts-node-commonjs.js'), args, { cwd: dir, env: { TS_NODE_TRANSPILE_ONLY: 'true' } })
