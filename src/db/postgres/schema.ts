import { MigError, errorMessage } from '../../output/errors.js'
import { schemaCreated } from '../schema-events.js'
import type { DatabaseTarget, Db } from '../types.js'
import { ident } from './catalog.js'

/**
 * libpq's `options` startup parameter setting search_path to `schema`
 * alone: quoted as an identifier, then spaces and backslashes escaped, as
 * the server splits `options` on unescaped whitespace. No `public` after
 * it: a table the schema lacks must not be found in another tenant's place.
 */
export const searchPathOption = (schema: string): string => `-c search_path=${ident(schema).replace(/[\\\s]/g, (c) => `\\${c}`)}`

/**
 * Create the target's schema when it is missing, as Flyway creates its
 * schemas, and say so (`onSchemaCreated`). Looked up first, so a role
 * without CREATE on the database can still use a schema made for it; two
 * connections creating it at once both go on.
 */
export async function ensureSchema(db: Db, target: DatabaseTarget & { schema: string }): Promise<void> {
  const [row] = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?) AS found', [target.schema])
  if (row?.found) return
  try {
    await db.run(`CREATE SCHEMA ${ident(target.schema)}`)
  } catch (error) {
    const code = (error as { code?: string }).code
    // 42P06 duplicate_schema, or 23505 when both inserted into pg_namespace at once: made by the other one.
    if (code === '42P06' || code === '23505') return
    throw new MigError(
      'SCHEMA_CREATE',
      `could not create schema "${target.schema}" in ${target.display}: ${errorMessage(error).split('\n')[0]}`,
      code === '42501'
        ? `create it as a role that may (CREATE SCHEMA ${ident(target.schema)} AUTHORIZATION <the migrating role>), or grant CREATE on the database`
        : "check the schema name and the role's privileges",
      { cause: error },
    )
  }
  schemaCreated(target)
}
