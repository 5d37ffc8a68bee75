import { useColour } from './colour.js'
import { progressMode, useProgress } from './progress.js'

/** Colour and progress for a command, from its flags and the terminal: MigCommand.init and the fast dispatcher call it first. */
export function useTerminal(flags: { json?: boolean | undefined; color?: boolean | undefined }): void {
  useColour({ json: flags.json, color: flags.color })
  useProgress(progressMode(process.stderr, flags.json === true))
}
