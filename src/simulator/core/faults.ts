import type { FaultConfig } from '../types.js';
import { Rng } from './rng.js';

/** The endpoint name WS faults match in `only.endpoints`. */
export const WS_ENDPOINT = '/v5/private';

export type RequestFault =
  | { kind: 'none' }
  | { kind: 'http5xx'; status: number }
  | { kind: 'timeout' }
  | { kind: 'rateLimit' }
  | { kind: 'malformed' };

/**
 * Draws fault decisions from its own seeded stream, so enabling a fault never changes ids or
 * fills. `only` narrows the request and WS faults to some accounts/endpoints.
 */
export class FaultInjector {
  config: FaultConfig;
  readonly #rng: Rng;

  constructor(config: FaultConfig, seed: number) {
    this.config = config;
    this.#rng = new Rng(seed, 'faults');
  }

  #applies(accountId: string | undefined, endpoint: string | undefined): boolean {
    const only = this.config.only;
    if (!only) return true;
    if (only.accounts && (!accountId || !only.accounts.includes(accountId))) return false;
    if (only.endpoints && (!endpoint || !only.endpoints.includes(endpoint))) return false;
    return true;
  }

  /** Extra latency for an answer. */
  latency(accountId: string | undefined, endpoint: string): number {
    const c = this.config;
    if ((c.latencyMs === 0 && c.latencyJitterMs === 0) || !this.#applies(accountId, endpoint)) return 0;
    return c.latencyMs + (c.latencyJitterMs > 0 ? Math.floor(this.#rng.next() * (c.latencyJitterMs + 1)) : 0);
  }

  /** Faults decided before the request runs (no effect on state). */
  before(accountId: string | undefined, endpoint: string): RequestFault {
    const c = this.config;
    if (!this.#applies(accountId, endpoint)) return { kind: 'none' };
    if (this.#rng.chance(c.http5xxRate)) return { kind: 'http5xx', status: this.#rng.pick([500, 502, 503, 504]) };
    if (this.#rng.chance(c.rateLimitRate)) return { kind: 'rateLimit' };
    return { kind: 'none' };
  }

  /** Faults decided after the request ran (its effect stands). */
  after(accountId: string | undefined, endpoint: string): RequestFault {
    const c = this.config;
    if (!this.#applies(accountId, endpoint)) return { kind: 'none' };
    if (this.#rng.chance(c.timeoutRate)) return { kind: 'timeout' };
    if (this.#rng.chance(c.malformedRate)) return { kind: 'malformed' };
    return { kind: 'none' };
  }

  // WS faults count the stream as the endpoint WS_ENDPOINT for the `only.endpoints` filter.
  wsDropMessage(accountId: string): boolean {
    return this.config.wsDropMessageRate > 0 && this.#applies(accountId, WS_ENDPOINT) && this.#rng.chance(this.config.wsDropMessageRate);
  }

  wsDuplicateFilled(accountId: string): boolean {
    return this.config.wsDuplicateFilledRate > 0 && this.#applies(accountId, WS_ENDPOINT) && this.#rng.chance(this.config.wsDuplicateFilledRate);
  }

  wsDropEveryMs(accountId: string | undefined): number {
    if (this.config.wsDropEveryMs <= 0) return 0;
    if (this.config.only?.accounts && !accountId) return 0;
    return this.#applies(accountId, WS_ENDPOINT) ? this.config.wsDropEveryMs : 0;
  }

  /** Truncates a body so it is no longer valid JSON. */
  corrupt(body: string): string {
    if (body.length < 2) return '{';
    return body.slice(0, Math.max(1, Math.floor(body.length * (0.2 + 0.6 * this.#rng.next()))));
  }
}
