#!/usr/bin/env node
// Subpath imports: the @oclif/core index loads help and ux modules a run rarely needs.
import { execute } from '@oclif/core/execute'
import { settings } from '@oclif/core/settings'

// Plugins ship compiled JavaScript; never try to transpile a linked plugin's TypeScript.
settings.enableAutoTranspile = false

await execute({ dir: import.meta.url })
