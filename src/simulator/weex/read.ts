import type { SimExecution, SimOrder } from '../core/records.js';
import { OPEN_STATUSES } from '../core/records.js';
import { acct, idParam, intParam, symbolParam, type WeexContext, type WeexResult } from './context.js';
import { WEEX } from './errors.js';
import { weexFill, weexOrder, weexPosition } from './format.js';

const DAY = 86_400_000;

const read = (data: unknown): WeexResult => ({ data, read: true });

/**
 * GET /capi/v2/order/fills: trade fills (no funding), newest first by default, `limit` <= 100,
 * `nextFlag` when more rows match, `totals` = all matching rows. No cursor: clients move
 * endTime to the oldest createdTime they saw.
 */
export function fills(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const symbol = symbolParam(ctx, false);
  const orderId = idParam(ctx, 'orderId');
  const start = intParam(ctx, 'startTime', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const end = intParam(ctx, 'endTime', 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER;
  const limit = intParam(ctx, 'limit', 1, 100, 100);
  if (end < start) throw WEEX.param('endTime', 'must not be before startTime');
  // History is written asynchronously when historyLagMs is set.
  const hi = Math.min(end, ctx.now - ctx.faults.historyLagMs);
  const match = (e: SimExecution) => e.execType === 'Trade' && (!symbol || e.symbol === symbol);
  const newestFirst = ctx.behaviour.weexFillsOrder === 'desc';
  let rows: SimExecution[];
  let more: boolean;
  let totals: number;
  if (orderId) {
    const all = (a.execsByOrder.get(orderId) ?? [])
      .filter((e) => match(e) && e.execTime >= start && e.execTime <= hi)
      .sort((x, y) => (newestFirst ? y.execTime - x.execTime || y.n - x.n : x.execTime - y.execTime || x.n - y.n));
    rows = all.slice(0, limit);
    more = all.length > limit;
    totals = all.length;
  } else {
    const q = { start, end: hi, limit, filter: match };
    ({ rows, more } = newestFirst ? a.executions.pageDesc(q) : a.executions.pageAsc(q));
    totals = a.executions.count(start, hi, match);
  }
  return read({ list: rows.map((e) => weexFill(e)), nextFlag: more, totals });
}

/** GET /capi/v2/order/current: open orders, newest first, `limit` <= 100 with `page` from 0. */
export function current(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const symbol = symbolParam(ctx, false);
  const orderId = idParam(ctx, 'orderId');
  const start = intParam(ctx, 'startTime', 0, Number.MAX_SAFE_INTEGER) ?? 0;
  const end = intParam(ctx, 'endTime', 0, Number.MAX_SAFE_INTEGER) ?? Number.MAX_SAFE_INTEGER;
  const limit = intParam(ctx, 'limit', 1, 100, 100);
  const page = intParam(ctx, 'page', 0, 1_000_000, 0);
  const rows = [...a.open.values()]
    .filter((o) => (!symbol || o.symbol === symbol) && (!orderId || o.orderId === orderId) && o.createdTime >= start && o.createdTime <= end)
    .sort((x, y) => y.createdTime - x.createdTime || y.n - x.n)
    .slice(page * limit, page * limit + limit);
  return read(rows.map((o) => weexOrder(o, ctx.engine.instruments.get(o.symbol)!)));
}

/** GET /capi/v2/order/detail?orderId=: one order, any status. */
export function detail(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const orderId = idParam(ctx, 'orderId');
  if (!orderId) throw WEEX.missing('orderId');
  const o = a.byOrderId.get(orderId);
  if (!o || o.createdTime > ctx.now - ctx.faults.historyLagMs) throw WEEX.noOrder();
  return read(weexOrder(o, ctx.engine.instruments.get(o.symbol)!));
}

/**
 * GET /capi/v2/order/history: finished orders created in [createDate, endCreateDate], newest
 * first, at most pageSize (<= 100). createDate must lie within the last 90 days.
 */
export function history(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const symbol = symbolParam(ctx, false);
  const pageSize = intParam(ctx, 'pageSize', 1, 100, 100);
  const createDate = intParam(ctx, 'createDate', -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const endCreateDate = intParam(ctx, 'endCreateDate', 0, Number.MAX_SAFE_INTEGER) ?? ctx.now;
  const floor = ctx.now - 90 * DAY;
  if (createDate !== undefined && (createDate < 0 || createDate < floor)) throw WEEX.param('createDate', 'must be within 90 days');
  const start = createDate ?? floor;
  const cutoff = ctx.now - ctx.faults.historyLagMs;
  const { rows } = a.orders.pageDesc({
    start,
    end: Math.min(endCreateDate, ctx.now),
    limit: pageSize,
    filter: (o: SimOrder) => !OPEN_STATUSES.has(o.status) && o.updatedTime <= cutoff && (!symbol || o.symbol === symbol),
  });
  return read(rows.map((o) => weexOrder(o, ctx.engine.instruments.get(o.symbol)!)));
}

/** GET /capi/v2/account/position/allPosition: every non-flat position. */
export function allPosition(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const rows = [...a.positions.values()]
    .filter((p) => !p.size.isZero())
    .sort((x, y) => (x.symbol < y.symbol ? -1 : 1))
    .map((p) => weexPosition(p, ctx.engine.instruments.get(p.symbol)!, ctx.engine.market.price(p.symbol, ctx.now), a.creds, true));
  return read(rows);
}

/** GET /capi/v2/account/position/singlePosition?symbol=: [] when flat [U]. */
export function singlePosition(ctx: WeexContext): WeexResult {
  const a = acct(ctx);
  const symbol = symbolParam(ctx, true)!;
  const p = a.positions.get(symbol);
  if (!p || p.size.isZero()) return read([]);
  return read([weexPosition(p, ctx.engine.instruments.get(symbol)!, ctx.engine.market.price(symbol, ctx.now), a.creds, false)]);
}

/** GET /capi/v2/market/time. */
export function time(ctx: WeexContext): WeexResult {
  return { data: { epoch: (ctx.now / 1000).toFixed(3), iso: new Date(ctx.now).toISOString(), timestamp: ctx.now }, read: false };
}

/** GET /capi/v2/market/ticker?symbol= (optional public extra) [U]. */
export function ticker(ctx: WeexContext): WeexResult {
  const symbol = symbolParam(ctx, true)!;
  const inst = ctx.engine.instruments.get(symbol)!;
  const m = ctx.engine.market;
  const last = m.price(symbol, ctx.now);
  const prev = m.raw(symbol, ctx.now - DAY);
  const d = inst.priceDecimals;
  return {
    data: {
      symbol: `cmt_${symbol.toLowerCase()}`,
      last: last.toFixed(d),
      best_ask: last.plus(inst.tickSize).toFixed(d),
      best_bid: last.minus(inst.tickSize).toFixed(d),
      high_24h: Math.max(prev, last.toNumber()).toFixed(d),
      low_24h: Math.min(prev, last.toNumber()).toFixed(d),
      volume_24h: m.path.volume(inst, ctx.now - DAY, DAY).toFixed(inst.qtyDecimals),
      timestamp: String(ctx.now),
      priceChangePercent: ((last.toNumber() - prev) / prev).toFixed(6),
      base_volume: m.path.volume(inst, ctx.now - DAY, DAY).toFixed(inst.qtyDecimals),
      markPrice: last.toFixed(d),
      indexPrice: last.toFixed(d),
    },
    read: false,
  };
}
