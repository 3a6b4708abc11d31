import type { CallOptions, RequestGate } from '../adapter.js';
import { httpRequest } from '../http.js';
import type { Clock } from '../../util/clock.js';
import { ExchangeUnavailableError } from '../../errors.js';
import { checkAnswer, limitHeaders } from './errors.js';
import { authHeaders, buildQuery } from './sign.js';
import type { BybitEndpoint } from './budgets.js';

export interface BybitRestConfig {
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  recvWindowMs: number;
  timeoutMs: number;
  gate: RequestGate;
  clock: Clock;
}

export interface BybitList {
  list: unknown[];
  /** null on the last page (Bybit sends ""). */
  next: string | null;
}

/**
 * Signed Bybit V5 calls. Each one passes through the gate under its own path (the budget key),
 * is signed at the moment it actually leaves (a call queued behind the budget must not go out
 * with a stale timestamp), and reports the rate headers back to the gate whatever the outcome.
 */
export class BybitRest {
  constructor(private readonly cfg: BybitRestConfig) {}

  get(path: BybitEndpoint, params: Record<string, string | number | undefined>, opts: CallOptions): Promise<unknown> {
    const query = buildQuery(params);
    return this.send(path, 'GET', query, opts);
  }

  post(path: BybitEndpoint, body: Record<string, unknown>, opts: CallOptions): Promise<unknown> {
    return this.send(path, 'POST', JSON.stringify(body), opts);
  }

  async getList(path: BybitEndpoint, params: Record<string, string | number | undefined>, opts: CallOptions): Promise<BybitList> {
    return listOf(path, await this.get(path, params, opts));
  }

  private send(path: BybitEndpoint, method: 'GET' | 'POST', payload: string, opts: CallOptions): Promise<unknown> {
    const { gate, clock } = this.cfg;
    return gate.schedule({ endpoint: path, priority: opts.priority, signal: opts.signal }, async () => {
      const ts = clock.now();
      const headers = authHeaders(this.cfg.apiKey, this.cfg.apiSecret, ts, this.cfg.recvWindowMs, payload);
      if (method === 'POST') headers['Content-Type'] = 'application/json';
      const url = method === 'GET' && payload ? `${this.cfg.baseUrl}${path}?${payload}` : `${this.cfg.baseUrl}${path}`;
      const answer = await httpRequest({
        method,
        url,
        headers,
        body: method === 'POST' ? payload : undefined,
        timeoutMs: this.cfg.timeoutMs,
        signal: opts.signal,
      });
      const feedback = limitHeaders(answer.headers);
      if (Object.keys(feedback).length > 0) gate.feedback(path, feedback);
      return checkAnswer(`${method} ${path}`, answer, clock.now()).result;
    });
  }
}

function listOf(path: string, result: unknown): BybitList {
  const r = result as { list?: unknown; nextPageCursor?: unknown } | null;
  if (!r || typeof r !== 'object' || !Array.isArray(r.list)) {
    throw new ExchangeUnavailableError(`GET ${path}: result has no list`);
  }
  const cursor = r.nextPageCursor;
  if (cursor !== undefined && cursor !== null && typeof cursor !== 'string') {
    throw new ExchangeUnavailableError(`GET ${path}: nextPageCursor is not a string`);
  }
  // A cursor beside an empty list leads nowhere; following it only spends budget.
  return { list: r.list, next: cursor && r.list.length > 0 ? cursor : null };
}
