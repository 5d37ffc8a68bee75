import { type Server, type Socket, createConnection, createServer } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of a real server, for network faults:
 * `cut()` destroys every open connection pair at once, as a dropped link
 * would; `cutAfter(n)` does it once the clients have sent n more bytes;
 * `stallAfter(n)` stops forwarding client bytes after n more (a hung link);
 * `cutReplyTo(text)` lets the next request containing `text` (a COMMIT)
 * reach the server, then cuts that connection when the server's reply
 * arrives, so the client never learns the outcome.
 * The server itself is never touched.
 */
export interface Proxy {
  port: number
  /** Bytes clients sent towards the server since the last arming. */
  readonly sent: number
  /** How many times a cut fired. */
  readonly cuts: number
  cut(): void
  cutAfter(bytes: number): void
  stallAfter(bytes: number): void
  cutReplyTo(text: string): void
  /** Forward everything again, nothing armed. */
  reset(): void
  close(): Promise<void>
}

export async function startProxy(upstreamHost: string, upstreamPort: number): Promise<Proxy> {
  const pairs = new Set<[Socket, Socket]>()
  let sent = 0
  let cuts = 0
  let cutAt = Number.POSITIVE_INFINITY
  let stallAt = Number.POSITIVE_INFINITY
  let replyMarker: Buffer | undefined
  const muted = new Set<Socket>()
  const cut = () => {
    cuts++
    for (const [a, b] of pairs) {
      a.destroy()
      b.destroy()
    }
    pairs.clear()
  }
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: upstreamHost, port: upstreamPort })
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
    client.on('data', (chunk: Buffer) => {
      if (sent >= stallAt) return
      if (replyMarker && chunk.includes(replyMarker)) {
        replyMarker = undefined
        muted.add(upstream)
      }
      const room = Math.min(cutAt, stallAt) - sent
      sent += chunk.length
      upstream.write(chunk.length > room ? chunk.subarray(0, Math.max(0, room)) : chunk)
      if (sent >= cutAt) {
        cutAt = Number.POSITIVE_INFINITY
        cut()
      }
    })
    upstream.on('data', (chunk: Buffer) => {
      if (!muted.has(upstream)) return client.write(chunk)
      muted.delete(upstream)
      cuts++
      end()
      return false
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('the proxy has no TCP port')
  return {
    port: address.port,
    get sent() {
      return sent
    },
    get cuts() {
      return cuts
    },
    cut,
    cutAfter(bytes) {
      sent = 0
      cutAt = bytes
    },
    stallAfter(bytes) {
      sent = 0
      stallAt = bytes
    },
    cutReplyTo(text) {
      replyMarker = Buffer.from(text)
    },
    reset() {
      replyMarker = undefined
      sent = 0
      cutAt = Number.POSITIVE_INFINITY
      stallAt = Number.POSITIVE_INFINITY
    },
    close() {
      cut()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** The same URL, through the proxy. */
export function viaProxy(url: string, proxy: Proxy): string {
  const u = new URL(url)
  u.hostname = '127.0.0.1'
  u.port = String(proxy.port)
  return u.toString()
}
