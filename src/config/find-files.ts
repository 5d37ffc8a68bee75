import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Ignore } from 'ignore'

/**
 * Folders detection never walks into below the root: dependencies, build
 * output, mig's own folder, and the places that hold other people's code or
 * copies made for tests and docs (vendored code, fixtures, examples). A tool
 * config found there is not a project of this repository, and detecting it
 * would run it. The root itself is never skipped: `--cwd examples/mixed-repo`
 * detects that repository.
 */
export const ignoredDirs = [
  'node_modules',
  'dist',
  'build',
  '.git',
  '.mig',
  'vendor',
  'third_party',
  'fixtures',
  '__fixtures__',
  'examples',
]
const ignored = new Set(ignoredDirs)

/** A folder detection did not walk into, relative to the root, and why. */
export interface SkippedDir {
  dir: string
  reason: 'git-ignored' | 'skipped by name'
}

/**
 * Every file under a root, walked once: detection asks each adapter for its
 * projects, and each used to walk the whole tree again (three walks of a
 * thousand migration files before `status` could start). Folders named in
 * `ignoredDirs` and whatever the repository's `.gitignore` files ignore are
 * left out.
 */
export class FileIndex {
  private files: Promise<{ paths: string[]; ignored(path: string): boolean }> | undefined
  private readonly skippedDirs: SkippedDir[] = []

  constructor(readonly root: string) {}

  /** Files matching any of `patterns` (globs relative to the root), as absolute paths, sorted. */
  async find(patterns: readonly string[], options: { dot?: boolean } = {}): Promise<string[]> {
    this.files ??= this.crawl()
    // Compiled regexes: picomatch's matcher function costs ~10x more per path.
    const { default: picomatch } = await import('picomatch')
    const res = patterns.map((p) => picomatch.makeRe(p, { dot: options.dot ?? false }))
    const { paths, ignored } = await this.files
    // git's rules are asked only about the files a pattern matches, once each: the tool configs, and
    // plain-SQL migrations (`**/*.up.sql`), not every other file of the tree.
    return paths
      .filter((f) => res.some((re) => re.test(f)) && !ignored(f))
      .sort()
      .map((f) => join(this.root, f))
  }

  /** The folders the walk left out, sorted (complete once `find` has answered). */
  get skipped(): readonly SkippedDir[] {
    return [...this.skippedDirs].sort((a, b) => a.dir.localeCompare(b.dir))
  }

  /** Every file below the root in a folder the walk entered; `ignored` says whether git ignores one (asked lazily, remembered). */
  private async crawl(): Promise<{ paths: string[]; ignored(path: string): boolean }> {
    // Loaded here: a run whose config lists its projects never detects.
    const [{ fdir }, { default: ignore }] = await Promise.all([import('fdir'), import('ignore')])
    // A CommonJS module whose types declare `export default`: Node's default is module.exports, which has it too.
    const gitignore = new GitIgnore(this.root, ignore.default)
    const skip = (dir: string, reason: SkippedDir['reason']) => {
      this.skippedDirs.push({ dir: relative(this.root, dir).split(sep).join('/'), reason })
      return true
    }
    const paths = await new fdir()
      .withRelativePaths()
      .withPathSeparator('/')
      .exclude((name, path) =>
        ignored.has(name) ? skip(path, 'skipped by name') : gitignore.ignores(path, true) ? skip(path, 'git-ignored') : false,
      )
      .crawl(this.root)
      .withPromise()
    const verdicts = new Map<string, boolean>()
    const isIgnored = (path: string): boolean => {
      let verdict = verdicts.get(path)
      if (verdict === undefined) verdicts.set(path, (verdict = gitignore.ignores(join(this.root, path), false)))
      return verdict
    }
    return { paths, ignored: isIgnored }
  }
}

/**
 * The `.gitignore` files that apply below `root`: those from the top of its
 * git work tree (when it is in one) down to it, and every nested one. As in
 * git, the nearest file with a rule matching a path decides.
 */
class GitIgnore {
  private readonly rules = new Map<string, Ignore | undefined>()
  private readonly top: string

  constructor(
    private readonly root: string,
    private readonly make: () => Ignore,
  ) {
    let top = root
    for (let dir = root; ; dir = dirname(dir)) {
      if (existsSync(join(dir, '.git'))) {
        top = dir
        break
      }
      if (dirname(dir) === dir) break
    }
    // A root that git ignores (a scratch copy inside a repository) is still walked, by its own rules only.
    this.top = top
    if (top !== root && this.ignoresBelow(root, true)) this.top = root
  }

  /** `path` (absolute, below the root) is ignored by git. */
  ignores(path: string, isDirectory: boolean): boolean {
    const target = path.replace(/[\\/]+$/, '')
    return target !== this.root && this.ignoresBelow(target, isDirectory)
  }

  /** The nearest `.gitignore` above `target` with a rule for it decides. */
  private ignoresBelow(target: string, isDirectory: boolean): boolean {
    for (let dir = dirname(target); ; dir = dirname(dir)) {
      const rules = this.load(dir)
      if (rules) {
        // `dir` is an ancestor of `target`, both absolute: the relative path is the rest of the string.
        const rest = target.slice(dir.endsWith(sep) ? dir.length : dir.length + 1)
        const verdict = rules.test(`${sep === '/' ? rest : rest.split(sep).join('/')}${isDirectory ? '/' : ''}`)
        if (verdict.unignored) return false
        if (verdict.ignored) return true
      }
      if (dir === this.top || dirname(dir) === dir) return false
    }
  }

  private load(dir: string): Ignore | undefined {
    if (!this.rules.has(dir)) {
      const file = join(dir, '.gitignore')
      let text: string | undefined
      try {
        text = existsSync(file) ? readFileSync(file, 'utf8') : undefined
      } catch {
        text = undefined
      }
      this.rules.set(dir, text === undefined ? undefined : this.make().add(text))
    }
    return this.rules.get(dir)
  }
}

/** Files under `root` matching `patterns`, as absolute paths, skipping what detection skips (see `ignoredDirs`). */
export function findFiles(root: string, patterns: string[], options: { dot?: boolean } = {}): Promise<string[]> {
  return new FileIndex(root).find(patterns, options)
}
