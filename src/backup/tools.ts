import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { MigError } from '../output/errors.js'
import { redact } from '../output/redact.js'

/** Debian package that ships each client tool, for the install hint. */
export const packages: Record<string, string> = {
  pg_dump: 'postgresql-client',
  pg_restore: 'postgresql-client',
  'mariadb-dump': 'mariadb-client',
  mysqldump: 'mariadb-client (or mysql-client)',
  mariadb: 'mariadb-client',
  mysql: 'mariadb-client (or mysql-client)',
}

export interface ToolRun {
  command: string
  args: string[]
  /** Extra environment (PGPASSWORD): secrets go here, never into args. */
  env?: NodeJS.ProcessEnv
  /** Stream stdout into this file (mode 0600), hashing it on the way. */
  stdoutTo?: string
  /** Feed this file to stdin. */
  stdinFrom?: NodeJS.ReadableStream
}

export interface ToolResult {
  stdout: string
  sha256?: string
  size?: number
}

const missing = (command: string): MigError =>
  new MigError('TOOL_MISSING', `${command} is not installed`, `install ${packages[command] ?? command} (e.g. apt-get install ${(packages[command] ?? command).split(' ')[0]}) and make sure ${command} is on PATH`)

/** Run a client tool; a failure becomes a one-line MigError with its stderr's first meaningful line. */
export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(run.command, run.args, { env: { ...process.env, ...run.env }, stdio: [run.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let stdout = ''
    const hash = createHash('sha256')
    let size = 0
    let fileDone: Promise<void> = Promise.resolve()
    if (run.stdoutTo) {
      const out = createWriteStream(run.stdoutTo, { mode: 0o600 })
      child.stdout!.on('data', (chunk: Buffer) => {
        hash.update(chunk)
        size += chunk.length
      })
      child.stdout!.pipe(out)
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
    } else {
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    }
    if (run.stdinFrom) {
      // A tool that dies mid-load closes its stdin: the EPIPE is a symptom, its exit status and stderr say why.
      child.stdin!.on('error', () => {})
      run.stdinFrom.on('error', (error) => {
        child.kill()
        reject(error)
      })
      run.stdinFrom.pipe(child.stdin!)
    }
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? missing(run.command) : error))
    child.on('close', (code, signal) => {
      fileDone.then(
        () => {
          if (code === 0) resolvePromise({ stdout, ...(run.stdoutTo ? { sha256: hash.digest('hex'), size } : {}) })
          else reject(toolFailed(run.command, stderr, code, signal))
        },
        (error: unknown) => reject(error),
      )
    })
  })
}

function toolFailed(command: string, stderr: string, code: number | null, signal: NodeJS.Signals | null): MigError {
  const lines = redact(stderr).split('\n').map((l) => l.trim()).filter(Boolean)
  const line = lines.find((l) => /error|fatal|mismatch|denied|refused/i.test(l)) ?? lines[0] ?? `exited ${code ?? signal}`
  const version = /server version: ([\d.]+)/.exec(stderr)?.[1]
  if (/version mismatch/i.test(stderr)) {
    return new MigError('TOOL_VERSION', `${command} is older than the server: ${line}`, `install the client of the server's version${version ? ` (postgresql-client-${version.split('.')[0]})` : ''}`)
  }
  return new MigError('TOOL_FAILED', `${command} failed: ${line}`, `run ${command} by hand to see its full output`)
}

/** `pg_dump --version` and the like, for the manifest; undefined when the tool is absent. */
export async function toolVersion(command: string): Promise<string> {
  return (await runTool({ command, args: ['--version'] })).stdout.trim()
}
