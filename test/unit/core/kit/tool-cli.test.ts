import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runToolCli } from '../../../../src/core/kit/tool-cli.js'
import { MigError } from '../../../../src/output/errors.js'
import { tempDir } from '../../../helpers.js'

/** A project whose node_modules holds `fake-tool`, a CLI that echoes what it was given or fails as Prisma's does. */
function project() {
  const dir = tempDir()
  const pkg = join(dir, 'node_modules', 'fake-tool')
  mkdirSync(pkg, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'app', private: true }))
  writeFileSync(join(dir, '.env'), 'FROM_DOTENV=yes\nTOOL_URL=postgres://configured/db\n')
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'fake-tool', version: '1.0.0' }))
  writeFileSync(
    join(pkg, 'cli.js'),
    `const [command, ...rest] = process.argv.slice(2)
if (command === 'echo') process.stdout.write(JSON.stringify({ args: rest, cwd: process.cwd(), dotenv: process.env.FROM_DOTENV, url: process.env.TOOL_URL }))
else if (command === 'big') process.stdout.write('x'.repeat(3 * 1024 * 1024))
else {
  process.stderr.write('Prisma schema loaded from prisma/schema.prisma\\nError: P1001: Can\\'t reach database server at localhost:1\\n    at main (cli.js:1)\\n')
  process.exit(1)
}
`,
  )
  return { name: 'api', dir }
}

const cli = { bin: 'fake-tool/cli.js', what: 'fake-tool diff', code: 'FAKE_DIFF', hint: 'run `npx fake-tool diff` to see its full output' }

describe('runToolCli', () => {
  it("runs the project's own copy in the project's folder, with the project's environment and the overrides over it", async () => {
    const p = project()
    const out = await runToolCli(p, { ...cli, args: ['echo', '--script'], env: { TOOL_URL: 'postgres://scratch/db' } })
    expect(JSON.parse(out)).toEqual({ args: ['--script'], cwd: p.dir, dotenv: 'yes', url: 'postgres://scratch/db' })
    expect(JSON.parse(await runToolCli(p, { ...cli, args: ['echo'] })).url).toBe('postgres://configured/db')
  })

  it('returns output past the default 1 MB buffer (a big schema diff)', async () => {
    expect((await runToolCli(project(), { ...cli, args: ['big'] })).length).toBe(3 * 1024 * 1024)
  })

  it('a failure is one MigError line: the line that says why, and the hint', async () => {
    const p = project()
    const error = await runToolCli(p, { ...cli, args: ['fail'] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({
      code: 'FAKE_DIFF',
      message: "api: fake-tool diff failed: Error: P1001: Can't reach database server at localhost:1",
      hint: cli.hint,
    })
    const picked = await runToolCli(p, { ...cli, args: ['fail'], errorLine: /schema loaded/ }).catch((e: unknown) => e)
    expect((picked as Error).message).toBe('api: fake-tool diff failed: Prisma schema loaded from prisma/schema.prisma')
  })

  it('a project without the tool gets the install command, and why it is needed', async () => {
    const error = await runToolCli(project(), {
      ...cli,
      bin: 'absent-tool/build/index.js',
      need: { for: '--from-schema needs the Absent CLI', dev: true, otherwise: 'write it by hand' },
      args: [],
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({
      code: 'ABSENT_TOOL_MISSING',
      message: expect.stringMatching(/^api: --from-schema needs the Absent CLI, and absent-tool is not installed in /),
      hint: expect.stringMatching(/^run `npm install -D absent-tool` in .*, or write it by hand$/),
    })
  })
})
