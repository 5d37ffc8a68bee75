import { join } from 'node:path'

/** Directories no detection ever walks into. */
export const ignoredDirs = ['node_modules', 'dist', '.git', '.mig']
const ignored = new Set(ignoredDirs)

/**
 * Every file under a root, walked once: detection asks each adapter for its
 * projects, and each used to walk the whole tree again (three walks of a
 * thousand migration files before `status` could start).
 */
export class FileIndex {
  private files: Promise<string[]> | undefined

  constructor(readonly root: string) {}

  /** Files matching any of `patterns` (globs relative to the root), as absolute paths, sorted. */
  async find(patterns: readonly string[], options: { dot?: boolean } = {}): Promise<string[]> {
    // Loaded here: a run whose config lists its projects never detects.
    const [{ fdir }, { default: picomatch }] = await Promise.all([import('fdir'), import('picomatch')])
    this.files ??= new fdir()
      .withRelativePaths()
      .withPathSeparator('/')
      .exclude((name) => ignored.has(name))
      .crawl(this.root)
      .withPromise()
    // Compiled regexes: picomatch's matcher function costs ~10x more per path.
    const res = patterns.map((p) => picomatch.makeRe(p, { dot: options.dot ?? false }))
    return (await this.files).filter((f) => res.some((re) => re.test(f))).sort().map((f) => join(this.root, f))
  }
}

/** Files under `root` matching `patterns`, as absolute paths, skipping node_modules, dist, .git and .mig. */
export function findFiles(root: string, patterns: string[], options: { dot?: boolean } = {}): Promise<string[]> {
  return new FileIndex(root).find(patterns, options)
}
