import { readFile } from 'node:fs/promises'
import type { Migration, Session } from '../../adapter.js'
import type { Project } from '../../config/projects.js'
import { openOn, scratchOptions, yieldToSignals } from '../../core/plan-run.js'
import { withScratch } from '../../core/scratch.js'
import { type Workspace, closeAll } from '../../core/workspace.js'
import type { DatabaseTarget, Dialect } from '../../db/types.js'
import { errorMessage } from '../../output/errors.js'
import type { LintMigration } from '../types.js'

/**
 * A project of a tool whose SQL exists only when its code runs (knex,
 * TypeORM, Sequelize, Prisma): every migration on disk runs in order on an
 * empty scratch database through the same adapter `up` uses (as `mig verify`
 * does), and the statements of those `pick` selects are captured for lint.
 * Running from empty means applied migrations can be linted too (`--all`,
 * `--from`); the real database is never touched.
 */
export async function capturedLintMigrations(
  ws: Workspace,
  project: Project,
  target: DatabaseTarget,
  selected: readonly Migration[],
): Promise<{ migrations: LintMigration[]; stopped?: string }> {
  const wanted = new Set(selected.map((m) => m.id))
  if (!wanted.size) return { migrations: [] }
  let stopped: string | undefined
  const migrations = await withScratch(
    target,
    async (scratch) => {
      const session = (await openOn(ws, [project], target.key, scratch)).get(project.name)!
      const out: LintMigration[] = []
      try {
        for (const m of (await session.list()).filter((m) => m.state !== 'missing')) {
          const statements: { sql: string }[] = []
          const capture = wanted.has(m.id) ? (sql: string) => void statements.push({ sql }) : undefined
          await yieldToSignals()
          try {
            await session.up(m, { transaction: 'auto', ...(capture ? { capture } : {}) })
          } catch (error) {
            // What ran up to the failure is still linted (the failing statement included); what follows cannot be read.
            stopped = `${m.id} failed on an empty scratch database (${errorMessage(error).split('\n')[0]}), so the migrations after it were not linted`
          }
          if (capture) out.push(await lintMigration(project, m, scratch.dialect, statements, session))
          if (stopped || out.length === wanted.size) break
        }
      } finally {
        await closeAll([session])
      }
      return out
    },
    scratchOptions(ws),
  )
  return stopped && migrations.length < wanted.size ? { migrations, stopped } : { migrations }
}

async function lintMigration(
  project: Project,
  m: Migration,
  dialect: Dialect,
  statements: { sql: string }[],
  session: Session,
): Promise<LintMigration> {
  const file = m.files[0]
  return {
    project: project.name,
    tool: project.tool,
    id: m.id,
    ...(file ? { file, source: await readFile(file, 'utf8') } : {}),
    dialect,
    transactional: session.transactional ? await session.transactional(m, 'up') : dialect !== 'mysql',
    reversible: m.reversible,
    statements,
  }
}
