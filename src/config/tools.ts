import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { ProjectMarker } from '../adapter.js'
import { fileName as sqlFileName } from '../adapters/sql/files.js'

/**
 * The one list of how each tool mig knows gives its projects away. Core
 * detects with it whether or not the tool's plugin is installed, so a
 * project has the same name and folder either way (its name keys
 * `--project`, the journal and backups). A plugin for a tool not listed
 * here brings its own `Adapter.markers`.
 */
export const knownTools = {
  sql: {
    plugin: undefined,
    markers: [
      {
        glob: '**/*.up.sql',
        // A folder of `NNN_name.up.sql` files is a project; a `migrations/` folder belongs to its parent.
        project: (file) => {
          if (!sqlFileName.test(basename(file))) return undefined
          const dir = dirname(file)
          return { dir: basename(dir) === 'migrations' ? dirname(dir) : dir }
        },
      },
    ],
  },
  knex: {
    plugin: '@mig/plugin-knex',
    markers: [{ glob: '**/knexfile.{js,cjs,mjs,ts}' }],
  },
  typeorm: {
    plugin: '@mig/plugin-typeorm',
    markers: [
      // A package.json script naming a data source (`typeorm -d src/data-source.ts`) says where it is.
      {
        glob: '**/package.json',
        project: (file) => (scriptsNameDataSource(file) ? { dir: dirname(file) } : undefined),
      },
      // The project is the folder with the package.json, when the file sits in its src/.
      {
        glob: '**/{data-source.{ts,js},ormconfig.{ts,js,json}}',
        project: (file) => {
          const dir = dirname(file)
          return { dir: basename(dir) === 'src' && existsSync(join(dirname(dir), 'package.json')) ? dirname(dir) : dir }
        },
      },
    ],
  },
  prisma: {
    plugin: '@mig/plugin-prisma',
    markers: [
      { glob: '**/prisma/schema.prisma', project: (file) => ({ dir: dirname(dirname(file)) }) },
      { glob: '**/prisma.config.{ts,mts,js,mjs,cjs}' },
    ],
  },
  sequelize: {
    plugin: '@mig/plugin-sequelize',
    markers: [
      { glob: '**/.sequelizerc', dot: true },
      // sequelize-cli's default layout: config/config.{json,js} beside migrations/.
      {
        glob: '**/config/config.{json,js,cjs}',
        project: (file) => {
          const dir = dirname(dirname(file))
          return existsSync(join(dir, 'migrations')) ? { dir } : undefined
        },
      },
    ],
  },
} as const satisfies Record<string, { plugin: string | undefined; markers: readonly ProjectMarker[] }>

export type KnownTool = keyof typeof knownTools

export const isKnownTool = (tool: string): tool is KnownTool => Object.hasOwn(knownTools, tool)

/** `mig plugins install …` for a tool whose plugin mig knows. */
export const installCommand = (tool: string): string | undefined => {
  const plugin = isKnownTool(tool) ? knownTools[tool].plugin : undefined
  return plugin ? `mig plugins install ${plugin}` : undefined
}

/** A package.json with a script running `typeorm … -d <file>` (or `--dataSource`): which file is the plugin's business. */
function scriptsNameDataSource(packageJson: string): boolean {
  try {
    const scripts = (JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts?: Record<string, unknown> }).scripts ?? {}
    return Object.values(scripts).some((s) => typeof s === 'string' && /typeorm\S*\s.*?(?:-d|--dataSource|--data-source)[\s=]+\S/.test(s))
  } catch {
    return false
  }
}
