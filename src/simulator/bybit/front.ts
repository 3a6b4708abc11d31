import type { AccountState } from '../core/account.js';
import type { Engine } from '../core/engine.js';
import type { FaultInjector } from '../core/faults.js';
import { BanList, WindowMap, type RollingWindow } from '../core/rate-limit.js';
import type { SimReply, SimRequest } from '../http/types.js';
import type { Logger } from '../../util/logger.js';
import type { BehaviourConfig, LimitConfig } from '../types.js';
import { authenticate } from './auth.js';
import { BybitError, envelope } from './envelope.js';
import { fromBody, fromQuery } from './params.js';
import { ROUTES } from './routes.js';
import { closedPnlRow, executionRow, orderRow, positionRow } from './format.js';
import type { ExchangeFront, RecordFormat } from '../front.js';

export interface FrontDeps {
  engine: Engine;
  faults: FaultInjector;
  limits: LimitConfig;
  behaviour: BehaviourConfig;
  now: () => number;
  logger: Logger;
}

interface LimitView {
  limit: number;
  window: RollingWindow;
}

/**
 * Bybit V5 REST: per-IP budget and ban, routing, authentication on the raw bytes, per-UID
 * per-endpoint budgets, the handler, then faults; every answer is an envelope with the
 * X-Bapi-Limit* headers.
 */
export class BybitFront implements ExchangeFront {
  readonly #d: FrontDeps;
  readonly format: RecordFormat;
  #ip: WindowMap;
  #uid: WindowMap;
  readonly #bans = new BanList();

  constructor(deps: FrontDeps) {
    this.#d = deps;
    this.#ip = new WindowMap(deps.limits.ipWindowMs);
    this.#uid = new WindowMap(deps.limits.uidWindowMs);
    const inst = (s: string) => deps.engine.instruments.get(s)!;
    this.format = {
      order: (o) => orderRow(o, inst(o.symbol)),
      execution: executionRow,
      position: (p, mark) => positionRow(p, inst(p.symbol), mark),
      closedPnl: closedPnlRow,
    };
  }

  exchangeSymbol(symbol: string): string {
    return symbol;
  }

  coreSymbol(symbol: string): string | undefined {
    return this.#d.engine.instruments.has(symbol) ? symbol : undefined;
  }

  /** Forget budgets and bans (tests, stats reset). */
  resetLimits(): void {
    this.#ip = new WindowMap(this.#d.limits.ipWindowMs);
    this.#uid = new WindowMap(this.#d.limits.uidWindowMs);
    this.#bans.clear();
  }

