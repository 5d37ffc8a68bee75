import { rmSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { toolVersion } from '../../backup/tools.js'
import type { DatabaseTarget } from '../types.js'
import { serverParts } from '../url.js'

/** mariadb-dump where it exists (it also dumps MySQL), else mysqldump. */
export async function pick(mariadb: string, mysql: string): Promise<string> {
  try {
    await toolVersion(mariadb)
    return mariadb
  } catch {
    return mysql
  }
}

/**
 * The password goes in a 0600 options file in a 0700 temp dir, passed with
 * --defaults-extra-file and removed on every exit path (also if the process
 * is interrupted, unless `exitOnSignal` is false and the caller handles
 * signals itself): never in argv, never in the environment.
 */
export async function withOptionsFile<T>(
  target: DatabaseTarget,
  fn: (args: string[], database: string) => Promise<T>,
  options: { exitOnSignal?: boolean } = {},
): Promise<T> {
  const p = serverParts(target)
  const dir = await mkdtemp(join(tmpdir(), 'mig-my-'))
  const file = join(dir, 'client.cnf')
  const cleanup = () => rm(dir, { recursive: true, force: true })
  // On an exit or a signal mid-run only sync work runs: remove the file right there.
  const onExit = () => rmSync(dir, { recursive: true, force: true })
  // The file goes at once (the client read it when it started). Exit only when nothing else
  // handles the signal: a run's interrupt handler (a fleet's first Ctrl-C lets running
  // targets finish their migration) decides for itself, and must not be cut short here.
  const onSignal = (signal: NodeJS.Signals) => {
    onExit()
    if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  // A scratch database's own handler must run its drops first: it exits itself.
  const signals = options.exitOnSignal ?? true
  process.once('exit', onExit)
  if (signals) process.once('SIGINT', onSignal)
  if (signals) process.once('SIGTERM', onSignal)
  try {
    const quoted = p.password.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    await writeFile(file, `[client]\npassword="${quoted}"\n`, { mode: 0o600 })
    return await fn(
      [`--defaults-extra-file=${file}`, '-h', p.host, '-P', p.port, ...(p.user ? ['-u', p.user] : []), '--protocol=TCP'],
      p.database,
    )
  } finally {
    process.removeListener('exit', onExit)
    process.removeListener('SIGINT', onSignal)
    process.removeListener('SIGTERM', onSignal)
    await cleanup()
  }
}
