import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { JSONObjectReader } from '@actions/workflow-parser/templates/json-object-reader'
import { TemplateContext, TemplateValidationErrors } from '@actions/workflow-parser/templates/template-context'
import { readTemplate } from '@actions/workflow-parser/templates/template-reader'
import { NoOperationTraceWriter } from '@actions/workflow-parser/templates/trace-writer'
import { TemplateSchema } from '@actions/workflow-parser/templates/schema/index'
import { WORKFLOW_ROOT } from '@actions/workflow-parser/workflows/workflow-constants'
import { YamlObjectReader } from '@actions/workflow-parser/workflows/yaml-object-reader'
import Database from 'better-sqlite3'
import { Job } from 'kubernetes-models/batch/v1'
import { afterAll, describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { type Result, bin, mig, migSpawnOptions, repoRoot, spawnResult, tempDir } from '../helpers.js'

// examples/fleet ships a Kubernetes Indexed Job and a GitHub Actions workflow that run one fleet
// release sharded over N machines. They cannot run here, so: each is checked against the real
// schema of its orchestrator (the Kubernetes OpenAPI schema of batch/v1 Job, as compiled by
// kubernetes-models; GitHub's own workflow schema from @actions/workflow-parser, the one its
// editor tooling uses), each is shown to catch a broken manifest, the shard arithmetic is checked
// (N in --shard agrees with completions / the matrix), and the exact command lines are run on a
// copy of the example whose tenants are SQLite files.

const example = join(repoRoot, 'examples', 'fleet')
const jobFile = join(example, 'kubernetes', 'migrate-tenants.job.yaml')
const workflowFile = join(example, '.github', 'workflows', 'migrate-tenants.yml')

const cleanup: (() => void)[] = []
afterAll(() => {
  for (const c of cleanup.reverse()) c()
})

type Json = Record<string, unknown>
const obj = (v: unknown): Json => {
  expect(v).toBeTypeOf('object')
  return v as Json
}

/** The single YAML document of a manifest, as plain data; a second document or a YAML error fails. */
function yamlDoc(file: string): Json {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'))
  expect(docs).toHaveLength(1)
  expect(docs[0]!.errors).toEqual([])
  return obj(docs[0]!.toJS())
}

// ---------------------------------------------------------------- Kubernetes

/** Kubernetes' own $(VAR) expansion of command/args (its expansion package): `$$` is a literal `$`; an undefined $(VAR) stays as written. */
const expandK8s = (s: string, env: Record<string, string>): string =>
  s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (m, name: string | undefined) => (name === undefined ? '$' : (env[name] ?? m)))

function k8sJob() {
  const job = yamlDoc(jobFile)
  const spec = obj(job.spec)
  const pod = obj(obj(spec.template).spec)
  const containers = pod.containers as Json[]
  return { job, spec, pod, containers }
}

/** The mig command line pod `index` runs, as the kubelet hands it to the container (argv after `mig`). */
function k8sArgv(index: number): { argv: string[]; env: Record<string, string> } {
  const { containers } = k8sJob()
  const c = containers[0]!
  const env: Record<string, string> = {}
  for (const e of (c.env ?? []) as Json[]) env[e.name as string] = typeof e.value === 'string' ? e.value : `secret-of-${String(e.name)}`
  // Set by the Job controller on every container of an Indexed Job (pkg/controller/job, addCompletionIndexEnvVariable).
  env.JOB_COMPLETION_INDEX = String(index)
  const command = (c.command as string[]).map((s) => expandK8s(s, env))
  expect(command).toEqual(['mig'])
  return { argv: (c.args as string[]).map((s) => expandK8s(s, env)), env }
}

