import { isatty } from 'node:tty'
import { styleText } from 'node:util'

/**
 * Colour for the states mig prints (pending, applied, FAILED, DRIFT,
 * locked …), on stdout. Off until a command turns it on (`useColour`), so
 * the library's text functions return plain text. node:util's styleText
 * rather than a package: it costs no start-up, and whether to colour is
 * decided here anyway (its own check differs across Node versions).
 */
const tones = {
  ok: 'green',
  pending: 'yellow',
  failed: 'red',
  drift: 'magenta',
  locked: 'cyan',
  muted: 'dim',
} as const

export type Tone = keyof typeof tones

export interface ColourChoice {
  /** --color (true) or --no-color (false); undefined when neither was given. */
  color?: boolean | undefined
  json?: boolean | undefined
}

/**
 * Whether output to `stream` is coloured: never with --json; --no-color or
 * --color as given; then FORCE_COLOR (0 or false turn it off, any other
 * value on), then NO_COLOR (any non-empty value turns it off, no-color.org);
 * else only on a terminal that is not TERM=dumb.
 */
export function wantsColour(stream: { isTTY?: boolean }, choice: ColourChoice = {}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (choice.json || choice.color === false) return false
  if (choice.color === true) return true
  if (env.FORCE_COLOR !== undefined) return !/^(0|false)$/i.test(env.FORCE_COLOR)
  if (env.NO_COLOR) return false
  return stream.isTTY === true && env.TERM !== 'dumb'
}

let enabled = false

/**
 * Decide once per command, for stdout. A flag is passed on to the
 * environment as FORCE_COLOR/NO_COLOR, so the spinner's colours and the
 * tools mig runs (prisma, pg_dump …) follow it too.
 */
export function useColour(choice: ColourChoice, stream: { isTTY?: boolean } = { isTTY: isatty(1) }): void {
  enabled = wantsColour(stream, choice)
  if (choice.color === false) {
    process.env.FORCE_COLOR = '0'
    process.env.NO_COLOR = '1'
  } else if (choice.color === true) {
    process.env.FORCE_COLOR = '1'
    delete process.env.NO_COLOR
  }
}

/** `text` in the colour of its tone, or as it is when colour is off. */
export const paint = (tone: Tone, text: string): string => (enabled && text ? styleText(tones[tone], text) : text)
