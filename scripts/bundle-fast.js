#!/usr/bin/env node
// The build's last step for core: the fast path (src/fast-status.ts and what
// it imports, lazily loaded parts as their own chunks) as a few files in
// dist/fast/, which bin/run.js loads. Node loads each ES module on its own:
// the 78 small modules of an `up` cost 50–90 ms here, a sixth of an
// `up --one` (issue #18). Packages stay external, loaded from
// node_modules as before. oclif's commands keep loading dist/ as tsc wrote
// it: two copies of core that share no state (see src/fast-status.ts).
import { isAbsolute } from 'node:path'
import { build } from 'rolldown'

await build({
  input: { 'fast-status': 'dist/fast-status.js' },
  platform: 'node',
  // Bare specifiers (packages, node: builtins) are left to Node; our own relative imports are bundled.
  external: (id) => !id.startsWith('.') && !isAbsolute(id),
  logLevel: 'warn',
  output: { dir: 'dist/fast', format: 'esm', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
})
