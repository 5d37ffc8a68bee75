import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { checkMakeOptions, templateVars } from '../../../src/core/template-vars.js'
import { listTemplates, renderTemplate } from '../../../src/core/templates.js'
import { MigError } from '../../../src/output/errors.js'
import { repoRoot, tempDir } from '../../helpers.js'

const root = tempDir()
afterAll(() => rmSync(root, { recursive: true, force: true }))
const builtIn = join(root, 'plugin-templates')
const projectDir = join(root, 'project')
mkdirSync(builtIn)
mkdirSync(join(projectDir, '.mig', 'templates', 'knex'), { recursive: true })
writeFileSync(join(builtIn, 'blank.cjs.txt'), '// {{ name }} by {{author}}\n')
writeFileSync(join(builtIn, 'create-table.cjs.txt'), 'create {{name}}\n')
writeFileSync(join(projectDir, '.mig', 'templates', 'knex', 'create-table.cjs.txt'), 'our own {{name}}\n')
writeFileSync(
  join(builtIn, 'add-index.cjs.txt'),
  "exports.up = async (knex) => {\n  {{guard}}\n  await index('{{table}}', [{{columnsJs}}])\n}\n",
)
writeFileSync(
  join(builtIn, 'add-index.postgres.cjs.txt'),
  "exports.up = async (knex) => {\n  {{guard}}\n  await concurrently('{{table}}')\n}\n",
)
writeFileSync(join(builtIn, 'add-index.up.sql'), '-- {{name}}\n{{guard}}\nCREATE INDEX ON {{table}} ({{columnsSql}});\n')
writeFileSync(
  join(builtIn, 'alter.cjs.txt'),
  '{{#setNotNull}}\n{{cannot: not without a rebuild}}\n{{/setNotNull}}\nt.{{knexColumn}}{{#notNull}}.notNullable(){{/notNull}}{{^notNull}}.nullable(){{/notNull}}{{#default}}.defaultTo({{defaultJs}}){{/default}}\n',
)
const request = (name: string, vars: Record<string, unknown> = {}, file = `${name}.cjs.txt`) => ({
  tool: 'knex',
  projectDir,
  builtIn,
  name,
  file,
  vars: { name: 'add_phone', ...vars },
})

describe('migration templates', () => {
  it("renders {{key}} from vars; the project's own copy wins over the built-in one", () => {
    expect(renderTemplate(request('blank', { author: 'ada' }))).toBe('// add_phone by ada\n')
    expect(renderTemplate(request('create-table'))).toBe('our own add_phone\n')
  })

  it("the dialect's own file first (add-index.postgres.cjs.txt), else the common one", () => {
    expect(renderTemplate(request('add-index', { table: 'orders', dialect: 'postgres' }))).toBe(
      "exports.up = async (knex) => {\n  await concurrently('orders')\n}\n",
    )
    expect(renderTemplate(request('add-index', { table: 'orders', columns: 'a,b', dialect: 'sqlite' }))).toBe(
      "exports.up = async (knex) => {\n  await index('orders', ['a', 'b'])\n}\n",
    )
  })

  it('a template without {{guard}} refuses a missing value with a usage error naming the flag', () => {
    expect(() => renderTemplate(request('blank'))).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_VAR', exit: 2, message: 'the knex template "blank" needs --author' }),
    )
    expect(() => renderTemplate(request('blank', { author: '' }))).toThrow(/needs --author/)
  })

  it('with {{guard}}, a missing value is a placeholder and the guard a line that stops the migration: a throw in JS, a syntax error in SQL', () => {
    const js = renderTemplate(request('add-index', { dialect: 'sqlite' }))
    expect(js).toBe(
      'exports.up = async (knex) => {\n' +
        '  throw new Error("mig make: fill in __TABLE__, __COLUMNS__ in this file (or make it again with --table, --columns), then delete this line")\n' +
        "  await index('__TABLE__', ['__COLUMNS__'])\n}\n",
    )
    expect(() => new Function('exports', js)).not.toThrow()
    const sql = renderTemplate(request('add-index', { table: 'orders' }, 'add-index.up.sql'))
    expect(sql).toBe(
      '-- add_phone\nMIG_MAKE_PLACEHOLDERS: fill in __COLUMNS__ in this file (or make it again with --columns), then delete this line;\nCREATE INDEX ON orders (__COLUMNS__);\n',
    )
  })

  it('sections keep their text when the value is set ({{#key}}) or not ({{^key}}); {{cannot: why}} refuses for the dialect', () => {
    const alter = (vars: Record<string, unknown>) => renderTemplate(request('alter', { column: 'phone', ...vars }))
    expect(alter({ type: 'string(20)' })).toBe("t.string('phone', 20).nullable()\n")
    expect(alter({ type: 'integer', default: '0' })).toBe("t.integer('phone').notNullable().defaultTo(0)\n")
    expect(alter({ default: "it's", nullable: true })).toBe("t.string('phone').nullable().defaultTo('it\\'s')\n")
    expect(() => alter({ nullable: false, dialect: 'sqlite' })).toThrow(
      expect.objectContaining({
        code: 'TEMPLATE_UNSUPPORTED',
        message: 'the knex template "alter" cannot be made for SQLite: not without a rebuild',
      }),
    )
  })

  it('an unknown template is a MigError naming the built-in ones and where an own copy would go', () => {
    let error: unknown
    try {
      renderTemplate(request('rename-table'))
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(MigError)
    expect(error).toMatchObject({
      code: 'TEMPLATE_UNKNOWN',
      message: 'no knex template "rename-table"',
      hint: 'use one of: add-index, alter, blank, create-table (or add rename-table.cjs.txt in .mig/templates/knex/)',
    })
  })

  it("--list reads each template's flags from its placeholders: required outside sections, optional inside or with a default", () => {
    const [addIndex, alter] = listTemplates([{ tool: 'knex', builtIn, projectDir }]).filter((t) => ['add-index', 'alter'].includes(t.name))
    expect(addIndex).toMatchObject({
      source: 'built-in',
      dialects: ['postgres'],
      options: [
        { flag: '--table', required: true },
        { flag: '--columns', required: true },
      ],
    })
    expect(alter!.options).toEqual([
      { flag: '--column', required: true },
      { flag: '--type', required: false, default: 'string' },
      { flag: '--default', required: false },
      { flag: '--nullable', required: false },
    ])
    expect(listTemplates([{ tool: 'knex', builtIn, projectDir }]).find((t) => t.name === 'create-table')!.source).toBe('project')
  })
})

