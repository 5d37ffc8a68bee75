import type { Hook } from '@oclif/core'
import { didYouMean } from '../output/suggest.js'

/**
 * With spaced topics oclif reads `mig status extra` as a command "status:extra"
 * and, finding none, exits 2 in its own format: for status, "pending
 * migrations". Run the command the words start with instead, so the extra
 * words reach its parser and MigCommand.catch answers as for any bad argument:
 * one line, a hint, the command's own usage exit code (1 for status).
 */
const hook: Hook.CommandNotFound = async function ({ argv = [], config, id }) {
  const words = id.split(':')
  for (let n = words.length - 1; n > 0; n--) {
    const command = words.slice(0, n).join(':')
    // Only mig's own commands: other plugins' errors take a different path out (oclif's help for `plugins foo`).
    if (config.findCommand(command)?.pluginName === config.name) return config.runCommand(command, [...words.slice(n), ...argv])
  }
  // `mig --verison`: oclif takes a word it does not know for a command, a flag of mig itself included.
  if (id.startsWith('-')) {
    const flag = id.split('=')[0]!
    // The root's own flags (oclif's --version and --help); a one-letter flag is too short to guess at.
    const meant = flag.startsWith('--') ? didYouMean(flag, ['--version', '--help']) : undefined
    const help = `see \`${config.bin} --help\``
    const hint =
      meant === '--help' ? `did you mean \`${config.bin} --help\`?` : meant ? `did you mean \`${config.bin} ${meant}\`? ${help}` : help
    process.stderr.write(`Error: Nonexistent flag: ${flag}\nHint: ${hint}\n`)
    this.exit(2)
  }
  // oclif's own answer, which this hook replaces for every id, with the command meant.
  const meant = didYouMean(id, config.commandIDs)
  process.stderr.write(
    `Error: command ${id.replaceAll(':', ' ')} not found\nHint: ${meant ? `did you mean \`${config.bin} ${meant.replaceAll(':', ' ')}\`? ` : ''}see \`${config.bin} --help\`\n`,
  )
  this.exit(2)
}

export default hook
