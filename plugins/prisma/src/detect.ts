import { basename, dirname } from 'node:path'
import type { ProjectRef } from 'mig'

/** A folder with `prisma/schema.prisma` or a `prisma.config.*`. */
export async function detectPrismaProjects(root: string): Promise<ProjectRef[]> {
  const { glob } = await import('tinyglobby')
  const files = await glob(['**/prisma/schema.prisma', '**/prisma.config.{ts,mts,js,mjs,cjs}'], {
    cwd: root,
    absolute: true,
    ignore: ['**/node_modules/**', '**/dist/**', '**/.git/**'],
  })
  const dirs = new Set(files.map((f) => (basename(f) === 'schema.prisma' ? dirname(dirname(f)) : dirname(f))))
  return [...dirs].sort().map((dir) => ({ name: basename(dir), tool: 'prisma', dir, options: {} }))
}
