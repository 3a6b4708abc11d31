import type { RequestGate } from '../exchanges/adapter.js';

/**
 * What a ccxt user has: one client-side limiter spacing every call by a fixed interval derived
 * from the exchange's IP budget, first come first served. No per-UID budgets, no priorities, no
 * reading of the exchange's remaining-budget headers.
 */
export class PlainLimiter implements RequestGate {
  #next = 0;
  #closed = false;
  readonly #waiting = new Set<{ timer: ReturnType<typeof setTimeout>; reject: (e: Error) => void }>();

  constructor(private readonly spacingMs: number) {}

  /** Calls waiting for their turn right now (the backlog an overloaded scheme builds up). */
  get backlog(): number {
    return this.#waiting.size;
  }

  async schedule<T>(_call: { endpoint: string }, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error('limiter closed');
    const now = Date.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.spacingMs;
    if (at > now) {
      await new Promise<void>((resolve, reject) => {
        const w = {
          timer: setTimeout(() => {
            this.#waiting.delete(w);
            resolve();
          }, at - now),
          reject,
        };
        this.#waiting.add(w);
      });
    }
    return fn();
  }

  feedback(): void {}

  /** Drops every waiting call (the run is over). */
  close(): void {
    this.#closed = true;
    for (const w of this.#waiting) {
      clearTimeout(w.timer);
      w.reject(new Error('limiter closed'));
    }
    this.#waiting.clear();
  }
}
