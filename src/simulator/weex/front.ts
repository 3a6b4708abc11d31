import type { AccountState } from '../core/account.js';
import { WindowMap } from '../core/rate-limit.js';
import type { ExchangeFront, RecordFormat } from '../front.js';
import type { FrontDeps } from '../bybit/front.js';
import { stringifyRaw } from '../http/json.js';
import type { SimReply, SimRequest } from '../http/types.js';
import { authenticate } from './auth.js';
import { WEEX, WeexError } from './errors.js';
import { weexClosedPnl, weexFill, weexOrder, weexPosition } from './format.js';
import { WEEX_ROUTES } from './routes.js';
import { fromWeexSymbol, toWeexSymbol } from './symbols.js';

/**
 * WEEX contract v2 REST: weight budgets per IP and per UID over 10 s (HTTP 429), place/cancel
 * capped per second, ACCESS-* authentication on the raw bytes, bare payloads for reads (or the
 * {code:"00000",...} wrapper when behaviour.weexWrapReads), `{code,msg,requestTime,data:null}`
 * errors. Private WebSocket: not simulated (v2 stream facts were not researched).
 */
export class WeexFront implements ExchangeFront {
  readonly #d: FrontDeps;
  readonly format: RecordFormat;
  #ip: WindowMap;
  #uid: WindowMap;
  #orders: WindowMap;

  constructor(deps: FrontDeps) {
    this.#d = deps;
    this.#ip = new WindowMap(deps.limits.weexWindowMs);
    this.#uid = new WindowMap(deps.limits.weexWindowMs);
    this.#orders = new WindowMap(1000);
    const inst = (s: string) => deps.engine.instruments.get(s)!;
    this.format = {
      order: (o) => weexOrder(o, inst(o.symbol)),
      execution: (e) => ({ ...weexFill(e, false), execType: e.execType }),
      position: (p, mark) => weexPosition(p, inst(p.symbol), mark, deps.engine.account(p.accountId).creds, true, false),
      closedPnl: weexClosedPnl,
    };
  }

  exchangeSymbol(symbol: string): string {
    return toWeexSymbol(symbol);
  }

  coreSymbol(symbol: string): string | undefined {
    const core = fromWeexSymbol(symbol) ?? symbol;
    return this.#d.engine.instruments.has(core) ? core : undefined;
  }

  resetLimits(): void {
    this.#ip = new WindowMap(this.#d.limits.weexWindowMs);
    this.#uid = new WindowMap(this.#d.limits.weexWindowMs);
    this.#orders = new WindowMap(1000);
  }

  handle(req: SimRequest): SimReply {
    const now = this.#d.now();
    const lim = this.#d.limits;
    const route = WEEX_ROUTES[req.path];
    const endpoint = route ? req.path : '(unknown)';
    const error = (e: WeexError, extra: Partial<SimReply> = {}): SimReply => ({
      status: e.httpStatus,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: e.code, msg: e.message, requestTime: now, data: null }),
      endpoint,
      ...extra,
    });
    if (!route || route.method !== req.method) return error(WEEX.notFound());
    if (lim.enabled && !this.#ip.get(req.ip).tryTake(now, lim.weexIpWeight, route.ipWeight)) return error(WEEX.tooMany(), { rateLimited: true });

    let account: AccountState | undefined;
    try {
      if (route.signed) account = authenticate(req, this.#d.engine, now);
    } catch (e) {
      return this.#fail(e, error);
    }
    const accountId = account?.id;
    const delayMs = this.#d.faults.latency(accountId, endpoint);
    const before = this.#d.faults.before(accountId, endpoint);
    if (before.kind === 'http5xx') return { ...systemError(before.status, now), endpoint, accountId, delayMs };
    if (before.kind === 'rateLimit') return error(WEEX.tooMany(), { accountId, rateLimited: true, delayMs });
    if (account && lim.enabled) {
      const uid = account.creds.uid;
      const overOrders = route.order && !this.#orders.get(uid).tryTake(now, lim.weexOrderPerSec);
      if (overOrders || !this.#uid.get(uid).tryTake(now, lim.weexUidWeight, route.uidWeight)) {
        return error(WEEX.tooMany(), { accountId, rateLimited: true, delayMs });
      }
    }

    let out: SimReply;
    try {
      const params = req.method === 'GET' ? Object.fromEntries(firstOnly(req.query)) : parseBody(req.body);
      const r = route.handler({ engine: this.#d.engine, account, params, now, behaviour: this.#d.behaviour, faults: this.#d.faults.config });
      const data = r.read && this.#d.behaviour.weexWrapReads ? { code: '00000', msg: 'success', requestTime: now, data: r.data } : r.data;
      out = { status: 200, headers: { 'content-type': 'application/json' }, body: stringifyRaw(data), endpoint, accountId, delayMs };
    } catch (e) {
      out = { ...this.#fail(e, error), accountId, delayMs };
    }
    const after = this.#d.faults.after(accountId, endpoint);
    if (after.kind === 'timeout') out.hold = true;
    else if (after.kind === 'malformed') out.body = this.#d.faults.corrupt(out.body);
    return out;
  }

  #fail(e: unknown, error: (e: WeexError) => SimReply): SimReply {
    if (e instanceof WeexError) return error(e);
    this.#d.logger.error('simulator: weex handler failed', { error: e instanceof Error ? e.stack : String(e) });
    return error(WEEX.system());
  }
}

function firstOnly(q: URLSearchParams): [string, string][] {
  const seen = new Map<string, string>();
  for (const [k, v] of q) if (!seen.has(k)) seen.set(k, v);
  return [...seen];
}

function parseBody(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw WEEX.param('body', 'is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw WEEX.param('body', 'must be a JSON object');
  return v as Record<string, unknown>;
}

function systemError(status: number, now: number): Omit<SimReply, 'endpoint'> {
  if (status === 500 || status === 503) {
    return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code: '40015', msg: 'System error', requestTime: now, data: null }) };
  }
  const text = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return { status, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${text}</title></head><body><h1>${text}</h1></body></html>` };
}
