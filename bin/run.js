#!/usr/bin/env node
import { execute, settings } from '@oclif/core'

// Plugins ship compiled JavaScript; never try to transpile a linked plugin's TypeScript.
settings.enableAutoTranspile = false

await execute({ dir: import.meta.url })
