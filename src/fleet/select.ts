import { createHash } from 'node:crypto'
import picomatch from 'picomatch'
import { usageError } from '../output/errors.js'
import { didYouMean } from '../output/suggest.js'

/** What the fleet flags ask for: `--targets`, `--match`, `--shard`. */
export interface Selection {
  /** `--targets a,b,c` (repeatable). */
  names?: string[]
  /** `--match GLOB` on the target's name. */
  match?: string
  /** `--shard I/N`. */
  shard?: Shard
}

export interface Shard {
  index: number
  count: number
}

/** `--shard I/N`, checked: whole numbers, 0 ≤ I < N. */
export function parseShard(text: string): Shard {
  const hint = 'give --shard I/N with 0 ≤ I < N: N machines run --shard 0/N … (N-1)/N'
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  if (!m) throw usageError('SHARD_INVALID', `--shard ${text}: not of the form I/N`, hint)
  const [index, count] = [Number(m[1]), Number(m[2])]
  if (count < 1) throw usageError('SHARD_INVALID', `--shard ${text}: the count must be at least 1`, hint)
  if (index >= count)
    throw usageError(
      'SHARD_INVALID',
      `--shard ${text}: the index must be below the count (0 to ${count - 1})`,
      `${hint}; shards count from 0`,
    )
  return { index, count }
}

/** `--targets a,b --targets c`: the names, split on commas. */
export const targetNames = (values: readonly string[] | undefined): string[] | undefined =>
  values?.flatMap((v) =>
    v
      .split(',')
      .map((n) => n.trim())
      .filter(Boolean),
  )

/**
 * The shard a name falls in: a hash of the name, not its position, so adding
 * or removing a target never moves the others between shards, and N
 * machines with the same list cover every target exactly once.
 */
export function shardOf(name: string, count: number): number {
  return createHash('sha256').update(name).digest().readUInt32BE(0) % count
}

/**
 * The units `selection` keeps, in their order. `--targets` and `--match`
 * together keep what both keep (an intersection); `--shard` then keeps its
 * share. A name in `--targets` that no fleet has, and a `--match` that keeps
 * nothing, are usage errors: a typo must not look like an empty fleet.
 */
export function select<T extends { key: string; target?: { name: string } | undefined }>(units: T[], selection: Selection): T[] {
  const name = (u: T): string | undefined => u.target?.name
  const known = [...new Set(units.flatMap((u) => (u.target === undefined ? [] : [u.target.name])))]
  let kept = units
  // `--targets "$TENANTS"` with the variable empty must not mean every target.
  if (selection.names !== undefined && !selection.names.length)
    throw usageError(
      'TARGETS_EMPTY',
      '--targets names no target',
      'give one or more names (`--targets acme,globex`), or leave --targets out for every target',
    )
  if (selection.match !== undefined && !selection.match.trim())
    throw usageError(
      'TARGET_NO_MATCH',
      '--match is empty',
      'give a glob on the target\'s name ("acme-*"), or leave --match out for every target',
    )
  if (selection.names?.length) {
    const unknown = selection.names.filter((n) => !known.includes(n))
    if (unknown.length) {
      const meant = didYouMean(unknown[0]!, known)
      const some = known.slice(0, 5).join(', ') + (known.length > 5 ? ', …' : '')
      throw usageError(
        'TARGET_UNKNOWN',
        `unknown target${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}`,
        `${meant ? `did you mean ${meant}? ` : ''}known targets: ${some || 'none'} (\`mig status\` lists them all)`,
      )
    }
    const wanted = new Set(selection.names)
    kept = kept.filter((u) => wanted.has(name(u) ?? ''))
  }
  if (selection.match !== undefined) {
    const matches = picomatch(selection.match, { dot: true })
    kept = kept.filter((u) => name(u) !== undefined && matches(name(u)!))
    if (!kept.length) {
      throw usageError(
        'TARGET_NO_MATCH',
        `--match ${selection.match} matches no target${selection.names?.length ? ' among those --targets names' : ''}`,
        `it is a glob on the target's name ("acme-*", "eu-?-*"); --targets and --match together keep what both keep`,
      )
    }
  }
  if (selection.shard) {
    const { index, count } = selection.shard
    kept = kept.filter((u) => shardOf(u.key, count) === index)
  }
  return kept
}
