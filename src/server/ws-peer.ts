import type { WebSocket } from 'ws';
import type { DisconnectReason } from './metrics.js';
import type { Channel } from './ws-messages.js';

/**
 * One WebSocket connection: what it subscribed to, and a bounded outbound path.
 *
 * Frames go straight to the socket while its buffer is below `socketHighWater`; beyond that they
 * wait in our own queue, sent as the socket drains (each write's callback flushes more). A newer
 * `stats` snapshot replaces a queued older one (only the latest matters). When the socket buffer
 * plus our queue pass `maxBufferedBytes` the peer is too slow: the queue is dropped, it is closed
 * with 1008 and a reason, and terminated after a grace period if it does not finish the close.
 * Memory per peer therefore stays near socketHighWater + maxBufferedBytes (plus the one message
 * that crossed the line), whatever the peer does. Queue sizes count UTF-16 units, which for our
 * JSON is the byte count to within the odd non-ASCII character.
 */
export interface PeerLimits {
  maxBufferedBytes: number;
  socketHighWater: number;
  closeGraceMs: number;
}

interface Queued {
  text: string;
  stats: boolean;
}

export const CLOSE_SLOW_CONSUMER = 1008;
export const CLOSE_POLICY = 1008;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_HEARTBEAT = 4001;

const ABUSE_WINDOW_MS = 10_000;
const ABUSE_MAX_INVALID = 50;

export class Peer {
  alive = true;
  robots: '*' | Set<string> = new Set();
  readonly channels = new Set<Channel>();
  closeReason: DisconnectReason | null = null;
  readonly #queue: Queued[] = [];
  #queueBytes = 0;
  #queuedStats: Queued | null = null;
  #invalid: number[] = [];
  #killTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly ws: WebSocket,
    readonly id: number,
    readonly remote: string,
    private readonly limits: PeerLimits,
    private readonly onTooSlow: (peer: Peer, unsent: number) => void,
  ) {
    ws.on('close', () => {
      if (this.#killTimer) clearTimeout(this.#killTimer);
      this.#drop();
    });
  }

  get closing(): boolean {
    return this.closeReason !== null;
  }

  /** Bytes accepted for this peer and not yet handed to the kernel. */
  get unsent(): number {
    return this.ws.bufferedAmount + this.#queueBytes;
  }

  get queuedMessages(): number {
    return this.#queue.length;
  }

  send(text: string, opts: { stats?: boolean } = {}): void {
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return;
    const stats = opts.stats === true;
    if (this.#queue.length === 0 && this.ws.bufferedAmount < this.limits.socketHighWater) {
      this.#write(text);
      return;
    }
    if (stats && this.#queuedStats) {
      this.#queueBytes += text.length - this.#queuedStats.text.length;
      this.#queuedStats.text = text;
    } else {
      const q = { text, stats };
      this.#queue.push(q);
      this.#queueBytes += text.length;
      if (stats) this.#queuedStats = q;
    }
    const unsent = this.unsent;
    if (unsent > this.limits.maxBufferedBytes) this.onTooSlow(this, unsent);
  }

  /** Closes with a code and reason once; terminates if the close handshake does not finish. */
  close(code: number, reason: string, why: DisconnectReason): void {
    if (this.closing) return;
    this.closeReason = why;
    this.#drop();
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.#killTimer = setTimeout(() => this.ws.terminate(), this.limits.closeGraceMs);
    this.#killTimer.unref();
  }

  /** Counts a malformed message; true once they come fast enough to be abuse. */
  noteInvalid(now: number): boolean {
    this.#invalid = this.#invalid.filter((t) => now - t < ABUSE_WINDOW_MS);
    this.#invalid.push(now);
    return this.#invalid.length > ABUSE_MAX_INVALID;
  }

  /** Whether a change about these robots (or, with none, about this account) is for this peer. */
  wants(channel: Channel, robotIds: readonly (string | null)[], accountId: string | undefined, accountOf: (robotId: string) => string | undefined): boolean {
    if (!this.channels.has(channel)) return false;
    if (this.robots === '*') return true;
    if (this.robots.size === 0) return false;
    if (robotIds.length) return robotIds.some((r) => r !== null && (this.robots as Set<string>).has(r));
    if (accountId === undefined) return false;
    for (const r of this.robots) if (accountOf(r) === accountId) return true;
    return false;
  }

  #write(text: string): void {
    this.ws.send(text, (err) => {
      if (!err) this.#flush();
    });
  }

  #flush(): void {
    while (this.#queue.length && this.ws.bufferedAmount < this.limits.socketHighWater && !this.closing) {
      const q = this.#queue.shift()!;
      this.#queueBytes -= q.text.length;
      if (q === this.#queuedStats) this.#queuedStats = null;
      this.#write(q.text);
    }
  }

  #drop(): void {
    this.#queue.length = 0;
    this.#queueBytes = 0;
    this.#queuedStats = null;
  }
}
