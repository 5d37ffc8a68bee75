import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { readIndex } from './core/adapter-index.js'
import type { CommandIo } from './core/command-workspace.js'
import type { CollectedAdapters, HookOutcome } from './core/verify-adapter.js'
import { ExitCode } from './output/errors.js'
import { packageRoot } from './package-root.js'
import { redact, redactValue } from './output/redact.js'
import { asMigError, reportError } from './output/report-error.js'
import { useTerminal } from './output/terminal.js'

/**
 * The fast dispatcher: a command's core function without the CLI framework,
 * for status and the release routine (up, down, backup). Loading oclif, its
 * plugin discovery and the command class costs about as much again as the
 * rest of a plain `status` or `up --one` (bench/startup.js).
 *
 * It takes the command's flags from oclif.manifest.json (written by `oclif
 * manifest` in the build) and the plugins' `mig:adapters` hooks from the
 * adapter index oclif writes (src/core/adapter-index.ts), trusted only while
 * its fingerprint matches. Anything else (--help, --debug, an unknown or
 * repeated flag, flags that exclude each other, a prompt, a stale or missing
 * index, a plugin with other hooks, a plugin that fails) returns undefined
 * before anything is printed or done, and bin/run.js runs the command through
 * oclif as usual, which gives the usual errors and exit codes. Status
 * changes nothing in a database, so it also leaves its own failures (a bad
 * config, no projects) to oclif; the others, once started, report their
 * errors as MigCommand.catch does (src/output/report-error.ts) and never
 * fall through.
 *
 * bin/run.js loads this module from the build's bundle (dist/fast/,
 * scripts/bundle-fast.js), oclif's commands from dist/ as tsc wrote it: two
 * copies of core that share no state. A status declined after it started
 * runs again from scratch in oclif's copy; the bundle's stays loaded, idle.
 * A bundle older than tsc's output (a `tsc` without `npm run build`) declines.
 *
 * Disable it with MIG_FAST_PATH=0; DEBUG=mig:fast says which path ran and why.
 */
export async function fastRun(argv: string[]): Promise<number | undefined> {
  const [id = '', ...rest] = argv
  const decline = (why: string): undefined => {
    trace(id, `declined (${why})`)
    return undefined
  }
  const command = fastCommands[id]
  if (!command) return decline('not a fast command')
  if (process.platform === 'win32') return decline('Windows data folders')
  const root = packageRoot
  if (staleBundle(root)) return decline('dist/fast/ is older than dist/: run `npm run build`')
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8')) as Manifest
  if (manifest.version !== version) return decline('manifest of another version')
  const flags = parseFlags(manifest.commands[id], rest)
  if (!flags) return decline('flags it does not handle')
  if (prompts(id, flags)) return decline('it would ask for confirmation')
  const index = readIndex(root, version)
  if (typeof index === 'string') return decline(index)
  const outcomes: HookOutcome[] = []
  for (const hook of index.adapters) {
    try {
      const mod = (await import(pathToFileURL(hook.file).href)) as Record<string, unknown>
      const fn = hookFunction(mod, hook.identifier)
      if (fn) outcomes.push({ plugin: hook.plugin, result: await fn({}) })
    } catch {
      return decline(`${hook.plugin}: its mig:adapters hook failed`)
    }
  }
  // Loaded only now: a declined run (--help) loads nothing of core.
  const { collectAdapters } = await import('./core/verify-adapter.js')
  const collected = collectAdapters(outcomes)
  if (collected.failures.length) return decline(`${collected.failures[0]!.message}: oclif reports it`)
  const json = flags.json === true
  // --[no-]color is parsed from the manifest like every flag: MigCommand.init does the same.
  useTerminal({ json, color: typeof flags.color === 'boolean' ? flags.color : undefined })
  const run = await command.run()
  if (!command.reads) {
    const io = liveIo(json)
    // Once it has started, it must not fall through to oclif and run twice: every way out is an exit code.
    trace(id, 'handled')
    try {
      return await run(flags, collected, io)
    } catch (error) {
      try {
        return reportError(asMigError(error), { json, debug: false, usageExit: manifest.commands[id]?.usageExit ?? ExitCode.usage })
      } catch {
        return ExitCode.error
      }
    }
  }
  // Nothing is printed before the command succeeds: a decline leaves oclif a clean slate.
  const stdout: string[] = []
  const stderr: string[] = []
  let code
  try {
    code = await run(flags, collected, {
      out: (line) => stdout.push(`${redact(line)}\n`),
      note: (line) => stderr.push(`${redact(line)}\n`),
      json: (value) => stdout.push(`${JSON.stringify(redactValue(value), null, 2)}\n`),
      confirm: () => Promise.reject(new Error('no prompt in the fast path')),
    })
  } catch {
    return decline('the command failed: oclif reports it')
  }
  process.stderr.write(stderr.join(''))
  process.stdout.write(stdout.join(''))
  trace(id, 'handled')
  return code
}

/** Run from the bundle, and tsc wrote dist/fast-status.js after it: the bundle holds older code than oclif's copy. */
function staleBundle(root: string): boolean {
  const self = fileURLToPath(import.meta.url)
  const compiled = join(root, 'dist', 'fast-status.js')
  if (self === compiled || !self.startsWith(join(root, 'dist', 'fast'))) return false
  try {
    return statSync(compiled).mtimeMs > statSync(self).mtimeMs
  } catch {
    return false
  }
}

