import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { MigError } from '../../output/errors.js'

/**
 * The time part of a new migration's name, in UTC: `YYYYMMDDHHMMSS` (knex,
 * sequelize-cli, Prisma, mig's sql files) or `epoch-ms` (TypeORM).
 */
export function migrationTimestamp(format: 'YYYYMMDDHHMMSS' | 'epoch-ms' = 'YYYYMMDDHHMMSS', now = new Date()): string {
  return format === 'epoch-ms' ? String(now.getTime()) : now.toISOString().replace(/\D/g, '').slice(0, 14)
}

/** Write a new migration file, its folder made if need be; an existing file is never overwritten. */
export async function writeNew(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true })
  try {
    await writeFile(file, text, { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    throw new MigError(
      'MIGRATION_EXISTS',
      `${file} already exists`,
      'pick another name, or wait a second for a new timestamp: mig never overwrites a migration',
    )
  }
}
