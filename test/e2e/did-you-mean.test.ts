import { describe, expect, it } from 'vitest'
import { hasStack, mig, tempDir, writeOneSqlApp } from '../helpers.js'

describe('a mistyped command or flag', () => {
  const cwd = tempDir()
  it('gets a one-line error that names what was meant, and exit 2', async () => {
    const command = await mig(['stauts'], { cwd })
    expect(command.code).toBe(2)
    expect(command.stderr).toBe('Error: command stauts not found\nHint: did you mean `mig status`? see `mig --help`\n')
    const flag = await mig(['up', '--dry-rn'], { cwd })
    expect(flag.code).toBe(2)
    expect(flag.stderr).toBe('Error: Nonexistent flag: --dry-rn\nHint: did you mean --dry-run? see `mig up --help`\n')
    const nothing = await mig(['frobnicate'], { cwd })
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toBe('Error: command frobnicate not found\nHint: see `mig --help`\n')
    expect(hasStack(command.stderr + flag.stderr + nothing.stderr)).toBe(false)
  })

  it('two letters swapped, a topic command, a flag of mig itself; nothing guessed for a word too short to tell', async () => {
    const cases: [string[], string][] = [
      [['wiat'], 'Error: command wiat not found\nHint: did you mean `mig wait`? see `mig --help`\n'],
      [['plugins', 'lnik'], 'Error: command plugins lnik not found\nHint: did you mean `mig plugins link`? see `mig --help`\n'],
      [['--verison'], 'Error: Nonexistent flag: --verison\nHint: did you mean `mig --version`? see `mig --help`\n'],
      [['--hlep'], 'Error: Nonexistent flag: --hlep\nHint: did you mean `mig --help`?\n'],
      [['-v'], 'Error: Nonexistent flag: -v\nHint: see `mig --help`\n'],
      [['x'], 'Error: command x not found\nHint: see `mig --help`\n'],
    ]
    for (const [args, stderr] of cases) expect(await mig(args, { cwd }), args.join(' ')).toEqual({ code: 2, stdout: '', stderr })
  })

  it('on the commands the fast path runs: it leaves the flag to oclif, which names the one meant (status: exit 1)', async () => {
    const root = tempDir()
    writeOneSqlApp(root)
    const env = { DEBUG: 'mig:fast' }
    const cases: [string[], number, string][] = [
      [['status', '--projcet', 'app'], 1, 'Error: Nonexistent flag: --projcet\nHint: did you mean --project? see `mig status --help`\n'],
      [['status', '--jsn'], 1, 'Error: Nonexistent flag: --jsn\nHint: did you mean --json? see `mig status --help`\n'],
      [['status', '--fromat', 'github'], 1, 'Error: Nonexistent flag: --fromat\nHint: did you mean --format? see `mig status --help`\n'],
      [['up', '--one', '--projetc=app'], 2, 'Error: Nonexistent flag: --projetc=app\nHint: did you mean --project? see `mig up --help`\n'],
      [
        ['backup', '--lock-timout', '5'],
        2,
        'Error: Nonexistent flag: --lock-timout\nHint: did you mean --lock-timeout? see `mig backup --help`\n',
      ],
    ]
    for (const [args, code, stderr] of cases) {
      const r = await mig(args, { cwd: root, env })
      expect(r.code, args.join(' ')).toBe(code)
      expect(r.stdout).toBe('')
      expect(r.stderr).toBe(`mig:fast ${args[0]} declined (flags it does not handle)\n${stderr}`)
    }
  })
})
