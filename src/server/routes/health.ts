import { redactString } from '../../util/redact.js';
import type { ServerContext } from '../context.js';
import type { Route } from '../router.js';

/** Probes and Prometheus. Open to read: they carry no secrets and monitoring must not need one. */
const PING_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export function healthRoutes(c: ServerContext): Route[] {
  const startedAt = Date.now();
  return [
    {
      method: 'GET',
      path: '/healthz',
      handler: () => ({ status: 200, body: { ok: true, uptimeMs: Date.now() - startedAt } }),
    },
    {
      method: 'GET',
      path: '/readyz',
      handler: async () => {
        const state = c.engine.state;
        let database = 'ok';
        const reasons: string[] = [];
        if (state !== 'running') reasons.push(`engine: expected running, is ${state}`);
        try {
          await withTimeout(c.engine.store.ping(), PING_TIMEOUT_MS, 'the database');
        } catch (err) {
          database = 'unreachable';
          reasons.push(`database: ${err instanceof Error ? err.message : String(err)}`);
        }
        if (!reasons.length) return { status: 200, body: { ready: true, engine: state, database } };
        return {
          status: 503,
          headers: { 'Retry-After': '5' },
          body: { ready: false, engine: state, database, error: { code: 'not_ready', message: redactString(reasons.join('; ')) } },
        };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      handler: async () => {
        const text = (await c.engine.metrics()) + (await c.metrics.text());
        return { status: 200, raw: redactString(text), headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } };
      },
    },
  ];
}
