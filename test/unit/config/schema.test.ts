import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/config/load.js'
import { MigError } from '../../../src/output/errors.js'
import { tempDir } from '../../helpers.js'

/** The problems mig.config.json `config` gets, each as `key path: what is wrong`. */
async function problems(config: unknown): Promise<{ message: string; details: string[] }> {
  const root = tempDir()
  mkdirSync(join(root, 'app'))
  writeFileSync(join(root, 'mig.config.json'), JSON.stringify(config))
  const error = await loadConfig(root, undefined, new Set(['sql'])).then(
    () => expect.unreachable('the config was accepted'),
    (e: unknown) => e as MigError,
  )
  expect(error).toBeInstanceOf(MigError)
  expect([error.code, error.hint]).toEqual(['CONFIG_INVALID', 'fix each key listed above; DESIGN.md §6 shows the format'])
  return { message: error.message, details: error.details }
}

describe('bad config values, as a person reads them', () => {
  it('a project name says which characters it may use', async () => {
    expect(await problems({ projects: [{ name: 'bad name', tool: 'sql', dir: 'app' }] })).toEqual({
      message: 'mig.config.json has 1 problem',
      details: ['projects[0].name: letters, digits, ".", "_" and "-" only, starting with a letter or digit'],
    })
  })

  it('an empty string is "must not be empty", also inside a url per environment', async () => {
    expect((await problems({ projects: [{ name: 'a', tool: '', dir: 'app', url: { dev: '' } }] })).details).toEqual([
      'projects[0].tool: must not be empty',
      'projects[0].url.dev: must not be empty',
    ])
  })

  it('numbers say what they must be: whole, at least 1, more than 0 seconds', async () => {
    expect(await problems({ timeoutSeconds: 0, lock: { timeoutSeconds: -1 }, backup: { keep: 1.5 } })).toEqual({
      message: 'mig.config.json has 3 problems',
      details: [
        'backup.keep: must be a whole number',
        'lock.timeoutSeconds: must be more than 0 seconds',
        'timeoutSeconds: must be more than 0 seconds',
      ],
    })
    expect((await problems({ backup: { keep: 0 } })).details).toEqual(['backup.keep: must be at least 1'])
  })

  it('a value of the wrong type names the type it got, down to the root', async () => {
    expect((await problems({ projects: [{ name: 'a', tool: 'sql', dir: 'app', outside: 'yes' }] })).details).toEqual([
      'projects[0].outside: expected boolean, got "yes"',
    ])
    expect((await problems({ projects: 'app' })).details).toEqual(['projects: expected array, got "app"'])
    expect((await problems(42)).details).toEqual(['(root): expected object, got 42'])
  })
})
