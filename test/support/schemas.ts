import { z } from 'zod'

/**
 * The frozen shapes of every `--json` result (DESIGN.md §5). Tests parse real
 * output with these strict schemas, so a field added, renamed or dropped
 * fails until the contract is changed here on purpose.
 */
const exitCode = z.int().min(0)
const error = z.strictObject({ code: z.string(), message: z.string(), hint: z.string().optional() })

export const migrationStatusSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  state: z.enum(['applied', 'pending', 'failed', 'missing']),
  appliedAt: z.string().optional(),
  batch: z.int().optional(),
  checksum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  drift: z.boolean(),
  reversible: z.boolean(),
  timestamp: z
    .string()
    .regex(/^\d{17}$/)
    .optional(),
  error: z.string().optional(),
})

export const statusSchema = z.strictObject({
  projects: z.array(
    z.strictObject({
      name: z.string(),
      tool: z.string(),
      dir: z.string(),
      database: z.strictObject({ dialect: z.enum(['postgres', 'mysql', 'sqlite']), url: z.string() }).optional(),
      summary: z.strictObject({ applied: z.int(), pending: z.int(), failed: z.int(), drift: z.int(), missing: z.int() }).optional(),
      migrations: z.array(migrationStatusSchema).optional(),
      lock: z.strictObject({ holder: z.string(), since: z.string().optional(), stale: z.boolean() }).optional(),
      toolLock: z.strictObject({ holder: z.string(), since: z.string().optional() }).optional(),
      ignoredFiles: z.array(z.string()).optional(),
      plugin: z.strictObject({ installed: z.literal(false), install: z.string() }).optional(),
      env: z
        .strictObject({
          overridden: z.array(z.string()),
          shared: z.array(z.strictObject({ variable: z.string(), projects: z.array(z.string()) })).optional(),
        })
        .optional(),
      error: error.optional(),
    }),
  ),
  trackedBackups: z.array(z.string()).optional(),
  exitCode,
})

export const runSchema = z.strictObject({
  direction: z.enum(['up', 'down']),
  migrations: z.array(
    z.strictObject({ project: z.string(), id: z.string(), name: z.string(), direction: z.enum(['up', 'down']), durationMs: z.number() }),
  ),
  backups: z.array(z.strictObject({ database: z.string(), id: z.string() })),
  waited: z.array(z.strictObject({ database: z.string(), ms: z.number(), holder: z.string().optional() })),
  /** A run that stopped on a failure: the migration, and the error (exitCode 1). */
  failed: z.strictObject({ project: z.string(), id: z.string(), name: z.string(), direction: z.enum(['up', 'down']) }).optional(),
  error: error.extend({ details: z.array(z.string()) }).optional(),
  exitCode,
})

export const logSchema = z.strictObject({
  entries: z.array(
    z.strictObject({
      project: z.string(),
      tool: z.string(),
      migration: z.string(),
      direction: z.enum(['up', 'down', 'resolve', 'backup', 'restore']),
      checksum: z.string().nullable(),
      actor: z.string(),
      startedAt: z.string(),
      durationMs: z.number(),
      outcome: z.enum(['ok', 'rolled_back', 'failed', 'running']),
      error: z.string().nullable(),
      backupId: z.string().nullable(),
      note: z.string().nullable(),
      database: z.string(),
    }),
  ),
  exitCode,
})

export const resolveSchema = z.strictObject({
  marked: z.array(
    z.strictObject({ project: z.string(), id: z.string(), name: z.string(), as: z.enum(['applied', 'rolled-back']), note: z.string() }),
  ),
  dryRun: z.boolean(),
  exitCode,
})

export const unlockSchema = z.strictObject({
  locks: z.array(
    z.strictObject({
      database: z.string(),
      projects: z.array(z.string()),
      kind: z.string(),
      holder: z.strictObject({ who: z.string(), since: z.string().optional(), stale: z.boolean() }).optional(),
      released: z.boolean(),
    }),
  ),
  exitCode,
})

