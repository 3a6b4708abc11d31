import type { SimReply } from './http/types.js';
import type { SimulatorStats } from './types.js';

/** Request counters per endpoint and per account, for the benchmark's budget accounting. */
export class StatsCollector {
  #requests: Record<string, number> = {};
  #byAccount: Record<string, Record<string, number>> = {};
  #rateLimitAnswers = 0;
  #ipBans = 0;

  record(r: SimReply): void {
    this.#requests[r.endpoint] = (this.#requests[r.endpoint] ?? 0) + 1;
    if (r.accountId) {
      const a = (this.#byAccount[r.accountId] ??= {});
      a[r.endpoint] = (a[r.endpoint] ?? 0) + 1;
    }
    if (r.rateLimited) this.#rateLimitAnswers++;
    if (r.ipBanned) this.#ipBans++;
  }

  snapshot(ws: { connections: number; connectionsTotal: number; messages: number }): SimulatorStats {
    return {
      requests: { ...this.#requests },
      byAccount: Object.fromEntries(Object.entries(this.#byAccount).map(([k, v]) => [k, { ...v }])),
      rateLimitAnswers: this.#rateLimitAnswers,
      ipBans: this.#ipBans,
      wsConnections: ws.connections,
      wsConnectionsTotal: ws.connectionsTotal,
      wsMessages: ws.messages,
    };
  }

  reset(): void {
    this.#requests = {};
    this.#byAccount = {};
    this.#rateLimitAnswers = 0;
    this.#ipBans = 0;
  }
}
