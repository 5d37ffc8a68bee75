import { z } from 'zod'

/** The frozen shape of `mig lint --json` (to join the others in src/output/schemas.ts). */
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
    z.strictObject({ project: z.string(), migration: z.string(), file: z.string().optional(), line: z.int().min(1).optional(), statement: z.string(), error: z.string() }),
  ),
  notLinted: z.array(z.strictObject({ project: z.string(), tool: z.string(), reason: z.string() })),
  summary: z.strictObject({ migrations: z.int().min(0), errors: z.int().min(0), warnings: z.int().min(0), unparsed: z.int().min(0) }),
  exitCode: z.int().min(0),
})
