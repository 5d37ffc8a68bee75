import { afterEach, describe, expect, it } from 'vitest'
import { paint, useColour, wantsColour } from '../../../src/output/colour.js'

const tty = { isTTY: true }
const pipe = { isTTY: false }

describe('whether to colour', () => {
  it('on a terminal, not in a pipe', () => {
    expect(wantsColour(tty, {}, { TERM: 'xterm' })).toBe(true)
    expect(wantsColour(pipe, {}, { TERM: 'xterm' })).toBe(false)
    expect(wantsColour(tty, {}, { TERM: 'dumb' })).toBe(false)
  })

  it('NO_COLOR (non-empty) turns it off on a terminal; empty is as unset (no-color.org)', () => {
    expect(wantsColour(tty, {}, { NO_COLOR: '1' })).toBe(false)
    expect(wantsColour(tty, {}, { NO_COLOR: '' })).toBe(true)
  })

  it('FORCE_COLOR turns it on in a pipe, and wins over NO_COLOR; 0 and false turn it off', () => {
    expect(wantsColour(pipe, {}, { FORCE_COLOR: '1' })).toBe(true)
    expect(wantsColour(pipe, {}, { FORCE_COLOR: '' })).toBe(true)
    expect(wantsColour(pipe, {}, { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe(true)
    expect(wantsColour(tty, {}, { FORCE_COLOR: '0' })).toBe(false)
    expect(wantsColour(tty, {}, { FORCE_COLOR: 'false' })).toBe(false)
  })

  it('--no-color and --color win over the environment; --json never has colour', () => {
    expect(wantsColour(tty, { color: false }, { FORCE_COLOR: '1' })).toBe(false)
    expect(wantsColour(pipe, { color: true }, { NO_COLOR: '1' })).toBe(true)
    expect(wantsColour(tty, { json: true }, { FORCE_COLOR: '1' })).toBe(false)
    expect(wantsColour(tty, { json: true, color: true }, {})).toBe(false)
  })
})

describe('paint', () => {
  const saved = { ...process.env }
  afterEach(() => {
    useColour({ color: false }, pipe)
    process.env = { ...saved }
  })

  it('is plain text until a command turns colour on', () => {
    expect(paint('failed', 'FAILED')).toBe('FAILED')
  })

  it('wraps the state in its colour when on, and passes a flag on to the tools mig runs', () => {
    useColour({ color: true }, pipe)
    expect(paint('failed', 'FAILED')).toBe('\x1b[31mFAILED\x1b[39m')
    expect(paint('ok', 'up to date')).toBe('\x1b[32mup to date\x1b[39m')
    expect(process.env.FORCE_COLOR).toBe('1')
    useColour({ color: false }, tty)
    expect(paint('failed', 'FAILED')).toBe('FAILED')
    expect(process.env.NO_COLOR).toBe('1')
    expect(process.env.FORCE_COLOR).toBe('0')
  })
})
