import { Command } from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type { Interfaces } from '@oclif/core'
import { createInterface } from 'node:readline/promises'
import type { Adapter } from './adapter.js'
import { type CommandIo, commandWorkspace, lockTimeoutMs } from './core/command-workspace.js'
import { collectAdapters, reportPluginFailures } from './core/verify-adapter.js'
import { type Workspace, openWorkspace } from './core/workspace.js'
import { ExitCode, MigError, errorMessage } from './output/errors.js'
import { redact, redactValue } from './output/redact.js'
import { asMigError, reportError } from './output/report-error.js'
import { didYouMean } from './output/suggest.js'
import { useTerminal } from './output/terminal.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof MigCommand)['baseFlags'] & T['flags']>

/**
 * Every mig command: the shared flags, one JSON envelope, and one path from
 * errors to exit codes (MigError → its code; flag mistakes → `usageExit`;
 * anything else → 1 with no stack trace unless --debug). All output is redacted.
 */
export abstract class MigCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    project: Flags.string({ char: 'p', multiple: true, description: 'act on this project only (repeatable)', helpGroup: 'GLOBAL' }),
    env: Flags.string({ description: "the tool's environment (knexfile environment, sequelize env, url per env)", helpGroup: 'GLOBAL' }),
    json: Flags.boolean({ description: 'print one JSON object instead of text', helpGroup: 'GLOBAL' }),
    config: Flags.string({ description: 'path to mig.config.json/.js/.ts', helpGroup: 'GLOBAL' }),
    cwd: Flags.string({ description: 'repository root (default: the current directory)', helpGroup: 'GLOBAL' }),
    debug: Flags.boolean({ description: 'show stack traces for errors', helpGroup: 'GLOBAL' }),
    color: Flags.boolean({
      description: 'colour the states in the output (default: on a terminal, unless NO_COLOR is set; never with --json)',
      allowNo: true,
      helpGroup: 'GLOBAL',
    }),
    timeout: Flags.integer({
      description: "seconds a project's tool config may take to load and list its migrations (default: timeoutSeconds, or 30)",
      min: 1,
      helpGroup: 'GLOBAL',
    }),
  }

  /**
   * Integer flags of every command and their minimum, for the fast dispatcher
   * (src/fast-status.ts): oclif's manifest records no type beyond "option", but
   * keeps a command's extra static properties. A command adding one extends this.
   */
  static integerFlags: Record<string, number> = { timeout: 1 }

  /** Commands that only read set this: they never create a database that does not exist yet. */
  static readOnly = false

  /** The exit code of a usage error. Status sets 1: its 2 means "pending migrations" to CI. */
  static usageExit: number = ExitCode.usage

  /** Plugins whose `mig:adapters` hook failed: their tools' projects cannot be seen. */
  protected pluginFailures: MigError[] = []

  /** For commands that take a database's lock. */
  static lockTimeoutFlag = Flags.integer({
    description: "seconds to wait for another run's lock (default: lock.timeoutSeconds, or 30)",
    min: 0,
  })

  /**
   * Fleets (projects with `targets`, src/fleet): status, up, down and backup.
   * No defaults here (the fast dispatcher declines flags with one): core applies them.
   */
  static fleetFlags = {
    concurrency: Flags.integer({
      description: 'fleets: run N targets at a time, each under its own lock (default 4)',
      min: 1,
      helpGroup: 'FLEET',
    }),
    targets: Flags.string({ description: 'fleets: only these targets (comma-separated, repeatable)', multiple: true, helpGroup: 'FLEET' }),
    match: Flags.string({
      description: "fleets: only targets whose name matches this glob ('acme-*'); with --targets, only those both select",
      helpGroup: 'FLEET',
    }),
    'fail-fast': Flags.boolean({
      description: 'fleets: after the first failing target, start no new one (running ones finish)',
      helpGroup: 'FLEET',
    }),
    shard: Flags.string({
      description: "fleets: only shard I of N (I/N, 0 ≤ I < N), a stable subset by a hash of each target's name",
      helpGroup: 'FLEET',
    }),
  }

  /** Integer flags of the fleet flags, for integerFlags. */
  static fleetIntegerFlags: Record<string, number> = { concurrency: 1 }

  /** For up and down: Flyway's validate, overridden (see validate in core/lifecycle.ts). */
  static allowDriftFlag = Flags.boolean({
    description: 'run even over an applied migration whose files changed or are gone, or one that failed partway (journaled)',
  })

  /** For up and down: see refuseSharedOverrides. */
  static allowSharedUrlFlag = Flags.boolean({
    description:
      'run even though one exported variable overrides different .env values of several projects and points them at one database',
  })

  protected flags!: BaseFlags<T>
  protected args!: Interfaces.InferredArgs<T['args']>

  public override async init(): Promise<void> {
    await super.init()
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof MigCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as Interfaces.InferredArgs<T['args']>
    useTerminal(this.flags)
  }

  /** The adapters: the built-in sql one plus every plugin's, through the `mig:adapters` hook, each verified. */
  protected async adapters(): Promise<Map<string, Adapter>> {
    const result = await this.config.runHook('mig:adapters', {})
    const { adapters, failures } = collectAdapters([
      ...result.successes.map(({ plugin, result: contributed }) => ({ plugin: plugin.name, result: contributed as unknown })),
      ...result.failures.map(({ plugin, error }) => ({ plugin: plugin.name, error: error as unknown })),
    ])
    this.pluginFailures.push(...failures)
    reportPluginFailures(failures, (l) => this.note(l))
    return adapters
  }

  protected async workspace(): Promise<Workspace> {
    return openWorkspace({
      cwd: this.flags.cwd,
      config: this.flags.config,
      env: this.flags.env,
      projects: this.flags.project,
      readOnly: (this.ctor as unknown as typeof MigCommand).readOnly,
      ...(this.flags.timeout !== undefined ? { timeoutSeconds: this.flags.timeout } : {}),
      adapters: await this.adapters(),
      warn: (m) => this.note(m),
    })
  }

  protected lockTimeoutMs(ws: Workspace): number {
    return lockTimeoutMs(ws, (this.flags as { 'lock-timeout'?: number })['lock-timeout'])
  }

  /** The workspace, refusing an empty one: nothing to act on is a usage error. */
  protected async projectsWorkspace(): Promise<Workspace> {
    return commandWorkspace(this.flags, await this.adapters(), (this.ctor as unknown as typeof MigCommand).readOnly, (m) => this.note(m))
  }

  /** What the core functions of commands (src/core/run-commands.ts) write through. */
  protected io(): CommandIo {
    return { out: (l) => this.out(l), note: (l) => this.note(l), json: (v) => this.printJson(v), confirm: (q, y) => this.confirm(q, y) }
  }

  /** A line on stdout (text mode only). */
  protected out(line = ''): void {
    if (!this.flags?.json) process.stdout.write(`${redact(line)}\n`)
  }

  /** A notice on stderr; kept out of stdout so --json stays parseable. */
  protected note(line: string): void {
    process.stderr.write(`${redact(line)}\n`)
  }

  protected printJson(value: unknown): void {
    process.stdout.write(`${JSON.stringify(redactValue(value), null, 2)}\n`)
  }

  /** Ask yes/no on a terminal; refuse without one (CI must say --yes). */
  protected async confirm(question: string, yesFlag: string): Promise<boolean> {
    if (!process.stdin.isTTY) {
      throw new MigError(
        'CONFIRM_NEEDED',
        `${question.replace(/\?$/, '')}: needs confirmation`,
        `no terminal to ask on; pass ${yesFlag} to proceed`,
        { exit: ExitCode.usage },
      )
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr })
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
    } finally {
      rl.close()
    }
  }

  protected override async catch(error: Error & { exitCode?: number; oclif?: { exit?: number }; parse?: unknown }): Promise<unknown> {
    if (error?.oclif?.exit !== undefined && error.message?.startsWith('EEXIT')) throw error
    const debug = this.flags?.debug ?? process.argv.includes('--debug')
    let migError: MigError
    if (error instanceof MigError) migError = error
    else if (error?.parse !== undefined || error?.oclif?.exit === 2) {
      const lines = errorMessage(error)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !/^The following errors occurred:$|^See more help with/.test(l))
      const unknown = /^Nonexistent flags?: (--?[\w-]+)/.exec(lines[0] ?? '')?.[1]
      const flags = Object.keys({ ...(this.ctor as typeof MigCommand).baseFlags, ...this.ctor.flags }).map((f) => `--${f}`)
      const meant = unknown ? didYouMean(unknown, flags) : undefined
      migError = new MigError(
        'USAGE',
        lines[0] ?? 'invalid arguments',
        `${meant ? `did you mean ${meant}? ` : ''}see \`mig ${this.id ?? ''} --help\``,
        { exit: ExitCode.usage, details: lines.slice(1) },
      )
    } else {
      migError = asMigError(error)
    }
    const json = this.flags?.json || (!this.flags && process.argv.includes('--json'))
    const exit = reportError(migError, {
      json,
      debug,
      usageExit: (this.ctor as unknown as typeof MigCommand).usageExit,
      ...(error.stack ? { stack: error.stack } : {}),
    })
    return this.exit(exit)
  }
}
