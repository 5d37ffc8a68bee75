import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { runServer } from 'verdaccio'

export interface Run {
  code: number
  stdout: string
  stderr: string
  ms: number
}

const running = new Set<number>()
// A test that times out or a worker that exits leaves no npm behind: every command runs in its own process group.
process.once('exit', () => {
  for (const pid of running) killGroup(pid)
})

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/** Run a command (npm, npx) as a user would in a shell, killed with its children after `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<Run> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const pid = child.pid!
    running.add(pid)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${options.timeoutMs} ms]`
      killGroup(pid)
    }, options.timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      running.delete(pid)
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started })
    })
  })
}

/**
 * The environment of a fresh shell: the machine's own (PATH, HOME and so its
 * ~/.npmrc, which is read, never written), without what npm or vitest set for
 * the test run itself (npm_*, VITEST*, NODE_ENV, DATABASE_URL), with `extra` on top.
 */
export function shellEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|VITEST)/i.test(key) || ['INIT_CWD', 'NODE_ENV', 'TEST', 'DATABASE_URL', 'NODE_OPTIONS'].includes(key)) continue
    env[key] = value
  }
  return { ...env, ...extra }
}

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/`: what `npm_config_registry` is set to. */
  url: string
  /** `npm publish` the package in `dir` as it is on disk (built), with the registry's throwaway token. */
  publish(dir: string): Promise<Run>
  stop(): Promise<void>
}

/**
 * A verdaccio registry in this process, on 127.0.0.1 and a free port, its
 * storage and users under `root`. `mig` and `@mig/*` exist only here (npm's
 * public `mig` is another project); everything else is proxied from the
 * registry this machine's npm uses, so installs take mig's own dependencies
 * from where a user would. Serving from this process, it cannot outlive the
 * test run; `stop()` closes it in afterAll.
 */
export async function startRegistry(root: string, upstream: string): Promise<LocalRegistry> {
  mkdirSync(root, { recursive: true })
  const local = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' }
  const server = (await runServer({
    self_path: root,
    storage: join(root, 'storage'),
    auth: { htpasswd: { file: join(root, 'htpasswd'), max_users: 1 } },
    uplinks: { upstream: { url: upstream, timeout: '60s', max_fails: 5 } },
    packages: { mig: local, '@mig/*': local, '**': { access: '$all', proxy: 'upstream' } },
    log: { type: 'stdout', format: 'pretty', level: 'error' },
    web: { enable: false },
    middlewares: { audit: { enabled: false } },
  } as unknown as Parameters<typeof runServer>[0])) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}/`

  // One throwaway user; its token goes only into this temp .npmrc, used for publishing (installs read anonymously).
  const password = randomBytes(18).toString('base64url')
  const res = await fetch(`${url}-/user/org.couchdb.user:publisher`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'publisher', password }),
  })
  const { token } = (await res.json()) as { token?: string }
  if (!res.ok || !token) throw new Error(`the local registry created no user: HTTP ${res.status}`)
  const npmrc = join(root, 'publish.npmrc')
  writeFileSync(npmrc, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`, { mode: 0o600 })

  return {
    url,
    // --ignore-scripts: the tree is the one the test run built; prepack would rebuild dist under the other tests.
    publish: (dir) =>
      run('npm', ['publish', '--ignore-scripts', '--userconfig', npmrc, '--registry', url], {
        cwd: dir,
        env: shellEnv({}),
        timeoutMs: 60_000,
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/**
 * Native addons as prebuild-install finds them: this machine reaches no
 * download host for prebuilt binaries (a user's machine fetches them from
 * GitHub), so without these, npm compiles better-sqlite3 and sqlite3 from
 * source (minutes on two cores). Packs the repository's own compiled
 * addon (`build/Release/<addon>`) under the name prebuild-install looks for in a
 * package's local-prebuilds folder, and returns the env that points it there.
 * A version the repository does not have gets no tarball, so npm compiles it.
 */
export function localPrebuilds(dir: string, nodeModules: string, addons: Record<string, string>): Promise<NodeJS.ProcessEnv> {
  mkdirSync(dir, { recursive: true })
  const env: NodeJS.ProcessEnv = {}
  const packing: Promise<Run>[] = []
  for (const [name, addon] of Object.entries(addons)) {
    const pkgDir = join(nodeModules, name)
    // Only the addon itself: prebuild-install loads the tarball's last .node file to check it (better-sqlite3 builds a test extension too).
    const file = `build/Release/${addon}`
    if (!existsSync(join(pkgDir, file))) continue
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string; binary?: { napi_versions?: number[] } }
    // prebuild-install's own choice: the highest N-API version the package lists and this Node has, else the Node ABI.
    const napi = pkg.binary?.napi_versions?.filter((v) => v <= Number(process.versions.napi)).sort((a, b) => b - a)[0]
    const [runtime, abi] = napi ? ['napi', napi] : ['node', process.versions.modules]
    const tarball = join(dir, `${name}-v${pkg.version}-${runtime}-v${abi}-${process.platform}-${process.arch}.tar.gz`)
    packing.push(run('tar', ['-czf', tarball, file], { cwd: pkgDir, env: shellEnv({}), timeoutMs: 30_000 }))
    env[`npm_config_${name.replace(/[^a-zA-Z0-9]/g, '_')}_local_prebuilds`] = dir
  }
  return Promise.all(packing).then((runs) => {
    const failed = runs.find((r) => r.code !== 0)
    if (failed) throw new Error(`tar failed: ${failed.stderr}`)
    return env
  })
}
