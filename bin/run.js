#!/usr/bin/env node
// `mig status` in its plain form runs without oclif (src/fast-status.ts); anything
// it does not handle falls through to oclif, untouched.
if (process.argv[2] === 'status' && process.env.MIG_FAST_PATH !== '0') {
  // Whatever goes wrong there, loading it included (dist half rebuilt), nothing is printed
  // before it succeeds and oclif answers instead.
  const code = await import('../dist/fast-status.js').then(({ fastStatus }) => fastStatus(process.argv.slice(3))).catch(() => undefined)
  if (code !== undefined) process.exit(code)
}

// Subpath imports: the @oclif/core index loads help and ux modules a run rarely needs.
const { execute } = await import('@oclif/core/execute')
const { settings } = await import('@oclif/core/settings')

// Plugins ship compiled JavaScript; never try to transpile a linked plugin's TypeScript.
settings.enableAutoTranspile = false

await execute({ dir: import.meta.url })
