import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
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
  /** The package that ships the tool (e.g. postgresql-client), for the install hint. */
  installs?: string
  /** The dialect's reading of a failure's stderr (a client older than the server), before the generic one. */
  explain?(stderr: string, line: string): MigError | undefined
}

export interface ToolResult {
  stdout: string
  sha256?: string
  size?: number
}

const missing = (command: string, installs = command): MigError =>
  new MigError(
    'TOOL_MISSING',
    `${command} is not installed`,
    `install ${installs} (e.g. apt-get install ${installs.split(' ')[0]}) and make sure ${command} is on PATH`,
  )

/** Run a client tool; a failure becomes a one-line MigError with its stderr's first meaningful line. */
export function runTool(run: ToolRun): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(run.command, run.args, {
      env: { ...process.env, ...run.env },
      stdio: [run.stdinFrom ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    })
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
    child.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? missing(run.command, run.installs) : error))
    child.on('close', (code, signal) => {
      fileDone.then(
        () => {
          if (code === 0) resolvePromise({ stdout, ...(run.stdoutTo ? { sha256: hash.digest('hex'), size } : {}) })
          else reject(toolFailed(run, stderr, code, signal))
        },
        (error: unknown) => reject(error),
      )
    })
  })
}

function toolFailed(run: ToolRun, stderr: string, code: number | null, signal: NodeJS.Signals | null): MigError {
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
