#!/usr/bin/env node
// A reader that goes away (`mig up | head -2`) must not stop a run halfway, holding its
// lock: what is left to print is dropped, the run goes on and ends as it would.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error
  })
// The commands the fast dispatcher knows (src/fast-status.ts, bundled into dist/fast/ by
// scripts/bundle-fast.js) run without oclif in their plain form; anything it does not
// handle falls through to oclif, untouched.
if (['status', 'up', 'down', 'backup'].includes(process.argv[2]) && process.env.MIG_FAST_PATH !== '0') {
  // Whatever goes wrong there, loading it included (dist half rebuilt), nothing is printed
  // before it succeeds and oclif answers instead.
  const code = await import('../dist/fast/fast-status.js').then(({ fastRun }) => fastRun(process.argv.slice(2))).catch(() => undefined)
  if (code !== undefined) {
    // A pipe takes output asynchronously: exiting at once would cut a long --json (a fleet's) short.
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))))
    process.exit(code)
  }
}

// Subpath imports: the @oclif/core index loads help and ux modules a run rarely needs.
const { execute } = await import('@oclif/core/execute')
const { settings } = await import('@oclif/core/settings')

// Plugins ship compiled JavaScript; never try to transpile a linked plugin's TypeScript.
settings.enableAutoTranspile = false

await execute({ dir: import.meta.url })
