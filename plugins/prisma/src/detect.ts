import { basename, dirname } from 'node:path'
import type { DetectFiles, ProjectRef } from 'mig'

/** A folder with `prisma/schema.prisma` or a `prisma.config.*`. */
export async function detectPrismaProjects(_root: string, found: DetectFiles): Promise<ProjectRef[]> {
  const files = await found.find(['**/prisma/schema.prisma', '**/prisma.config.{ts,mts,js,mjs,cjs}'])
  const dirs = new Set(files.map((f) => (basename(f) === 'schema.prisma' ? dirname(dirname(f)) : dirname(f))))
  return [...dirs].sort().map((dir) => ({ name: basename(dir), tool: 'prisma', dir, options: {} }))
}
