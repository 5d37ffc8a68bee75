import { isatty } from 'node:tty'
import { useColour } from './colour.js'
import { progressMode, useProgress } from './progress.js'

/** Colour and progress for a command, from its flags and the terminal: MigCommand.init and the fast dispatcher call it first. */
export function useTerminal(flags: { json?: boolean | undefined; color?: boolean | undefined }): void {
  useColour({ json: flags.json, color: flags.color })
  // isatty, not process.stderr.isTTY: the stream is created only when something is written.
  useProgress(progressMode({ isTTY: isatty(2) }, flags.json === true))
}
