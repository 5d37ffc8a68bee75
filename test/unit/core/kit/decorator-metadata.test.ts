import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kitFor } from '../../../../src/core/kit/index.js'
import { linkNodeModules, tempDir } from '../../../helpers.js'

/** A decorated class whose metadata calls are heard by a stand-in for reflect-metadata's `Reflect.metadata`. */
const source = `const seen: string[] = []
;(Reflect as any).metadata = (key: string, value: any) => (_target: object, property?: string) => { seen.push(\`\${key} \${property} \${value?.name}\`) }
const Column = (): PropertyDecorator => () => {}
export class User {
  @Column() email: string
  @Column() age: number
}
export { seen }
`

describe("OpenContext.loader's decorators", () => {
  it("compiles TypeScript with the project's own, keeping the design:type metadata decorators read", async () => {
    const dir = tempDir()
    linkNodeModules(dir)
    writeFileSync(join(dir, 'user.ts'), source)
    const kit = kitFor({ name: 'app', tool: 'typeorm', dir, options: {} }, 'development')
    const { seen } = (await kit.loader({ default: false, decorators: true })(join(dir, 'user.ts'))) as { seen: string[] }
    expect(seen).toEqual(expect.arrayContaining(['design:type email String', 'design:type age Number']))
  })
  it("uses the project's own typescript, with emitDecoratorMetadata", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'node_modules', 'typescript'), { recursive: true })
    writeFileSync(
      join(dir, 'node_modules', 'typescript', 'index.js'),
      'exports.ModuleKind = { CommonJS: 1 }\nexports.ScriptTarget = { ES2022: 9 }\nexports.transpileModule = (source, o) => ({ outputText: `module.exports = ${JSON.stringify({ compiledBy: "project", ...o.compilerOptions })}` })\n',
    )
    writeFileSync(join(dir, 'a.ts'), 'export const a: number = 1\n')
    const kit = kitFor({ name: 'app', tool: 'typeorm', dir, options: {} }, 'development')
    expect(await kit.loader({ decorators: true })(join(dir, 'a.ts'))).toMatchObject({
      compiledBy: 'project',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
    })
  })
  it("loads the project's typescript only for a file it compiles: CommonJS JavaScript goes through require without it", async () => {
    const dir = tempDir()
    mkdirSync(join(dir, 'node_modules', 'typescript'), { recursive: true })
    writeFileSync(
      join(dir, 'node_modules', 'typescript', 'index.js'),
      'globalThis.typescriptLoads = (globalThis.typescriptLoads ?? 0) + 1\nexports.ModuleKind = { CommonJS: 1 }\nexports.ScriptTarget = { ES2022: 9 }\nexports.transpileModule = () => ({ outputText: "exports.b = 2" })\n',
    )
    writeFileSync(join(dir, 'a.js'), 'exports.a = 1\n')
    writeFileSync(join(dir, 'b.ts'), 'export const b: number = 2\n')
    const loads = () => (globalThis as { typescriptLoads?: number }).typescriptLoads ?? 0
    const kit = kitFor({ name: 'app', tool: 'typeorm', dir, options: {} }, 'development')
    const load = kit.loader({ default: false, native: true, decorators: true })
    expect(await load(join(dir, 'a.js'))).toEqual({ a: 1 })
    expect(loads()).toBe(0)
    expect(await load(join(dir, 'b.ts'))).toMatchObject({ b: 2 })
    expect(loads()).toBe(1)
  })
  it('refuses a TypeScript file in a project without typescript, with the install command', async () => {
    const dir = tempDir()
    writeFileSync(join(dir, 'user.ts'), 'export const x = 1\n')
    const kit = kitFor({ name: 'app', tool: 'typeorm', dir, options: {} }, 'development')
    await expect(kit.loader({ decorators: true })(join(dir, 'user.ts'))).rejects.toMatchObject({
      code: 'TYPESCRIPT_MISSING',
      hint: `run \`npm install -D typescript\` in ${dir}`,
    })
  })
})
