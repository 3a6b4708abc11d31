import { accountOf, type BybitContext } from './context.js';
import { keyCursor, nameCursor, parseKeyCursor, parseNameCursor } from './cursor.js';
import { paramError } from './envelope.js';
import { closedPnlRow, positionRow } from './format.js';
import { category, cursorParam, limit, str } from './params.js';
import { timeWindow } from './window.js';

/**
 * GET /v5/position/list. For linear, symbol or settleCoin is required (symbol wins). By symbol
 * the row comes back even when flat; by settleCoin only positions with size > 0.
 */
export function positions(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = category(p, ['linear', 'inverse', 'option']);
  const acct = accountOf(ctx);
  const lim = limit(p, 1, 200, 20);
  const symbol = str(p, 'symbol');
  const settleCoin = str(p, 'settleCoin');
  const after = parseNameCursor('p', cursorParam(p));
  if (cat === 'linear' && !symbol && !settleCoin) throw paramError('params error: symbol or settleCoin is required');
  if (symbol && !ctx.engine.instruments.has(symbol)) throw paramError('params error: symbol invalid');
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  let symbols: string[];
  if (symbol) symbols = [symbol];
  else {
    symbols = [...acct.positions.values()]
      .filter((x) => !x.size.isZero() && ctx.engine.instruments.get(x.symbol)!.settleCoin === settleCoin)
      .map((x) => x.symbol)
      .sort();
  }
  if (after) symbols = symbols.filter((s) => s > after);
  const page = symbols.slice(0, lim);
  return {
    category: cat,
    list: page.map((s) => positionRow(acct.position(s, ctx.now), ctx.engine.instruments.get(s)!, ctx.engine.market.price(s, ctx.now))),
    nextPageCursor: symbols.length > lim ? nameCursor('p', page[page.length - 1]!) : '',
  };
}

/** GET /v5/position/closed-pnl: one row per closing order, newest first. */
export function closedPnl(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = category(p, ['linear', 'inverse']);
  const acct = accountOf(ctx);
  const lim = limit(p, 1, 100, 50);
  const symbol = str(p, 'symbol');
  if (symbol && !ctx.engine.instruments.has(symbol)) throw paramError('params error: symbol invalid');
  const win = timeWindow(p, ctx.now, ctx.behaviour.historyFloor);
  const before = parseKeyCursor('c', cursorParam(p));
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  const cutoff = ctx.now - ctx.faults.historyLagMs;
  const { rows, more } = acct.closedPnl.pageDesc({
    start: win.start,
    end: Math.min(win.end, cutoff),
    before,
    limit: lim,
    filter: symbol ? (c) => c.symbol === symbol : undefined,
  });
  const last = rows[rows.length - 1];
  return {
    category: cat,
    list: rows.map(closedPnlRow),
    nextPageCursor: more && last ? keyCursor('c', { t: last.createdTime, n: last.n }) : '',
  };
}
