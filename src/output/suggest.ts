import { distance } from 'fastest-levenshtein'

/** Same letters, another order: two letters swapped (`stauts`, `wiat`), the commonest slip, which Levenshtein counts as 2. */
const sameLetters = (a: string, b: string): boolean => a.length === b.length && [...a].sort().join('') === [...b].sort().join('')

/**
 * The known word closest to a mistyped one, when it is close enough to be
 * what was meant (and not a whole other word: `x` is not `up`). Among equally
 * close ones, a word with the same letters in another order wins.
 */
export function didYouMean(word: string, known: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestRank = [Infinity, 1]
  for (const candidate of known) {
    const rank = [distance(word, candidate), sameLetters(word, candidate) ? 0 : 1]
    if (rank[0]! < bestRank[0]! || (rank[0] === bestRank[0] && rank[1]! < bestRank[1]!)) {
      best = candidate
      bestRank = rank
    }
  }
  const d = bestRank[0]!
  return best !== undefined && d <= Math.max(2, Math.floor(word.length / 3)) && d < word.length ? best : undefined
}
