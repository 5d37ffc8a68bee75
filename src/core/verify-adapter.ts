import type { Adapter } from '../adapter.js'
import { sqlAdapter } from '../adapters/sql/adapter.js'
import { MigError, errorMessage } from '../output/errors.js'

/**
 * A plugin's adapter, checked before core relies on it (umzug's
 * verifyUmzugStorage is the model): a plugin built against another version of
 * the contract, or a hook returning the wrong thing, fails here with one line
 * naming the plugin rather than later with a TypeError deep in a command.
 */
export function verifyAdapter(adapter: unknown, pluginName: string): Adapter {
  const problem = malformed(adapter)
  if (problem) {
    throw new MigError(
      'PLUGIN_MALFORMED',
      `plugin ${pluginName} returned a malformed adapter: ${problem}`,
      `upgrade or reinstall it, or remove it with \`mig plugins uninstall ${pluginName}\``,
    )
  }
  return adapter as Adapter
}

function malformed(adapter: unknown): string | undefined {
  if (typeof adapter !== 'object' || adapter === null) return `expected an object, got ${adapter === null ? 'null' : typeof adapter}`
  const { tool, open, markers } = adapter as Record<string, unknown>
  if (typeof tool !== 'string' || !tool) return 'tool is not a non-empty string'
  if (typeof open !== 'function') return 'open is not a function'
  if (markers === undefined) return undefined
  if (!Array.isArray(markers)) return 'markers is not an array'
  for (const [i, marker] of (markers as unknown[]).entries()) {
    const m = (typeof marker === 'object' && marker !== null ? marker : {}) as Record<string, unknown>
    if (typeof m.glob !== 'string' || !m.glob) return `markers[${i}].glob is not a non-empty string`
    if (m.dot !== undefined && typeof m.dot !== 'boolean') return `markers[${i}].dot is not a boolean`
    if (m.project !== undefined && typeof m.project !== 'function') return `markers[${i}].project is not a function`
  }
  return undefined
}

/** What one plugin's `mig:adapters` hook gave: its result, or the error it threw. */
export type HookOutcome = { plugin: string; result: unknown } | { plugin: string; error: unknown }

export interface CollectedAdapters {
  /** The built-in sql adapter plus every plugin's, by tool. */
  adapters: Map<string, Adapter>
  /** Plugins whose hook failed or returned a malformed adapter: their tools' projects cannot be seen. */
  failures: MigError[]
}

/** The adapters the hooks gave, each verified; a plugin with a malformed one counts as failed, all of its adapters dropped. */
export function collectAdapters(outcomes: readonly HookOutcome[]): CollectedAdapters {
  const adapters = new Map<string, Adapter>([[sqlAdapter.tool, sqlAdapter]])
  const failures: MigError[] = []
  for (const outcome of outcomes) {
    if ('error' in outcome) {
      failures.push(pluginFailed(outcome.plugin, outcome.error))
      continue
    }
    try {
      // A hook that returns nothing contributes nothing, as before.
      const mine = [outcome.result]
        .flat()
        .filter((a) => a !== undefined && a !== null)
        .map((a) => verifyAdapter(a, outcome.plugin))
      for (const adapter of mine) adapters.set(adapter.tool, adapter)
    } catch (error) {
      failures.push(error as MigError)
    }
  }
  return { adapters, failures }
}

const pluginFailed = (plugin: string, error: unknown): MigError =>
  new MigError(
    'PLUGIN_FAILED',
    `plugin ${plugin} failed to provide its adapter: ${errorMessage(error)}`,
    `reinstall it, or remove it with \`mig plugins uninstall ${plugin}\``,
    { cause: error },
  )

/** A failed plugin as every command reports it: on stderr, before anything else. */
export function reportPluginFailures(failures: readonly MigError[], note: (line: string) => void): void {
  for (const failure of failures) {
    note(`Error: ${failure.message}`)
    note(`Hint: ${failure.hint}`)
  }
}
