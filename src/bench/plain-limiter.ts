import type { RequestGate } from '../exchanges/adapter.js';

/**
 * What a ccxt user has: one client-side limiter spacing every call by a fixed interval derived
 * from the exchange's IP budget (600 per 5 s -> one call per 8.34 ms), first come first served.
 * No per-UID budgets, no priorities, no reading of the exchange's remaining-budget headers.
 */
export class PlainLimiter implements RequestGate {
  #next = 0;

  constructor(private readonly spacingMs: number) {}

  async schedule<T>(_call: { endpoint: string }, fn: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const at = Math.max(now, this.#next);
    this.#next = at + this.spacingMs;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
    return fn();
  }

  feedback(): void {}
}
