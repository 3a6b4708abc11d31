import type { Clock } from '../util/clock.js';

/**
 * Rolling numbers for people and charts (the demo's status line, the dashboard, the bench):
 * what happened in the last `windowMs`, not since start. Samples live in one-second buckets, so
 * memory stays bounded however busy the engine is.
 */
interface Second {
  at: number;
  eventLags: number[];
  detectionLags: number[];
  apiCalls: number;
  rateLimited: number;
  syncs: number;
  failures: number;
}

const MAX_SAMPLES_PER_SECOND = 2000;

export interface LiveSnapshot {
  at: number;
  windowMs: number;
  eventLagMs: { p50: number | null; p99: number | null; count: number };
  detectionLagMs: { p50: number | null; p99: number | null; count: number };
  apiCallsPerMin: number;
  rateLimitAnswersPerMin: number;
  syncsPerSec: number;
  syncFailuresPerMin: number;
}

export class LiveStats {
  readonly #seconds: Second[] = [];

  constructor(
    private readonly clock: Clock,
    readonly windowMs = 60_000,
  ) {}

  eventLag(ms: number): void {
    push(this.#now().eventLags, ms);
  }

  detectionLag(ms: number): void {
    push(this.#now().detectionLags, ms);
  }

  apiCall(rateLimited: boolean): void {
    const s = this.#now();
    s.apiCalls++;
    if (rateLimited) s.rateLimited++;
  }

  sync(ok: boolean): void {
    const s = this.#now();
    s.syncs++;
    if (!ok) s.failures++;
  }

  snapshot(): LiveSnapshot {
    const now = this.clock.now();
    this.#trim(now);
    const secs = this.#seconds;
    const span = Math.max(1000, Math.min(this.windowMs, now - (secs[0]?.at ?? now) + 1000));
    const perMin = (n: number) => Math.round((n * 60_000) / span);
    const ev = secs.flatMap((s) => s.eventLags).sort((a, b) => a - b);
    const det = secs.flatMap((s) => s.detectionLags).sort((a, b) => a - b);
    const sum = (f: (s: Second) => number) => secs.reduce((n, s) => n + f(s), 0);
    return {
      at: now,
      windowMs: this.windowMs,
      eventLagMs: { p50: quantile(ev, 0.5), p99: quantile(ev, 0.99), count: ev.length },
      detectionLagMs: { p50: quantile(det, 0.5), p99: quantile(det, 0.99), count: det.length },
      apiCallsPerMin: perMin(sum((s) => s.apiCalls)),
      rateLimitAnswersPerMin: perMin(sum((s) => s.rateLimited)),
      syncsPerSec: Math.round((sum((s) => s.syncs) * 1000 * 10) / span) / 10,
      syncFailuresPerMin: perMin(sum((s) => s.failures)),
    };
  }

  #now(): Second {
    const now = this.clock.now();
    const at = now - (now % 1000);
    let last = this.#seconds[this.#seconds.length - 1];
    if (!last || last.at !== at) {
      last = { at, eventLags: [], detectionLags: [], apiCalls: 0, rateLimited: 0, syncs: 0, failures: 0 };
      this.#seconds.push(last);
      this.#trim(now);
    }
    return last;
  }

  #trim(now: number): void {
    while (this.#seconds.length && this.#seconds[0]!.at <= now - this.windowMs) this.#seconds.shift();
  }
}

function push(xs: number[], v: number): void {
  // Beyond this many samples a second, a reservoir keeps the distribution without the memory.
  if (xs.length < MAX_SAMPLES_PER_SECOND) xs.push(v);
  else xs[Math.floor(Math.random() * MAX_SAMPLES_PER_SECOND)] = v;
}

export function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
