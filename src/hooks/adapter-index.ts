import type { Config } from '@oclif/core/config'
import { type PluginSource, writeIndex } from '../core/adapter-index.js'

/**
 * Keep the adapter index (src/core/adapter-index.ts) in step with what oclif
 * discovered: on every run (init), after `plugins install`/`uninstall`
 * (plugin-plugins' postinstall/postuninstall hooks), and after any other
 * `plugins` command (link, unlink, update, reset: postrun), whose changes the
 * running Config has not loaded. A failed write only costs the fast path.
 */
const write = (config: PluginSource) => {
  try {
    writeIndex(config)
  } catch {
    // a read-only cache dir: status takes oclif's path
  }
}

export const init = async function (options: { config: Config }): Promise<void> {
  write(options.config as PluginSource)
}

export const pluginsChanged = async function (options: { config: Config }): Promise<void> {
  write(options.config as PluginSource)
}

/** The `plugins` commands that change the plugin list, aliases included (not `plugins` itself, nor `inspect`). */
const changes = (id: string): boolean => id.startsWith('plugins:') && id !== 'plugins:inspect'

export const postrun = async function (options: { config: Config; Command?: { id?: string } }): Promise<void> {
  if (!changes(options.Command?.id ?? '')) return
  const { Config: Fresh } = await import('@oclif/core/config')
  write((await Fresh.load(options.config.root)) as PluginSource)
}