describe('template variables', () => {
  it("types in each tool's words; anything else goes to the database as written", () => {
    const pg = templateVars({ column: 'price', type: 'decimal(12,4)' }, 'postgres')
    expect(pg).toMatchObject({
      sqlType: 'DECIMAL(12, 4)',
      knexColumn: "decimal('price', 12, 4)",
      sequelizeType: 'Sequelize.DECIMAL(12, 4)',
      typeormType: "type: 'decimal', precision: 12, scale: 4",
    })
    expect(templateVars({ column: 'doc', type: 'json' }, 'postgres')).toMatchObject({ sqlType: 'JSONB', knexColumn: "jsonb('doc')" })
    expect(templateVars({ column: 'doc', type: 'json' }, 'sqlite')).toMatchObject({ sqlType: 'TEXT', knexColumn: "json('doc')" })
    expect(templateVars({ column: 'code', type: 'char(3)' }, 'mysql')).toMatchObject({
      sqlType: 'char(3)',
      knexColumn: "specificType('code', 'char(3)')",
      sequelizeType: "'char(3)'",
      typeormType: "type: 'char', length: '3'",
    })
  })

  it('defaults: numbers and true/false stay themselves, text is quoted for JS and for SQL', () => {
    expect(templateVars({ default: "it's" })).toMatchObject({ defaultJs: "'it\\'s'", defaultSql: "'it''s'", defaultTypeorm: "\"'it''s'\"" })
    expect(templateVars({ default: '-1.5' })).toMatchObject({ defaultJs: '-1.5', defaultSql: '-1.5' })
    expect(templateVars({ default: 'true' })).toMatchObject({ defaultJs: 'true', defaultSql: 'TRUE' })
    expect(templateVars({ values: "new, it's" })).toMatchObject({ valuesJs: "'new', 'it\\'s'", valuesSql: "'new', 'it''s'" })
  })

  it('names must be plain identifiers; actions and batch sizes are checked', () => {
    expect(() => checkMakeOptions({ table: 'orders; drop' })).toThrow(expect.objectContaining({ code: 'MAKE_NAME_INVALID', exit: 2 }))
    expect(() => checkMakeOptions({ ref: 'a.b.c' })).toThrow(/is not table or table.column/)
    expect(() => checkMakeOptions({ onDelete: 'explode' })).toThrow(/not a referential action/)
    expect(() => checkMakeOptions({ batch: 0 })).toThrow(/positive whole number/)
    expect(() => checkMakeOptions({ table: 'orders', ref: 'customers.id', columns: 'a,b', onDelete: 'set null', batch: 10 })).not.toThrow()
  })
})

describe('the built-in templates', () => {
  const folders = ['templates/sql', 'plugins/knex/templates', 'plugins/typeorm/templates', 'plugins/sequelize/templates']
  const patterns = [
    'add-column',
    'add-index',
    'alter-column',
    'blank',
    'create-table',
    'data-migration',
    'enum',
    'foreign-key',
    'json',
    'rename-column',
    'rename-table',
    'timestamps',
  ]

  it.each(folders)('%s has every pattern', (folder) => {
    expect([...new Set(readdirSync(join(repoRoot, folder)).map((f) => f.split('.')[0]))].sort()).toEqual(patterns)
  })

  it("Prisma has every pattern through core's SQL templates, keeping only the files where Prisma differs", () => {
    const builtIn = join(repoRoot, 'plugins/prisma/templates')
    expect([...new Set(readdirSync(builtIn).map((f) => f.split('.')[0]))].sort()).toEqual(['add-index', 'data-migration'])
    expect([...new Set(listTemplates([{ tool: 'prisma', builtIn, sql: true }]).map((t) => t.name))].sort()).toEqual(patterns)
  })

  // knex's CommonJS and TypeScript templates are its ESM ones with the module syntax changed; nothing else may differ.
  const jsdoc = '/** @param { import("knex").Knex } knex */\n'
  const toCjs = (s: string) =>
    s
      .replace(/^export async function (up|down)\(knex\) \{/gm, 'exports.$1 = async function (knex) {')
      .replace(/^export const config = /m, 'exports.config = ')
  const toTs = (s: string) =>
    "import type { Knex } from 'knex'\n\n" +
    s
      .split(jsdoc)
      .join('')
      .replace(/^export async function (up|down)\(knex\) \{/gm, 'export async function $1(knex: Knex): Promise<void> {')
  const knex = join(repoRoot, 'plugins/knex/templates')
  it.each(readdirSync(knex).filter((f) => f.endsWith('.esm.txt')))('knex %s: the .cjs and .ts flavours say the same', (file) => {
    const esm = readFileSync(join(knex, file), 'utf8')
    expect(readFileSync(join(knex, file.replace('.esm.', '.cjs.')), 'utf8')).toBe(toCjs(esm))
    expect(readFileSync(join(knex, file.replace('.esm.', '.ts.')), 'utf8')).toBe(toTs(esm))
  })
})