  handle(req: SimRequest): SimReply {
    const now = this.#d.now();
    const lim = this.#d.limits;
    const ipView: LimitView = { limit: lim.ipLimit, window: this.#ip.get(req.ip) };
    const route = ROUTES[req.path];
    const endpoint = route ? req.path : '(unknown)';
    const reply = (status: number, retCode: number, retMsg: string, result: unknown, view: LimitView, extra: Partial<SimReply> = {}): SimReply => ({
      status,
      headers: { 'content-type': 'application/json', ...limitHeaders(view, now) },
      body: JSON.stringify(envelope(retCode, retMsg, result, now)),
      endpoint,
      ...extra,
    });

    if (lim.enabled) {
      const banned = this.#bans.bannedUntil(req.ip, now);
      if (banned !== undefined) return reply(403, 10018, 'access too frequent', {}, ipView, { rateLimited: true });
      if (!ipView.window.tryTake(now, lim.ipLimit)) {
        this.#bans.ban(req.ip, now + lim.ipBanMs);
        this.#d.logger.warn('simulator: IP limit exceeded, banning', { ip: req.ip, banMs: lim.ipBanMs });
        return reply(403, 10018, 'access too frequent', {}, ipView, { rateLimited: true, ipBanned: true });
      }
    }
    if (req.method !== 'GET' && req.method !== 'POST') return reply(400, 10001, 'method must be GET or POST', {}, ipView);
    if (!route || route.method !== req.method) return reply(404, 10017, 'route not found', {}, ipView);
    // The docs list "GET with a JSON body" among the 403 causes.
    if (req.method === 'GET' && req.body.length > 0) return reply(403, 10001, 'GET requests must not carry a body', {}, ipView);

    let account: AccountState | undefined;
    let view = ipView;
    try {
      if (route.kind !== 'public') {
        account = authenticate(req, this.#d.engine, now, this.#d.behaviour.missingRecvWindowText);
        const perSec = route.kind === 'read' ? lim.uidReadPerSec : lim.uidWritePerSec;
        view = { limit: perSec, window: this.#uid.get(`${account.creds.uid}|${req.path}`) };
      }
    } catch (e) {
      return this.#errorReply(e, reply, view);
    }
    const accountId = account?.id;
    const before = this.#d.faults.before(accountId, endpoint);
    const delayMs = this.#d.faults.latency(accountId, endpoint);
    if (before.kind === 'http5xx') return { ...gatewayError(before.status, now), endpoint, accountId, delayMs };
    if (before.kind === 'rateLimit') {
      return reply(200, 10006, 'Too many visits!', {}, { limit: view.limit, window: exhausted(view, now) }, { accountId, rateLimited: true, delayMs });
    }
    if (account && lim.enabled && !view.window.tryTake(now, view.limit)) {
      return reply(200, 10006, 'Too many visits!', {}, view, { accountId, rateLimited: true, delayMs });
    }

    let out: SimReply;
    try {
      const params = req.method === 'GET' ? fromQuery(req.query) : fromBody(req.body);
      const result = route.handler({
        engine: this.#d.engine,
        account,
        params,
        now,
        behaviour: this.#d.behaviour,
        faults: this.#d.faults.config,
      });
      out = reply(200, 0, 'OK', result, view, { accountId, delayMs });
    } catch (e) {
      out = { ...this.#errorReply(e, reply, view), accountId, delayMs };
    }
    const after = this.#d.faults.after(accountId, endpoint);
    if (after.kind === 'timeout') out.hold = true;
    else if (after.kind === 'malformed') out.body = this.#d.faults.corrupt(out.body);
    return out;
  }

  #errorReply(
    e: unknown,
    reply: (status: number, retCode: number, retMsg: string, result: unknown, view: LimitView) => SimReply,
    view: LimitView,
  ): SimReply {
    if (e instanceof BybitError) return reply(e.httpStatus, e.retCode, e.message, {}, view);
    this.#d.logger.error('simulator: bybit handler failed', { error: e instanceof Error ? e.stack : String(e) });
    return reply(500, 10016, 'Internal server error', {}, view);
  }
}

function limitHeaders(v: LimitView, now: number): Record<string, string> {
  const used = v.window.used(now);
  const remaining = Math.max(0, v.limit - used);
  return {
    'X-Bapi-Limit': String(v.limit),
    'X-Bapi-Limit-Status': String(remaining),
    'X-Bapi-Limit-Reset-Timestamp': String(remaining > 0 ? now : v.window.resetAt(now, v.limit)),
  };
}

/** For a spurious 10006: headers that say the window is exhausted for the next second. */
function exhausted(v: LimitView, now: number): RollingWindow {
  return {
    used: () => v.limit,
    resetAt: () => now + 1000,
  } as unknown as RollingWindow;
}

/** What a 5xx from Bybit's edge looks like: JSON for 500/503, an HTML gateway page otherwise. */
export function gatewayError(status: number, now: number): Omit<SimReply, 'endpoint'> {
  if (status === 500 || status === 503) {
    return {
      status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope(10016, status === 503 ? 'Service is restarting, please retry later' : 'Internal server error', {}, now)),
    };
  }
  const text = status === 502 ? '502 Bad Gateway' : '504 Gateway Time-out';
  return { status, headers: { 'content-type': 'text/html' }, body: `<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center></body></html>` };
}
