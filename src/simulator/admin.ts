import { CoreError } from './core/errors.js';
import type { SimRequest } from './http/types.js';
import { SimulatorConfigError } from './options.js';
import type { DirectOrderRequest, HistoryRequest, ScenarioRequest, SimulatorHandle, TruthPart } from './types.js';

type Answer = { status: number; body: unknown };
type Route = (req: SimRequest, body: Record<string, unknown>) => unknown;

/** Thrown for a bad admin request: 400 with the message. */
class AdminError extends Error {}

function needString(b: Record<string, unknown>, k: string): string {
  const v = b[k];
  if (typeof v !== 'string' || v === '') throw new AdminError(`${k}: expected a non-empty string, received ${JSON.stringify(v)}`);
  return v;
}

function optString(b: Record<string, unknown>, k: string): string | undefined {
  const v = b[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new AdminError(`${k}: expected a string, received ${JSON.stringify(v)}`);
  return v;
}

function optNumber(v: string | null, k: string): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new AdminError(`${k}: expected a number, received ${JSON.stringify(v)}`);
  return n;
}

const PARTS: TruthPart[] = ['orders', 'executions', 'positions', 'closedPnl', 'journal'];

function truthParts(v: string | null): TruthPart[] | undefined {
  if (!v) return undefined;
  const parts = v.split(',').map((x) => x.trim());
  for (const p of parts) if (!PARTS.includes(p as TruthPart)) throw new AdminError(`include: expected a comma list of ${PARTS.join(', ')}, received ${JSON.stringify(p)}`);
  return parts as TruthPart[];
}

/**
 * The /__sim/ admin API: everything the in-process handle offers, over HTTP JSON, so a
 * benchmark that runs the simulator as a child process can drive it. Never rate limited,
 * never counted in stats, never faulted.
 */
export class AdminApi {
  readonly #routes: Record<string, Route>;

  constructor(s: SimulatorHandle) {
    this.#routes = {
      'GET /__sim/info': () => s.info(),
      'GET /__sim/accounts': () => s.accounts,
      'GET /__sim/truth': (r) =>
        s.truth({
          accountId: r.query.get('accountId') || undefined,
          since: optNumber(r.query.get('since'), 'since'),
          include: truthParts(r.query.get('include')),
        }),
      'GET /__sim/faults': () => s.faults(),
      'PUT /__sim/faults': (_r, b) => (s.setFaults(b), s.faults()),
      'POST /__sim/faults': (_r, b) => (s.setFaults(b), s.faults()),
      'DELETE /__sim/faults': () => (s.resetFaults(), s.faults()),
      'GET /__sim/price': (r) => {
        const symbol = r.query.get('symbol') ?? '';
        return { symbol, price: s.price(symbol) };
      },
      'POST /__sim/price': (_r, b) => {
        const symbol = needString(b, 'symbol');
        s.setPrice(symbol, needString(b, 'price'));
        return { symbol, price: s.price(symbol) };
      },
      'POST /__sim/orders': (_r, b) => {
        const { accountId, ...req } = b;
        if (typeof accountId !== 'string') throw new AdminError('accountId: expected a string');
        return s.placeOrder(accountId, req as unknown as DirectOrderRequest);
      },
      'POST /__sim/orders/cancel': (_r, b) =>
        s.cancelOrder(needString(b, 'accountId'), { symbol: optString(b, 'symbol'), orderId: optString(b, 'orderId'), orderLinkId: optString(b, 'orderLinkId') }),
      'POST /__sim/orders/cancel-all': (_r, b) => s.cancelAll(needString(b, 'accountId'), optString(b, 'symbol')),
      'POST /__sim/history': (_r, b) => s.generateHistory(b as unknown as HistoryRequest),
      'POST /__sim/funding': () => ({ executions: s.runFunding() }),
      'POST /__sim/restart': () => (s.restart(), { ok: true }),
      'GET /__sim/stats': () => s.stats(),
      'POST /__sim/stats/reset': () => (s.resetStats(), s.stats()),
      'POST /__sim/limits/reset': () => (s.resetLimits(), { ok: true }),
      'GET /__sim/scenario': () => s.scenarioStatus(),
      'POST /__sim/scenario': (_r, b) => s.startScenario(b as unknown as ScenarioRequest),
      'DELETE /__sim/scenario': () => s.stopScenario(),
      'GET /__sim/time': () => ({ now: s.now() }),
    };
  }

  async handle(req: SimRequest): Promise<Answer> {
    const route = this.#routes[`${req.method} ${req.path}`];
    if (!route) {
      const known = Object.keys(this.#routes).some((k) => k.endsWith(` ${req.path}`));
      return { status: known ? 405 : 404, body: { error: known ? `method ${req.method} not allowed on ${req.path}` : `no admin route ${req.path}`, routes: Object.keys(this.#routes) } };
    }
    let body: Record<string, unknown> = {};
    if (req.body.trim() !== '') {
      try {
        const v: unknown = JSON.parse(req.body);
        if (!v || typeof v !== 'object' || Array.isArray(v)) return { status: 400, body: { error: 'body: expected a JSON object' } };
        body = v as Record<string, unknown>;
      } catch {
        return { status: 400, body: { error: 'body: not valid JSON' } };
      }
    }
    try {
      return { status: 200, body: await route(req, body) };
    } catch (e) {
      if (e instanceof AdminError || e instanceof SimulatorConfigError) return { status: 400, body: { error: e.message } };
      if (e instanceof CoreError) return { status: e.code === 'unknown_account' ? 404 : 400, body: { error: e.message, code: e.code } };
      if (e instanceof Error) return { status: 400, body: { error: e.message } };
      return { status: 500, body: { error: String(e) } };
    }
  }
}
