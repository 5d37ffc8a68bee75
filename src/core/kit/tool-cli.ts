import { stripVTControlCharacters } from 'node:util'
import type { ProjectRef } from '../../adapter.js'
import { MigError } from '../../output/errors.js'
import { projectEnv } from '../project-env.js'
import { type RequireOptions, projectRequire } from './require.js'

/** One run of the user's own tool CLI, e.g. `prisma migrate diff`. */
export interface ToolCli {
  /** Its entry script inside its package, resolved from the project: `prisma/build/index.js`. */
  bin: string
  /** Why it is needed and the other way out, for the `<PACKAGE>_MISSING` error when the project lacks it. */
  need?: RequireOptions
  /** Its arguments. Never a password: argv shows in `ps` to every user of the machine; a URL goes in `env`. */
  args: readonly string[]
  /** Laid over the project's environment (`projectEnv()`): the variable the tool reads its URL from, pointed elsewhere. */
  env?: Readonly<Record<string, string>>
  /** The command as the user would type it, for the error: `prisma migrate diff`. */
  what: string
  /** A failure's MigError code and hint (how to see the tool's full output). */
  code: string
  hint: string
  /** The line of its output that says what went wrong; default the first mentioning an error. */
  errorLine?: RegExp
}

/**
 * Run the project's own copy of a tool's CLI with this Node, in the
 * project's folder and environment, and return what it prints. A tool
 * prints at length when it fails: the MigError carries the one line that
 * says why, the hint how to see the rest.
 */
export async function runToolCli(project: Pick<ProjectRef, 'name' | 'dir'>, cli: ToolCli): Promise<string> {
  const bin = projectRequire(project).resolve(cli.bin, cli.need)
  // Through execa, as every child process of mig: it dies with mig (Ctrl-C included).
  const { execa } = await import('execa')
  try {
    const run = await execa(process.execPath, [bin, ...cli.args], {
      cwd: project.dir,
      env: { ...projectEnv(project.dir), ...cli.env },
      extendEnv: false,
      maxBuffer: 64 * 1024 * 1024,
      stdin: 'ignore',
      stripFinalNewline: false,
    })
    return run.stdout
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string }
    // Colour the tool was asked for (FORCE_COLOR) must not reach a one-line error, or --json.
    const said = stripVTControlCharacters(stderr || message)
      .split('\n')
      .map((l) => l.trim())
    const line = said.find((l) => (cli.errorLine ?? /error/i).test(l)) ?? message.split('\n')[0]
    throw new MigError(cli.code, `${project.name}: ${cli.what} failed: ${line}`, cli.hint, { cause: error })
  }
}
