import { ExitCode, MigError } from '../output/errors.js'

/** Nothing to act on: mig was run outside the repository, or the repository has no migrations yet. */
export const noProjects = (root: string): MigError =>
  new MigError('NO_PROJECTS', 'no projects found', `looked in ${root}: pass --cwd <repository root>, or list the projects in mig.config.json (\`mig init\` writes it)`, { exit: ExitCode.usage })
