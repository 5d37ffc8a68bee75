import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { mig, oclifEnv, tempDir, writeOneSqlApp } from '../helpers.js'

// Shell completion through @oclif/plugin-autocomplete: the script it generates, sourced in a real bash.

const home = tempDir('mig-oclif-')
const env = oclifEnv(home)
afterAll(() => rmSync(home, { recursive: true, force: true }))

describe('bash completion', () => {
  it('prints its setup, and the script it sets up completes commands and their flags', async () => {
    const setup = await mig(['autocomplete', 'bash'], { cwd: home, env })
    expect(setup.code, setup.stderr).toBe(0)
    expect(setup.stdout).toContain('printf "$(mig autocomplete script bash)" >> ~/.bashrc; source ~/.bashrc')
    const script = await mig(['autocomplete', 'script', 'bash'], { cwd: home, env })
    expect(script.code).toBe(0)
    const cache = join(env.XDG_CACHE_HOME!, 'mig', 'autocomplete')
    expect(script.stdout.trim()).toBe(
      `MIG_AC_BASH_SETUP_PATH=${cache}/bash_setup && test -f $MIG_AC_BASH_SETUP_PATH && source $MIG_AC_BASH_SETUP_PATH; # mig autocomplete setup`,
    )

    // What bash does on <TAB>: the words so far, the index of the one being completed, then the function `complete -F` names.
    const lines = ['mig ', 'mig st', 'mig w', 'mig status --fo', 'mig status --pro', 'mig wait --ti', 'mig up --dry', 'mig plugins li']
    const shell = [
      script.stdout,
      'complete -p mig',
      ...lines.map((line) => {
        const words = line.split(' ')
        return `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; COMP_LINE='${line}'; _mig_autocomplete; echo "\${COMPREPLY[*]}"`
      }),
    ].join('\n')
    const bash = spawnSync('bash', ['--norc', '--noprofile', '-c', shell], { encoding: 'utf8' })
    expect(bash.stderr).toBe('')
    const [registered, ...replies] = bash.stdout.trimEnd().split('\n')
    expect(registered).toBe('complete -F _mig_autocomplete mig')
    expect(replies[0]!.split(' ')).toEqual(
      expect.arrayContaining([
        'backup',
        'down',
        'init',
        'lint',
        'log',
        'plan',
        'status',
        'up',
        'verify',
        'wait',
        'plugins',
        'autocomplete',
      ]),
    )
    expect(replies.slice(1)).toEqual(['status', 'wait', '--format', '--project', '--timeout', '--dry-run', 'link'])
  })

  it('leaves the fast path as it was: one more oclif plugin, no hook on a run', async () => {
    const root = tempDir()
    writeOneSqlApp(root)
    const r = await mig(['status'], { cwd: root, env: { ...env, DEBUG: 'mig:fast' } })
    // The first run writes the adapter index through oclif; the next takes the fast path.
    const again = await mig(['status'], { cwd: root, env: { ...env, DEBUG: 'mig:fast' } })
    rmSync(root, { recursive: true, force: true })
    expect(r.code).toBe(2)
    expect(again.code).toBe(2)
    expect(again.stderr).toContain('mig:fast status handled')
  })
})
