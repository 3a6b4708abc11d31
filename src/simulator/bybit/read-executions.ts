import type { SimExecution } from '../core/records.js';
import { accountOf, type BybitContext } from './context.js';
import { keyCursor, parseKeyCursor } from './cursor.js';
import { executionRow } from './format.js';
import { category, cursorParam, limit, oneOf, str } from './params.js';
import { inScope, symbolScope } from './read-orders.js';
import { timeWindow } from './window.js';

const EXEC_TYPES = ['Trade', 'AdlTrade', 'Funding', 'BustTrade', 'Delivery', 'Settle', 'BlockTrade', 'MovePosition', 'FutureSpread', 'CorporateAction', 'UNKNOWN'] as const;

/**
 * GET /v5/execution/list: newest execTime first. Rows sharing an execTime are real ties; the
 * page order among them follows insertion (the cursor needs a total order), clients must not
 * rely on it.
 */
export function executions(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = category(p);
  const acct = accountOf(ctx);
  const lim = limit(p, 1, 100, 50);
  const orderId = str(p, 'orderId');
  const orderLinkId = str(p, 'orderLinkId');
  const execType = oneOf(p, 'execType', EXEC_TYPES);
  const byId = Boolean(orderId || orderLinkId);
  const scope = cat === 'linear' && !byId ? symbolScope(ctx, p, false) : {};
  const win = timeWindow(p, ctx.now, ctx.behaviour.historyFloor);
  const before = parseKeyCursor('e', cursorParam(p));
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  const cutoff = ctx.now - ctx.faults.historyLagMs;
  let rows: SimExecution[];
  let more: boolean;
  if (byId) {
    // orderId/orderLinkId win; the other filters (time included) are ignored.
    const id = orderId ?? acct.byLinkId.get(orderLinkId!)?.orderId;
    const all = (id ? acct.execsByOrder.get(id) ?? [] : [])
      .filter((e) => e.execTime <= cutoff)
      .filter((e) => !before || e.execTime < before.t || (e.execTime === before.t && e.n < before.n))
      .sort((a, b) => b.execTime - a.execTime || b.n - a.n);
    rows = all.slice(0, lim);
    more = all.length > lim;
  } else {
    ({ rows, more } = acct.executions.pageDesc({
      start: win.start,
      end: Math.min(win.end, cutoff),
      before,
      limit: lim,
      filter: (e) => inScope(ctx, e.symbol, scope) && (!execType || e.execType === execType),
    }));
  }
  const last = rows[rows.length - 1];
  return {
    category: cat,
    list: rows.map(executionRow),
    nextPageCursor: more && last ? keyCursor('e', { t: last.execTime, n: last.n }) : '',
  };
}
