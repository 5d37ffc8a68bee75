import { describe, expect, it } from 'vitest'
import { hasStack, mig, tempDir } from '../helpers.js'

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
})
