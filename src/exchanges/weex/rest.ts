import type { CallOptions, RequestGate } from '../adapter.js';
import type { Clock } from '../../util/clock.js';
import type { WeexEndpoint } from './budgets.js';
import { checkWeexAnswer } from './errors.js';
import type { WeexOptions } from './options.js';
import { buildWeexQuery, weexAuthHeaders, type WeexCredentials } from './sign.js';
import { requestText } from '../http.js';

export interface WeexRestConfig {
  baseUrl: string;
  credentials: WeexCredentials;
  timeoutMs: number;
  gate: RequestGate;
  clock: Clock;
  options: Pick<WeexOptions, 'wrapped' | 'rateLimitBackoffMs' | 'locale'>;
}

/**
 * Signed WEEX v2 calls. Each passes through the gate under its own path (the budget key) and
 * is signed at the moment it leaves: a call queued behind the budget must not go out with a
 * timestamp that is already stale (WEEX allows 30 s).
 */
export class WeexRest {
  constructor(private readonly cfg: WeexRestConfig) {}

  get(path: WeexEndpoint, params: Record<string, string | number | undefined>, opts: CallOptions): Promise<unknown> {
    return this.send(path, 'GET', buildWeexQuery(params), '', opts);
  }

  post(path: WeexEndpoint, body: Record<string, unknown>, opts: CallOptions): Promise<unknown> {
    return this.send(path, 'POST', '', JSON.stringify(body), opts);
  }

  private send(path: WeexEndpoint, method: 'GET' | 'POST', query: string, body: string, opts: CallOptions): Promise<unknown> {
    const { gate, clock } = this.cfg;
    return gate.schedule({ endpoint: path, priority: opts.priority, signal: opts.signal }, async () => {
      const timestamp = clock.now();
      const headers = weexAuthHeaders(this.cfg.credentials, { timestamp, method, path, query, body }, this.cfg.options.locale);
      const raw = await requestText({
        method,
        url: `${this.cfg.baseUrl}${path}${query ? `?${query}` : ''}`,
        headers,
        body: method === 'POST' ? body : undefined,
        timeoutMs: this.cfg.timeoutMs,
        signal: opts.signal,
      });
      return checkWeexAnswer(raw, {
        where: `${method} ${path}`,
        sentAt: timestamp,
        now: clock.now(),
        wrapped: this.cfg.options.wrapped,
        rateLimitBackoffMs: this.cfg.options.rateLimitBackoffMs,
      });
    });
  }
}