export const initSchema = z.strictObject({
  file: z.string(),
  projects: z.array(z.strictObject({ name: z.string(), tool: z.string(), dir: z.string() })),
  exitCode,
})

export const makeSchema = z.strictObject({ project: z.string(), files: z.array(z.string()), exitCode })

const dialect = z.enum(['postgres', 'mysql', 'sqlite'])

export const makeListSchema = z.strictObject({
  templates: z.array(
    z.strictObject({
      tool: z.string(),
      name: z.string(),
      summary: z.string(),
      options: z.array(z.strictObject({ flag: z.string(), required: z.boolean(), default: z.union([z.string(), z.number()]).optional() })),
      dialects: z.array(dialect),
      cannot: z.partialRecord(dialect, z.string()),
      source: z.enum(['built-in', 'project']),
    }),
  ),
  exitCode,
})

export const errorSchema = z.strictObject({ error: error.extend({ details: z.array(z.string()) }), exitCode })

export const manifestSchema = z.strictObject({
  id: z.string(),
  projects: z.array(z.string()),
  tools: z.array(z.string()),
  dialect: z.enum(['postgres', 'mysql', 'sqlite']),
  database: z.string(),
  databaseKey: z.string(),
  createdAt: z.string(),
  file: z.string(),
  size: z.int(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  migrations: z.record(z.string(), z.array(z.string())),
  dumpTool: z.string(),
  serverVersion: z.string(),
})

export const backupsSchema = z.strictObject({ backups: z.array(manifestSchema), exitCode })

export const restoreSchema = z.strictObject({
  restored: z.string().nullable(),
  database: z.string().nullable(),
  projects: z.array(z.strictObject({ name: z.string(), backup: z.array(z.string()), now: z.array(z.string()) })),
  exitCode,
})

/** `mig lint --json`. */
export const lintSchema = z.strictObject({
  findings: z.array(
    z.strictObject({
      code: z.string(),
      severity: z.enum(['error', 'warning']),
      project: z.string(),
      migration: z.string(),
      file: z.string().optional(),
      line: z.int().min(1).optional(),
      statement: z.string().optional(),
      message: z.string(),
      fix: z.string(),
      parsed: z.boolean(),
    }),
  ),
  unparsed: z.array(
    z.strictObject({
      project: z.string(),
      migration: z.string(),
      file: z.string().optional(),
      line: z.int().min(1).optional(),
      statement: z.string(),
      error: z.string(),
    }),
  ),
  notLinted: z.array(z.strictObject({ project: z.string(), tool: z.string(), reason: z.string() })),
  summary: z.strictObject({ migrations: z.int().min(0), errors: z.int().min(0), warnings: z.int().min(0), unparsed: z.int().min(0) }),
  exitCode: z.int().min(0),
})

/** `mig plan --json` (and `mig up --dry-run --json` once up calls printPlan). */
export const planSchema = z.strictObject({
  projects: z.array(z.string()),
  migrations: z.array(
    z.strictObject({
      project: z.string(),
      id: z.string(),
      statements: z.array(z.string()),
      dataDependent: z.array(z.int().min(0)),
      error: z.string().optional(),
    }),
  ),
  caveat: z.string(),
  exitCode,
})

/** `mig verify --json`. */
export const verifySchema = z.strictObject({
  ok: z.boolean(),
  projects: z.array(
    z.strictObject({
      project: z.string(),
      tool: z.string(),
      dialect: z.enum(['postgres', 'mysql', 'sqlite']),
      ok: z.boolean(),
      migrations: z.array(
        z.strictObject({
          id: z.string(),
          outcome: z.enum(['ok', 'applied', 'irreversible', 'not-restored', 'not-repeatable', 'failed']),
          step: z.enum(['up', 'down', 'up again']).optional(),
          differences: z.array(z.string()).optional(),
          message: z.string().optional(),
        }),
      ),
    }),
  ),
  exitCode,
})
