import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { rulesTable } from '../../../src/lint/rules-table.js'
import { repoRoot } from '../../helpers.js'

it('the rules table in README.md is the one the rules make', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  expect(readme).toContain(`\n${rulesTable()}\n`)
})