/** MigCommand's writers: out is silent with --json. */
const liveIo = (json: boolean): CommandIo => ({
  out: (line) => {
    if (!json) process.stdout.write(`${redact(line)}\n`)
  },
  note: (line) => process.stderr.write(`${redact(line)}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(redactValue(value), null, 2)}\n`),
  // Never reached: a flag set that would prompt is left to oclif (see prompts).
  confirm: () => Promise.reject(new Error('no prompt in the fast path')),
})

type FastCommand = (flags: Record<string, unknown>, adapters: CollectedAdapters, io: CommandIo) => Promise<number>

/**
 * The commands the dispatcher runs, by id: each the same core function its
 * oclif command runs. `reads`: only reads, so a failure can still go to oclif
 * (nothing printed yet); the others print as they go and report their own
 * errors, as MigCommand.catch does.
 */
const fastCommands: Record<string, { run: () => Promise<FastCommand>; reads: boolean }> = {
  status: { run: async () => (await import('./core/run-status.js')).runStatus, reads: true },
  up: { run: async () => (await import('./core/run-commands.js')).runUp, reads: false },
  down: { run: async () => (await import('./core/run-commands.js')).runDown, reads: false },
  backup: { run: async () => (await import('./core/run-commands.js')).runBackup, reads: false },
}

/** Whether the command would ask on the terminal: oclif's path does that. */
const prompts = (id: string, flags: Record<string, unknown>): boolean =>
  id === 'down' && flags.all === true && flags.yes !== true && flags['dry-run'] !== true

/** Flags only oclif handles: --debug wants its stack traces. */
const oclifOnly = new Set(['debug'])

/** oclif's lookup of a hook's function in its module (Config.runHook). */
function hookFunction(mod: Record<string, unknown>, identifier: string): ((options: object) => unknown) | undefined {
  const named = mod[identifier]
  if (typeof named === 'function') return named as (options: object) => unknown
  if (identifier !== 'default') return undefined
  return Object.values(mod).find((v) => typeof v === 'function') as ((options: object) => unknown) | undefined
}

function trace(id: string, message: string): void {
  if (/(^|,)\s*mig(:fast|:\*|\*)/.test(process.env.DEBUG ?? '')) process.stderr.write(`mig:fast ${id} ${message}\n`)
}

export interface ManifestFlag {
  name: string
  type: 'boolean' | 'option'
  char?: string
  multiple?: boolean
  allowNo?: boolean
  /** The values oclif accepts; anything else, its message. */
  options?: string[]
  [other: string]: unknown
}

interface Manifest {
  version: string
  commands: Record<
    string,
    | { flags: Record<string, ManifestFlag>; args?: Record<string, unknown>; integerFlags?: Record<string, number>; usageExit?: number }
    | undefined
  >
}

/** Flag features oclif implements that this parser does not: a command using any of them goes to oclif. */
const unhandled = ['default', 'required', 'dependsOn', 'exactlyOne', 'relationships', 'env', 'aliases', 'charAliases', 'delimiter'] as const

/**
 * The command's flags as oclif would parse them, from its manifest entry, or
 * undefined when this parser cannot promise oclif's answer (oclif then gives its own).
 */
export function parseFlags(command: Manifest['commands'][string], argv: string[]): Record<string, unknown> | undefined {
  if (!command || Object.keys(command.args ?? {}).length) return undefined
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {}
  for (const flag of Object.values(command.flags)) {
    const used = unhandled.filter((k) => flag[k] !== undefined && flag[k] !== false && !(Array.isArray(flag[k]) && !flag[k].length))
    if (used.length) return undefined
    options[flag.name] = {
      type: flag.type === 'boolean' ? 'boolean' : 'string',
      ...(flag.char ? { short: flag.char } : {}),
      ...(flag.multiple ? { multiple: true } : {}),
    }
    if (flag.allowNo) options[`no-${flag.name}`] = { type: 'boolean' }
  }
  try {
    const { values, tokens } = parseArgs({ args: argv, options, strict: true, allowPositionals: false, tokens: true })
    // --no-x is x, given.
    const canonical = (name: string) =>
      !command.flags[name] && name.startsWith('no-') && command.flags[name.slice(3)]?.allowNo ? name.slice(3) : name
    const given = tokens.flatMap((t) => (t.kind === 'option' ? [canonical(t.name)] : []))
    if (given.some((name) => oclifOnly.has(name))) return undefined
    // oclif refuses a repeated single-valued flag (--x and --no-x included), and flags given together that exclude each other; leave its messages to it.
    const single = given.filter((name) => !command.flags[name]?.multiple)
    if (new Set(single).size !== single.length) return undefined
    if (given.some((name) => [command.flags[name]?.exclusive ?? []].flat().some((other) => given.includes(other as string))))
      return undefined
    const flags: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(values)) {
      const name = canonical(key)
      if (name !== key) {
        flags[name] = false
        continue
      }
      const strings = [value].flat().filter((v): v is string => typeof v === 'string')
      // A value oclif might read as a flag, or reject as empty: its message.
      if (strings.some((v) => v === '' || v.startsWith('-'))) return undefined
      const allowed = command.flags[name]?.options
      if (allowed && strings.some((v) => !allowed.includes(v))) return undefined
      const min = command.integerFlags?.[name]
      if (min === undefined) flags[name] = value
      // Anything but a plain integer at or over its minimum: oclif's message.
      else if (typeof value === 'string' && /^(0|[1-9]\d*)$/.test(value) && Number(value) >= min) flags[name] = Number(value)
      else return undefined
    }
    return flags
  } catch {
    return undefined
  }
}
