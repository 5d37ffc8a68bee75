
/** Directories no detection ever walks into. */
export const ignoredDirs = ['**/node_modules/**', '**/dist/**', '**/.git/**', '**/.mig/**']

/** Files under `root` matching `patterns`, as absolute paths, skipping node_modules, dist and .git. */
export async function findFiles(root: string, patterns: string[], options: { dot?: boolean } = {}): Promise<string[]> {
  const { glob } = await import('tinyglobby')
  return glob(patterns, { cwd: root, absolute: true, ignore: ignoredDirs, dot: options.dot ?? false, followSymbolicLinks: false })
}
