import type { Clock, TimerHandle } from '../util/clock.js';

export type TickTier = 'hot' | 'idle';

export interface TickerOptions {
  clock: Clock;
  hotIntervalMs: number;
  idleIntervalMs: number;
  /** a tick may come up to this fraction of the interval early, so keys do not fire together */
  jitter: number;
  random?: () => number;
  onDue: (key: string, tier: TickTier) => void;
}

interface Entry {
  tier: TickTier;
  /** overrides the tier's interval (e.g. the safety-net interval of a key covered by a live stream) */
  intervalMs: number | null;
  lastDoneAt: number | null;
  dueAt: number;
  timer: TimerHandle | null;
  /** a job for this key is queued or running; the next tick is armed when it completes */
  busy: boolean;
}

/**
 * Owns "when" for periodic work: one timer per tracked key, re-armed after each completion at
 * interval × (1 − jitter × U). Tiers live in memory, fed from sync results; nothing here reads
 * the database. The first tick of a new key lands uniformly within its interval, so a thousand
 * keys registered together spread over the interval instead of firing in the same millisecond.
 */
export class Ticker {
  readonly #entries = new Map<string, Entry>();
  readonly #o: Required<TickerOptions>;
  #stopped = false;

  constructor(opts: TickerOptions) {
    this.#o = { random: Math.random, ...opts };
  }

  intervalOf(key: string): number | null {
    const e = this.#entries.get(key);
    return e ? this.#interval(e) : null;
  }

  dueAt(key: string): number | null {
    return this.#entries.get(key)?.dueAt ?? null;
  }

  tierOf(key: string): TickTier | null {
    return this.#entries.get(key)?.tier ?? null;
  }

  /** Starts tracking a key, or changes its tier / interval. A faster schedule takes effect at once. */
  track(key: string, tier: TickTier, intervalMs: number | null = null): void {
    if (this.#stopped) return;
    const now = this.#o.clock.now();
    let e = this.#entries.get(key);
    if (!e) {
      e = { tier, intervalMs, lastDoneAt: null, dueAt: 0, timer: null, busy: false };
      this.#entries.set(key, e);
      this.#arm(key, e, now + Math.floor(this.#o.random() * this.#interval(e)));
      return;
    }
    const before = this.#interval(e);
    e.tier = tier;
    e.intervalMs = intervalMs;
    const after = this.#interval(e);
    if (after < before && !e.busy) {
      const from = e.lastDoneAt ?? now;
      const due = Math.max(now, from + this.#spread(after));
      if (due < e.dueAt) this.#arm(key, e, due);
    }
  }

  untrack(key: string): void {
    const e = this.#entries.get(key);
    if (e?.timer) this.#o.clock.clearTimeout(e.timer);
    this.#entries.delete(key);
  }

  /** A job for the key was queued by someone else (an event): hold the tick until it completes. */
  busy(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    e.busy = true;
    if (e.timer) this.#o.clock.clearTimeout(e.timer);
    e.timer = null;
  }

  /**
   * A job for the key finished. Success re-arms one interval after the job STARTED (its data are
   * as fresh as its start, so staleness stays within interval + one sync); failure re-arms after
   * `retryInMs`.
   */
  done(key: string, r: { ok: boolean; startedAt: number; retryInMs?: number }): void {
    const e = this.#entries.get(key);
    if (!e || this.#stopped) return;
    const now = this.#o.clock.now();
    e.busy = false;
    if (r.ok) {
      e.lastDoneAt = r.startedAt;
      this.#arm(key, e, Math.max(now, r.startedAt + this.#spread(this.#interval(e))));
    } else {
      this.#arm(key, e, now + (r.retryInMs ?? this.#spread(this.#interval(e))));
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const e of this.#entries.values()) if (e.timer) this.#o.clock.clearTimeout(e.timer);
    this.#entries.clear();
  }

  #interval(e: Entry): number {
    return e.intervalMs ?? (e.tier === 'hot' ? this.#o.hotIntervalMs : this.#o.idleIntervalMs);
  }

  #spread(interval: number): number {
    return Math.max(1, Math.round(interval * (1 - this.#o.jitter * this.#o.random())));
  }

  #arm(key: string, e: Entry, dueAt: number): void {
    if (e.timer) this.#o.clock.clearTimeout(e.timer);
    e.dueAt = dueAt;
    e.timer = this.#o.clock.setTimeout(() => {
      e.timer = null;
      if (this.#stopped || this.#entries.get(key) !== e) return;
      e.busy = true;
      this.#o.onDue(key, e.tier);
    }, Math.max(0, dueAt - this.#o.clock.now()));
  }
}
