import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { signalExit } from '../core/interrupt.js'
import { MigError } from '../output/errors.js'
import { redact } from '../output/redact.js'

export interface ToolRun {
  command: string
  args: string[]
  /** Extra environment (PGPASSWORD): secrets go here, never into args. */
  env?: NodeJS.ProcessEnv
  /** Stream stdout into this file (mode 0600), hashing it on the way. */
  stdoutTo?: string
  /** Feed this file to stdin. */
  stdinFrom?: NodeJS.ReadableStream
  /** The package that ships the tool, for the install hint (default: the one `packages` names). */
  installs?: string
  /** The dialect's reading of a failure's stderr (a client older than the server), before the generic one. */
  explain?(stderr: string, line: string): MigError | undefined
}

export interface ToolResult {
  stdout: string
  sha256?: string
  size?: number
}

/** The Debian package of each client tool mig runs, for the install hint. */
const packages: Record<string, string> = {
  pg_dump: 'postgresql-client',
  pg_restore: 'postgresql-client',
  psql: 'postgresql-client',
  'mariadb-dump': 'mariadb-client',
  mariadb: 'mariadb-client',
  mysqldump: 'mariadb-client (or mysql-client)',
  mysql: 'mariadb-client (or mysql-client)',
}

const missing = (command: string, installs = packages[command] ?? command): MigError =>
  new MigError(
    'TOOL_MISSING',
    `${command} is not installed`,
    `install ${installs} (e.g. apt-get install ${installs.split(' ')[0]}) and make sure ${command} is on PATH`,
  )

const interrupted = (command: string, signal: NodeJS.Signals): MigError =>
  new MigError('INTERRUPTED', `${command} stopped: interrupted (${signal})`, 'it stopped before finishing: run the command again', {
    exit: signalExit(signal),
  })

/** Where runTool adds the bytes it feeds a tool, inside a restore's progress (src/backup/progress.ts `metered`). */
export const fedBytes = new AsyncLocalStorage<(n: number) => void>()

/**
 * Run a client tool; a failure becomes a one-line MigError with its stderr's
 * first meaningful line. Through execa, so no dump outlives mig: a SIGINT or
 * SIGTERM while the tool runs stops it (SIGTERM, then SIGKILL after a grace
 * period) and this rejects with INTERRUPTED (exit 130/143), so the caller's
 * cleanup runs (a backup's partial file is removed); a second signal exits
 * at once, and any exit of mig kills the tool (execa's `cleanup`).
 */
export async function runTool(run: ToolRun): Promise<ToolResult> {
  const fed = fedBytes.getStore()
  // Loaded on first use: status and up, which run no tool, never load it.
  const { execa } = await import('execa')
  const cancel = new AbortController()
  let received: NodeJS.Signals | undefined
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) process.exit(signalExit(received))
    received = signal
    cancel.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  try {
    const result = await supervise(run, execa, cancel.signal, fed)
    // A signal as the tool finished is a stop all the same.
    if (received) throw interrupted(run.command, received)
    return result
  } catch (error) {
    throw received ? interrupted(run.command, received) : error
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}

async function supervise(
  run: ToolRun,
  execa: typeof import('execa').execa,
  cancelSignal: AbortSignal,
  fed: ((n: number) => void) | undefined,
): Promise<ToolResult> {
  const child = execa(run.command, run.args, {
    env: run.env ?? {},
    stdin: run.stdinFrom ? 'pipe' : 'ignore',
    // A dump streams to its file: never held in memory.
    buffer: { stdout: !run.stdoutTo, stderr: true },
    stripFinalNewline: false,
    reject: false,
    cancelSignal,
    forceKillAfterDelay: 5000,
  })
  const hash = createHash('sha256')
  let size = 0
  let fileDone: Promise<void> = Promise.resolve()
  if (run.stdoutTo) {
    const out = createWriteStream(run.stdoutTo, { mode: 0o600 })
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk)
      size += chunk.length
    })
    child.stdout.pipe(out)
    fileDone = new Promise((res, rej) => {
      out.on('finish', () => res())
      out.on('error', (error) => {
        // A file that cannot be written (a full disk) ends the dump: the tool would block on a pipe nobody reads.
        child.kill()
        rej(error)
      })
    })
    // Settled when the tool exits; until then its rejection is not unhandled.
    fileDone.catch(() => {})
  }
  let inputError: Error | undefined
  if (run.stdinFrom) {
    run.stdinFrom.on('error', (error) => {
      inputError = error
      child.kill()
    })
    if (fed) run.stdinFrom.on('data', (chunk: Buffer | string) => fed(chunk.length))
    // A tool that dies mid-load closes its stdin: the EPIPE is a symptom (execa ignores it), its exit status and stderr say why.
    run.stdinFrom.pipe(child.stdin!)
  }
  const result = await child
  if (inputError) throw inputError
  await fileDone
  if (result.code === 'ENOENT') throw missing(run.command, run.installs)
  if (result.failed) throw toolFailed(run, result.stderr ?? '', result.exitCode, result.signal)
  return {
    stdout: run.stdoutTo ? '' : (result.stdout ?? ''),
    ...(run.stdoutTo ? { sha256: hash.digest('hex'), size } : {}),
  }
}

function toolFailed(run: ToolRun, stderr: string, code: number | undefined, signal: string | undefined): MigError {
  const lines = redact(stderr)
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const line = lines.find((l) => /error|fatal|mismatch|denied|refused/i.test(l)) ?? lines[0] ?? `exited ${code ?? signal}`
  return (
    run.explain?.(stderr, line) ??
    new MigError('TOOL_FAILED', `${run.command} failed: ${line}`, `run ${run.command} by hand to see its full output`)
  )
}

/** `pg_dump --version` and the like, for the manifest; throws TOOL_MISSING when the tool is absent. */
export async function toolVersion(command: string, installs?: string): Promise<string> {
  return (await runTool({ command, args: ['--version'], ...(installs ? { installs } : {}) })).stdout.trim()
}

/** sha256 and size of a file, streamed. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { sha256: hash.digest('hex'), size }
}