describe('examples/fleet: the Kubernetes Indexed Job', () => {
  it('is a valid batch/v1 Job by the Kubernetes OpenAPI schema, which rejects a broken one', () => {
    const { job } = k8sJob()
    expect(job.apiVersion).toBe('batch/v1')
    expect(job.kind).toBe('Job')
    expect(() => new Job(job as never).validate()).not.toThrow()

    // The schema is not a formality: each of these is refused.
    const broken: [string, (j: Json) => void][] = [
      ['completionMode not an enum value', (j) => (obj(j.spec).completionMode = 'Indexd')],
      ['parallelism not an integer', (j) => (obj(j.spec).parallelism = 'four')],
      ['a container without a name', (j) => delete (obj(obj(obj(j.spec).template).spec).containers as Json[])[0]!.name],
      ['args not strings', (j) => ((obj(obj(obj(j.spec).template).spec).containers as Json[])[0]!.args = ['up', '--concurrency', 8])],
    ]
    for (const [what, mutate] of broken) {
      const copy = structuredClone(job)
      mutate(copy)
      expect(() => new Job(copy as never).validate(), what).toThrow()
    }
  })

  it('runs `mig up --shard $(JOB_COMPLETION_INDEX)/N` with N = completions, under the rules the API server adds to the schema', () => {
    const { spec, pod, containers } = k8sJob()
    expect(spec.completionMode).toBe('Indexed')
    const n = spec.completions as number
    expect(Number.isInteger(n) && n >= 2).toBe(true)
    expect(spec.parallelism as number).toBeLessThanOrEqual(n)
    // backoffLimitPerIndex and podFailurePolicy are accepted only with restartPolicy Never (and the
    // former only for Indexed Jobs): the OpenAPI schema does not say so, the API server does.
    expect(pod.restartPolicy).toBe('Never')
    expect(containers).toHaveLength(1)
    const c = containers[0]!
    for (const rule of obj(spec.podFailurePolicy).rules as Json[]) {
      if (rule.onExitCodes) expect(obj(rule.onExitCodes).containerName).toBe(c.name)
    }
    // The controller adds JOB_COMPLETION_INDEX only when the container does not set it itself.
    expect(((c.env ?? []) as Json[]).map((e) => e.name)).not.toContain('JOB_COMPLETION_INDEX')
    // A password in args would be in the pod spec and in the process list.
    expect(JSON.stringify(c.args)).not.toMatch(/PASSWORD|:\/\//)

    const args = c.args as string[]
    expect(args[0]).toBe('up')
    expect(args[args.indexOf('--shard') + 1]).toBe(`$(JOB_COMPLETION_INDEX)/${n}`)
    for (let i = 0; i < n; i++) expect(k8sArgv(i).argv).toEqual(['up', '--shard', `${i}/${n}`, '--concurrency', '8'])
  })
})

// ------------------------------------------------------------ GitHub Actions

// The package's entry point imports its schema JSON without an import attribute, which Node
// refuses; so the schema is read here and the parser is called the way its parseWorkflow() does.
const workflowSchema = TemplateSchema.load(
  new JSONObjectReader(
    undefined,
    readFileSync(
      fileURLToPath(new URL('../workflow-v1.0.min.json', import.meta.resolve('@actions/workflow-parser/templates/template-context'))),
      'utf8',
    ),
  ),
)

/** GitHub's workflow schema, read by GitHub's own parser; returns its errors (file, line, column, message). */
function workflowErrors(name: string, content: string): string[] {
  const context = new TemplateContext(new TemplateValidationErrors(), workflowSchema, new NoOperationTraceWriter())
  const fileId = context.getFileId(name)
  const reader = new YamlObjectReader(fileId, content)
  for (const e of reader.errors) context.error(fileId, e.message, e.range)
  if (reader.errors.length === 0) readTemplate(context, WORKFLOW_ROOT, reader, fileId)
  return context.errors.getErrors().map((e) => e.message)
}

interface Step {
  name?: string
  run?: string
  env?: Record<string, string>
  if?: string
}
function workflow() {
  const wf = yamlDoc(workflowFile)
  const jobs = obj(wf.jobs)
  return { wf, migrate: obj(jobs.migrate), status: obj(jobs.status) }
}
const migSteps = (job: Json): Step[] => (job.steps as Step[]).filter((s) => /^mig /m.test(s.run ?? ''))

/** A step's `run:` as the runner hands it to bash: `${{ matrix.X }}` filled in; any other expression fails the test. */
function runScript(step: Step, matrix: Record<string, number> = {}): string {
  return step.run!.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    const key = /^matrix\.(\w+)$/.exec(expr)?.[1]
    expect(key !== undefined && key in matrix, `expression ${expr} in: ${step.run}`).toBe(true)
    return String(matrix[key!])
  })
}

