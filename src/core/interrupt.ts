import { driverOf } from '../db/drivers.js'
import type { Db } from '../db/types.js'

export interface Interrupts {
  /** Aborted by the first SIGINT/SIGTERM. */
  readonly signal: AbortSignal
  /** Which signal arrived first, once one has. */
  readonly received: NodeJS.Signals | undefined
  dispose(): void
}

/** The exit code of a run a signal stopped, as a shell reports it. */
export const signalExit = (signal: NodeJS.Signals | undefined): number => (signal === 'SIGTERM' ? 143 : 130)

/**
 * Ctrl-C during up/down: the first one asks the run to stop after the
 * current migration (its transaction rolled back where the dialect can);
 * the second exits at once, as a user who presses it twice means.
 */
export function watchInterrupts(onFirst: (signal: NodeJS.Signals) => void, onSecond: (signal: NodeJS.Signals) => void): Interrupts {
  const controller = new AbortController()
  let received: NodeJS.Signals | undefined
  const handler = (signal: NodeJS.Signals): void => {
    if (received) {
      onSecond(signal)
      process.exit(signalExit(received))
    }
    received = signal
    controller.abort()
    onFirst(signal)
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return {
    signal: controller.signal,
    get received() {
      return received
    },
    dispose() {
      process.off('SIGINT', handler)
      process.off('SIGTERM', handler)
    },
  }
}

/**
 * Cancel this process's statement in flight where the dialect can (the
 * adapter's connection is found from core's), so a long one inside a
 * transaction ends now and rolls back instead of running on.
 */
export async function cancelInFlight(db: Db): Promise<void> {
  await driverOf(db).cancelInFlight?.(db)
}
