import type { OrderState, SimOrder } from '../core/records.js';
import { OPEN_STATUSES } from '../core/records.js';
import { compareKey } from '../core/sorted-log.js';
import { accountOf, type BybitContext } from './context.js';
import { keyCursor, parseKeyCursor } from './cursor.js';
import { paramError } from './envelope.js';
import { orderRow } from './format.js';
import { category, cursorParam, limit, oneOf, str, type Params } from './params.js';
import { timeWindow, DAY } from './window.js';

const ORDER_FILTERS = ['Order', 'StopOrder', 'tpslOrder', 'OcoOrder', 'BidirectionalTpslOrder'] as const;
const STATUSES = ['New', 'PartiallyFilled', 'Untriggered', 'Rejected', 'PartiallyFilledCanceled', 'Filled', 'Cancelled', 'Triggered', 'Deactivated'] as const;

interface SymbolScope {
  symbol?: string;
  baseCoin?: string;
  settleCoin?: string;
}

/** symbol / baseCoin / settleCoin; for linear one of them is required when `need` is set. */
export function symbolScope(ctx: BybitContext, p: Params, need: boolean): SymbolScope {
  const symbol = str(p, 'symbol');
  const baseCoin = str(p, 'baseCoin');
  const settleCoin = str(p, 'settleCoin');
  if (need && !symbol && !baseCoin && !settleCoin) throw paramError('params error: symbol, baseCoin or settleCoin is required for linear');
  // [U] Bybit's answer for an unknown symbol on reads; an error is the clearer choice.
  if (symbol && !ctx.engine.instruments.has(symbol)) throw paramError('params error: symbol invalid');
  // Symbol wins over the coins (lookup priority).
  return symbol ? { symbol } : baseCoin ? { baseCoin } : settleCoin ? { settleCoin } : {};
}

export function inScope(ctx: BybitContext, symbol: string, s: SymbolScope): boolean {
  if (s.symbol) return symbol === s.symbol;
  const inst = ctx.engine.instruments.get(symbol)!;
  if (s.baseCoin) return inst.baseCoin === s.baseCoin;
  if (s.settleCoin) return inst.settleCoin === s.settleCoin;
  return true;
}

function emptyList(cat: string) {
  return { category: cat, list: [], nextPageCursor: '' };
}

/** GET /v5/order/realtime: open orders, or with openOnly=1 the recent closed ones. */
export function realtime(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = category(p);
  const acct = accountOf(ctx);
  const lim = limit(p, 1, 50, 20);
  const orderId = str(p, 'orderId');
  const orderLinkId = str(p, 'orderLinkId');
  const openOnly = oneOf(p, 'openOnly', ['0', '1']) ?? '0';
  const filter = oneOf(p, 'orderFilter', ORDER_FILTERS);
  const scope = cat === 'linear' && !orderId && !orderLinkId ? symbolScope(ctx, p, true) : {};
  const before = parseKeyCursor('o', cursorParam(p));
  if (cat !== 'linear' || (filter && filter !== 'Order')) return emptyList(cat);
  const cacheSize = ctx.behaviour.closedOrderCacheSize;
  let candidates: SimOrder[];
  if (orderId || orderLinkId) {
    // By id: open or still in the closed cache, openOnly ignored.
    const o = orderId ? acct.byOrderId.get(orderId) : acct.byLinkId.get(orderLinkId!);
    const visible = o && (OPEN_STATUSES.has(o.status) || acct.recentClosed(cacheSize).includes(o));
    candidates = visible ? [o] : [];
  } else if (openOnly === '0') {
    candidates = [...acct.open.values()];
  } else {
    candidates = [...acct.recentClosed(cacheSize)];
  }
  const rows = candidates
    .filter((o) => inScope(ctx, o.symbol, scope))
    .filter((o) => !before || compareKey({ t: o.createdTime, n: o.n }, before) < 0)
    .sort((a, b) => b.createdTime - a.createdTime || b.n - a.n);
  const page = rows.slice(0, lim);
  const last = page[page.length - 1];
  return {
    category: cat,
    list: page.map((o) => orderRow(o, ctx.engine.instruments.get(o.symbol)!)),
    nextPageCursor: rows.length > lim && last ? keyCursor('o', { t: last.createdTime, n: last.n }) : '',
  };
}

/** The order as history shows it `lag` ms late: null when it had not been written yet. */
export function stateAsOf(o: SimOrder, cutoff: number): OrderState | null {
  if (o.createdTime > cutoff) return null;
  if (o.updatedTime <= cutoff) return o;
  const vs = o.versions ?? [];
  for (let i = vs.length - 1; i >= 0; i--) if (vs[i]!.at <= cutoff) return vs[i]!;
  return vs[0] ?? null;
}

/**
 * Retention: unfilled Cancelled/Rejected/Deactivated orders show for 24 hours only; after
 * 7 days only orders with fills remain (which the first rule already implies for ours).
 */
function retained(state: OrderState, now: number): boolean {
  const terminalUnfilled = (state.status === 'Cancelled' || state.status === 'Rejected') && state.cumExecQty.isZero();
  return !terminalUnfilled || state.updatedTime >= now - DAY;
}

/** GET /v5/order/history. */
export function history(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = category(p);
  const acct = accountOf(ctx);
  const lim = limit(p, 1, 50, 20);
  const orderId = str(p, 'orderId');
  const orderLinkId = str(p, 'orderLinkId');
  const filter = oneOf(p, 'orderFilter', ORDER_FILTERS);
  const status = oneOf(p, 'orderStatus', STATUSES);
  const scope = cat === 'linear' ? symbolScope(ctx, p, false) : {};
  const win = timeWindow(p, ctx.now, ctx.behaviour.historyFloor);
  const before = parseKeyCursor('h', cursorParam(p));
  if (cat !== 'linear' || (filter && filter !== 'Order')) return emptyList(cat);
  const cutoff = ctx.now - ctx.faults.historyLagMs;
  const visible = (o: SimOrder): OrderState | null => {
    const st = stateAsOf(o, cutoff);
    if (!st || !retained(st, ctx.now)) return null;
    if (!ctx.behaviour.historyIncludesOpen && OPEN_STATUSES.has(st.status)) return null;
    if (status && st.status !== status) return null;
    return st;
  };
  if (orderId || orderLinkId) {
    // By id the time window is ignored (lookup priority), retention still applies.
    const o = orderId ? acct.byOrderId.get(orderId) : acct.byLinkId.get(orderLinkId!);
    const st = o && o.createdTime >= ctx.now - 730 * DAY ? visible(o) : null;
    return { category: cat, list: o && st ? [orderRow(o, ctx.engine.instruments.get(o.symbol)!, st, true)] : [], nextPageCursor: '' };
  }
  const states = new Map<SimOrder, OrderState>();
  const { rows, more } = acct.orders.pageDesc({
    start: win.start,
    end: win.end,
    before,
    limit: lim,
    filter: (o) => {
      if (!inScope(ctx, o.symbol, scope)) return false;
      const st = visible(o);
      if (st) states.set(o, st);
      return st !== null;
    },
  });
  const last = rows[rows.length - 1];
  return {
    category: cat,
    list: rows.map((o) => orderRow(o, ctx.engine.instruments.get(o.symbol)!, states.get(o), true)),
    nextPageCursor: more && last ? keyCursor('h', { t: last.createdTime, n: last.n }) : '',
  };
}
