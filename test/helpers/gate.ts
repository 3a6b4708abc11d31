import type { BudgetFeedback, RequestGate } from '../../src/exchanges/adapter.js';
import type { Priority } from '../../src/domain/priority.js';
import { ExchangeUnavailableError, IpBannedError, RateLimitedError } from '../../src/errors.js';

export interface TestGateOptions {
  /** Retries after a RateLimitedError (default 8). */
  rateLimitRetries?: number;
  /** Longest wait for a resetAt, so a far-off reset does not stall a test (default 1500 ms). */
  maxWaitMs?: number;
  /** Retries after an ExchangeUnavailableError (default 0: the error reaches the caller). */
  unavailableRetries?: number;
  /** Pause before retrying an unavailable answer (default 10 ms). */
  unavailableDelayMs?: number;
}

/**
 * A plain RequestGate for adapter tests (the engine's budgeted gate lives in src/limits). It
 * counts what went through it, and on a rate-limit answer waits until resetAt (capped) and
 * runs the call again, the way the real gate does, so tests can show nothing is lost. IP bans
 * are passed straight to the caller.
 */
export class TestGate implements RequestGate {
  /** Calls started per endpoint (retries included). */
  readonly calls = new Map<string, number>();
  readonly priorities: Priority[] = [];
  readonly feedbacks: Array<{ endpoint: string; info: BudgetFeedback }> = [];
  rateLimited = 0;
  unavailable = 0;
  readonly #o: Required<TestGateOptions>;

  constructor(opts: TestGateOptions = {}) {
    this.#o = { rateLimitRetries: 8, maxWaitMs: 1_500, unavailableRetries: 0, unavailableDelayMs: 10, ...opts };
  }

  async schedule<T>(call: { endpoint: string; priority: Priority; signal?: AbortSignal }, fn: () => Promise<T>): Promise<T> {
    let limited = 0;
    let unavailable = 0;
    for (;;) {
      this.calls.set(call.endpoint, (this.calls.get(call.endpoint) ?? 0) + 1);
      this.priorities.push(call.priority);
      try {
        return await fn();
      } catch (err) {
        // An IP ban lasts minutes: the real gate parks the IP; a test wants to see the error.
        if (err instanceof RateLimitedError && !(err instanceof IpBannedError) && limited < this.#o.rateLimitRetries) {
          limited++;
          this.rateLimited++;
          await delay(Math.min(this.#o.maxWaitMs, Math.max(0, err.resetAt - Date.now())));
          continue;
        }
        if (err instanceof ExchangeUnavailableError && unavailable < this.#o.unavailableRetries) {
          unavailable++;
          this.unavailable++;
          await delay(this.#o.unavailableDelayMs);
          continue;
        }
        throw err;
      }
    }
  }

  feedback(endpoint: string, info: BudgetFeedback): void {
    this.feedbacks.push({ endpoint, info });
  }

  count(endpoint?: string): number {
    if (endpoint !== undefined) return this.calls.get(endpoint) ?? 0;
    let n = 0;
    for (const v of this.calls.values()) n += v;
    return n;
  }

  reset(): void {
    this.calls.clear();
    this.priorities.length = 0;
    this.feedbacks.length = 0;
    this.rateLimited = 0;
    this.unavailable = 0;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
