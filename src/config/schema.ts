import { z } from 'zod'

const projectName = z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit')

export const projectSchema = z.strictObject({
  name: projectName,
  tool: z.string().min(1),
  dir: z.string().min(1),
  /** sql: the database URL, or one per environment (`--env`). `${VAR}` expands from the environment. */
  url: z.union([z.string().min(1), z.record(z.string(), z.string().min(1))]).optional(),
  /** Default environment for this project's tool config. */
  env: z.string().min(1).optional(),
  /** Tool-specific settings a plugin documents. */
  options: z.record(z.string(), z.unknown()).optional(),
})

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  projects: z.array(projectSchema).optional(),
  backup: z
    .strictObject({
      dir: z.string().min(1).optional(),
      before: z.array(z.enum(['up', 'down'])).optional(),
      keep: z.int().positive().optional(),
    })
    .optional(),
  lock: z.strictObject({ timeoutSeconds: z.number().positive().optional() }).optional(),
})

export type ProjectConfig = z.infer<typeof projectSchema>
export type MigConfig = z.infer<typeof configSchema>
