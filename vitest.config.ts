import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

export default defineConfig({
  // Plugins' tests import mig as a plugin author does (`mig`, `mig/testing`); here that is core's source.
  resolve: {
    alias: [
      { find: /^mig\/testing$/, replacement: src('testing/index.ts') },
      { find: /^mig$/, replacement: src('index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts', 'plugins/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
})
