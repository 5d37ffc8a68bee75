#!/usr/bin/env node
// The commands the fast dispatcher knows (src/fast-status.ts) run without oclif in their
// plain form; anything it does not handle falls through to oclif, untouched.
if (['status', 'up', 'down', 'backup'].includes(process.argv[2]) && process.env.MIG_FAST_PATH !== '0') {
  // Whatever goes wrong there, loading it included (dist half rebuilt), nothing is printed
  // before it succeeds and oclif answers instead.
  const code = await import('../dist/fast-status.js').then(({ fastRun }) => fastRun(process.argv.slice(2))).catch(() => undefined)
  if (code !== undefined) process.exit(code)
}

// Subpath imports: the @oclif/core index loads help and ux modules a run rarely needs.
const { execute } = await import('@oclif/core/execute')
const { settings } = await import('@oclif/core/settings')

// Plugins ship compiled JavaScript; never try to transpile a linked plugin's TypeScript.
settings.enableAutoTranspile = false

await execute({ dir: import.meta.url })
