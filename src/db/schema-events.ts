import type { DatabaseTarget } from './types.js'

type Listener = (target: DatabaseTarget & { schema: string }) => void

const listeners = new Set<Listener>()

/**
 * Hear each schema a connection creates for a schema target (as Flyway
 * creates its schemas), so the command can say so: the connection that
 * creates it may be an adapter's, opened before core's. Returns the
 * unsubscribe.
 */
export function onSchemaCreated(listener: Listener): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** Called by a driver that has just created `target.schema`. */
export function schemaCreated(target: DatabaseTarget & { schema: string }): void {
  for (const listener of listeners) listener(target)
}
