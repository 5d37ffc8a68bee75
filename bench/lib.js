// Shared by the benchmarks: timing, running mig and native CLIs, a private oclif data dir.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..')
export const runs = Number(process.env.BENCH_RUNS ?? 3)

export function workspace(name, plugins = []) {
  const work = join(repo, 'bench', '.work', name)
  rmSync(work, { recursive: true, force: true })
  const home = join(work, 'oclif')
  mkdirSync(home, { recursive: true })
  const env = {
    ...process.env,
    XDG_DATA_HOME: join(home, 'data'),
    XDG_CACHE_HOME: join(home, 'cache'),
    XDG_CONFIG_HOME: join(home, 'config'),
    NODE_ENV: 'development',
  }
  const bench = {
    work,
    env,
    run(cwd, cmd, args, okCodes = [0]) {
      const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 })
      if (!okCodes.includes(r.status)) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
    },
    mig: (cwd, ...args) => bench.run(cwd, process.execPath, [join(repo, 'bin/run.js'), ...args], [0, 2]),
    node: (cwd, script, ...args) => bench.run(cwd, process.execPath, [join(repo, script), ...args]),
    /** A project folder with the repository's node_modules, as the user's own install. */
    project(dir) {
      mkdirSync(dir, { recursive: true })
      symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'))
      writeFileSync(join(dir, 'package.json'), '{"name":"bench","private":true}')
      return dir
    },
    cleanup: () => rmSync(work, { recursive: true, force: true }),
  }
  for (const plugin of plugins) bench.mig(work, 'plugins', 'link', join(repo, 'plugins', plugin))
  return bench
}

export function time(fn) {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

export const best = (fn, setup = () => {}) => Math.min(...Array.from({ length: runs }, () => (setup(), time(fn))))

export const row = (work, nativeName, native, ours, target) => ({
  work,
  native: `${nativeName} ${native.toFixed(0)} ms`,
  mig: `${ours.toFixed(0)} ms`,
  ratio: (ours / native).toFixed(2),
  target,
})