describe('examples/fleet: the GitHub Actions workflow', () => {
  it("is valid by GitHub's workflow schema, which rejects a broken one", () => {
    const text = readFileSync(workflowFile, 'utf8')
    expect(workflowErrors('migrate-tenants.yml', text)).toEqual([])

    const broken: [string, string][] = [
      ['an unknown key in a job', text.replace('    timeout-minutes: 60\n', '    timeout-minutes: 60\n    retries: 3\n')],
      ['fail-fast not a boolean', text.replace('fail-fast: false', 'fail-fast: sometimes')],
      [
        'a step with both uses and run',
        text.replace('      - uses: actions/checkout@v4\n', '      - uses: actions/checkout@v4\n        run: echo\n'),
      ],
      ['secrets where the schema does not allow them', text.replace('if: ${{ !cancelled() }}', 'if: ${{ secrets.GO }}')],
    ]
    for (const [what, content] of broken) {
      expect(content, what).not.toBe(text)
      expect(workflowErrors('broken.yml', content), what).not.toEqual([])
    }
  })

  it('has a matrix over shards 0..N-1 each running `mig up --shard I/N`, then a job that gathers `mig status --json` over the whole fleet', () => {
    const { migrate, status } = workflow()
    const strategy = obj(migrate.strategy)
    expect(strategy['fail-fast']).toBe(false)
    const shards = obj(strategy.matrix).shard as number[]
    const n = shards.length
    expect(n).toBeGreaterThanOrEqual(2)
    expect(shards).toEqual([...Array(n).keys()])
    expect(Object.keys(obj(strategy.matrix))).toEqual(['shard'])

    const [up, ...more] = migSteps(migrate)
    expect(more).toEqual([])
    expect(up!.run).toMatch(/^mig up /)
    for (const i of shards) expect(runScript(up!, { shard: i })).toBe(`mig up --shard ${i}/${n} --concurrency 8`)

    expect(status.needs).toBe('migrate')
    expect(status.if).toMatch(/!cancelled\(\)/)
    const [gather, show, ...rest] = migSteps(status)
    expect(rest).toEqual([])
    // The whole fleet: no --targets/--match/--shard narrowing it.
    expect(runScript(gather!)).toBe('mig status --json > fleet-status.json')
    expect(show!.if).toMatch(/failure\(\)/)
    expect(runScript(show!)).toBe('mig status')
    // The database password comes from a secret into the mig steps alone, never into argv.
    for (const s of [...migSteps(migrate), ...migSteps(status)]) {
      expect(s.env).toEqual({ TENANT_DB_PASSWORD: '${{ secrets.TENANT_DB_PASSWORD }}' })
      expect(s.run).not.toMatch(/PASSWORD|secrets\./)
    }
    const defaults = obj(obj(workflow().wf.defaults).run)
    expect(defaults.shell).toBe('bash')
  })
})

// ------------------------------------------------- the exact command lines, run

const migrationIds = ['20240601090000_create_accounts', '20240601090100_create_invoices', '20240615120000_add_invoice_due_at']
const tenantNames = (): string[] => {
  const [header, ...rows] = readFileSync(join(example, 'tenants.csv'), 'utf8').trim().split('\n')
  expect(header).toBe('name,url')
  return rows.map((r) => r.split(',')[0]!)
}

