import * as v from 'valibot'
import { lintConfigSchema } from '../lint/config.js'

// valibot rather than zod: the config is read on every command, and valibot
// loads in ~5 ms where zod takes ~35 ms of a 150 ms `mig status`.
const nonEmpty = v.pipe(v.string(), v.minLength(1, 'must not be empty'))
// Said as a person reads the key, rather than valibot's "Expected >0 but received 0".
const seconds = v.pipe(v.number(), v.gtValue(0, 'must be more than 0 seconds'))

/** A fleet target's name: it is printed, selected (--targets, --match) and hashed (--shard). */
export const targetName = /^[A-Za-z0-9._-]+$/

/** One row of a fleet: another database (`url`), or a PostgreSQL schema of the project's own database (`schema`). */
export type TargetRow = { name: string; url: string } | { name: string; schema: string }

/** `targets`: a list, a file of rows (JSON, YAML or CSV), or a query against a control database. */
export type TargetsConfig = TargetRow[] | { file: string } | { query: string; url: string }

// Checked by checkTargets (config/load.ts), whose messages say which form was meant; a union's would not.
const targetsSchema = v.custom<TargetsConfig>(() => true)

export const projectSchema = v.strictObject({
  name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit')),
  tool: nonEmpty,
  dir: nonEmpty,
  /** sql: the database URL, or one per environment (`--env`). `${VAR}` expands from the environment. */
  url: v.optional(v.union([nonEmpty, v.record(v.string(), nonEmpty)])),
  /** Default environment for this project's tool config. */
  env: v.optional(nonEmpty),
  /** Tool-specific settings a plugin documents. */
  options: v.optional(v.record(v.string(), v.unknown())),
  /** `mig up` applies this project's pending migrations in one transaction, as `--atomic` does. */
  atomic: v.optional(v.boolean()),
  /** A fleet: the same project against each of these databases (or schemas) in turn (README "Fleets"). */
  targets: v.optional(targetsSchema),
  /** `dir` may lie outside the repository: its tool config is code mig will run, so that is said explicitly. */
  outside: v.optional(v.boolean()),
})

export const configSchema = v.strictObject({
  $schema: v.optional(v.string()),
  projects: v.optional(v.array(projectSchema)),
  backup: v.optional(
    v.strictObject({
      dir: v.optional(nonEmpty),
      before: v.optional(v.array(v.picklist(['up', 'down']))),
      keep: v.optional(v.pipe(v.number(), v.integer('must be a whole number'), v.minValue(1, 'must be at least 1'))),
    }),
  ),
  lock: v.optional(v.strictObject({ timeoutSeconds: v.optional(seconds) })),
  /** `mig plan` / `mig verify`: a server (any database on it) where mig may create its mig_scratch_* databases, when the target's user may not. */
  scratch: v.optional(v.strictObject({ url: v.optional(nonEmpty) })),
  /** How long a project's tool config may take to load, and its migrations to list (`--timeout`). */
  /** `mig lint`: per-rule severity (`"rules": { "renaming-column": "off" }`). */
  lint: v.optional(lintConfigSchema),
  timeoutSeconds: v.optional(seconds),
})

export type ProjectConfig = v.InferOutput<typeof projectSchema>
export type MigConfig = v.InferOutput<typeof configSchema>
