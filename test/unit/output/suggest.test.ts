import { describe, expect, it } from 'vitest'
import { didYouMean } from '../../../src/output/suggest.js'

describe('didYouMean', () => {
  const commands = ['backup', 'init', 'lint', 'log', 'status', 'up', 'wait', 'unlock']
  it('names the closest word, preferring one with the same letters swapped', () => {
    expect(didYouMean('stauts', commands)).toBe('status')
    // lint and wait are both two edits from wiat: the swap wins.
    expect(didYouMean('wiat', commands)).toBe('wait')
    expect(didYouMean('upp', commands)).toBe('up')
    expect(didYouMean('--dry-rn', ['--dry-run', '--step'])).toBe('--dry-run')
  })
  it('guesses nothing for a word that is not close, or too short to be a slip of another', () => {
    expect(didYouMean('frobnicate', commands)).toBeUndefined()
    expect(didYouMean('x', commands)).toBeUndefined()
    expect(didYouMean('ab', [])).toBeUndefined()
  })
})