/** A copy of examples/fleet whose tenants are SQLite files (same names), and a bin dir with `mig` on it for bash. */
function sqliteFleet(): { root: string; path: string } {
  const root = tempDir('mig-fleet-example-')
  cleanup.push(() => rmSync(root, { recursive: true, force: true }))
  cpSync(example, root, { recursive: true })
  mkdirSync(join(root, 'tenant-dbs'))
  writeFileSync(join(root, 'tenants.csv'), ['name,url', ...tenantNames().map((t) => `${t},sqlite:./tenant-dbs/${t}.db`)].join('\n') + '\n')
  const binDir = join(root, '.bin')
  mkdirSync(binDir)
  writeFileSync(join(binDir, 'mig'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`)
  chmodSync(join(binDir, 'mig'), 0o755)
  return { root, path: `${binDir}:${process.env.PATH ?? ''}` }
}

/** What one tenant's database holds: the ledger's ids and mig's journal of ups. */
function tenantState(root: string, tenant: string): { applied: string[]; ups: string[] } {
  const file = join(root, 'tenant-dbs', `${tenant}.db`)
  if (!existsSync(file)) return { applied: [], ups: [] }
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const has = (t: string) => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(t) !== undefined
    const applied = has('mig_sql_migrations') ? db.prepare('SELECT id FROM mig_sql_migrations ORDER BY id').pluck().all() : []
    const ups = has('mig_journal')
      ? db.prepare(`SELECT migration FROM mig_journal WHERE direction = 'up' AND outcome = 'ok' ORDER BY migration, id`).pluck().all()
      : []
    return { applied: applied as string[], ups: ups as string[] }
  } finally {
    db.close()
  }
}
const migrated = (root: string): string[] => tenantNames().filter((t) => tenantState(root, t).applied.length > 0)

/** A `run:` script as GitHub's runner runs it with `shell: bash`. */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return spawnResult('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], migSpawnOptions({ cwd, env }))
}

describe("examples/fleet: the manifests' exact command lines, on SQLite tenants", () => {
  /**
   * Each shard alone on a fresh fleet: the tenants it selects get every migration, the others none;
   * with `attempts` 2, a second fresh fleet gets the same tenants from the same shard (a retried pod
   * redoes its own); the shards partition the fleet.
   */
  async function partition(run: (i: number, root: string, path: string) => Promise<Result>, n: number, attempts: 1 | 2): Promise<void> {
    const all = tenantNames()
    const seen: string[][] = []
    for (let i = 0; i < n; i++) {
      const picks: string[][] = []
      for (let attempt = 0; attempt < attempts; attempt++) {
        const { root, path } = sqliteFleet()
        const r = await run(i, root, path)
        expect(r.code, r.stderr).toBe(0)
        const mine = migrated(root)
        for (const t of all)
          expect(tenantState(root, t)).toEqual(mine.includes(t) ? { applied: migrationIds, ups: migrationIds } : { applied: [], ups: [] })
        picks.push(mine)
      }
      if (attempts === 2) expect(picks[1]).toEqual(picks[0])
      seen.push(picks[0]!)
    }
    expect(seen.flat().sort()).toEqual([...all].sort())
  }

  /** All shards at once on one fleet, then one shard again (a retry): every tenant migrated exactly once. */
  async function allThenRetry(run: (i: number, root: string, path: string) => Promise<Result>, n: number, root: string, path: string) {
    const results = await Promise.all([...Array(n).keys()].map((i) => run(i, root, path)))
    for (const r of results) expect(r.code, r.stderr).toBe(0)
    const once = tenantNames().map((t) => tenantState(root, t))
    for (const s of once) expect(s).toEqual({ applied: migrationIds, ups: migrationIds })
    const retry = await run(n - 1, root, path)
    expect(retry.code, retry.stderr).toBe(0)
    expect(tenantNames().map((t) => tenantState(root, t))).toEqual(once)
  }

  it('Kubernetes: each index migrates its own tenants, all indexes every tenant exactly once, and a retried index does nothing more', async () => {
    const n = k8sJob().spec.completions as number
    const run = (i: number, root: string) => {
      const { argv, env } = k8sArgv(i)
      return mig(argv, { cwd: root, env })
    }
    await partition(run, n, 2)
    const { root, path } = sqliteFleet()
    await allThenRetry(run, n, root, path)
  })

  it('GitHub Actions: each matrix job migrates its own tenants; the status job fails while any is pending and passes once all are done', async () => {
    const { migrate, status } = workflow()
    const shards = obj(obj(migrate.strategy).matrix).shard as number[]
    const [up] = migSteps(migrate)
    const [gather, show] = migSteps(status)
    const env = { TENANT_DB_PASSWORD: 'not-a-real-password' }
    const run = (i: number, root: string, path: string) => bash(runScript(up!, { shard: i }), root, { ...env, PATH: path })
    await partition(run, shards.length, 1)

    const { root, path } = sqliteFleet()
    const before = await bash(runScript(gather!), root, { ...env, PATH: path })
    // status's bitmap: 2, pending (on every tenant); bash -e passes it on, and the step fails.
    expect(before.code, before.stderr).toBe(2)
    // The step that runs on failure shows each tenant, pending, to a person.
    const shown = await bash(runScript(show!), root, { ...env, PATH: path })
    expect(shown.code, shown.stderr).toBe(2)
    for (const t of tenantNames()) expect(shown.stdout).toMatch(new RegExp(`^\\S*\\b${t}\\b.*\\bpending\\b`, 'm'))

    await allThenRetry(run, shards.length, root, path)
    const after = await bash(runScript(gather!), root, { ...env, PATH: path })
    expect(after.code, after.stderr).toBe(0)
    const text = readFileSync(join(root, 'fleet-status.json'), 'utf8')
    for (const t of tenantNames()) expect(text).toContain(`${t}.db`)
  })
})
