import type { BybitHandler } from './context.js';
import { instrumentsInfo, kline, tickers, time } from './market-data.js';
import { executions } from './read-executions.js';
import { history, realtime } from './read-orders.js';
import { closedPnl, positions } from './read-positions.js';
import { cancel, cancelAll, create } from './trade.js';

export type RouteKind = 'public' | 'read' | 'write';

export interface Route {
  method: 'GET' | 'POST';
  kind: RouteKind;
  handler: BybitHandler;
}

/** Every path the Bybit front answers; anything else is a 404. */
export const ROUTES: Record<string, Route> = {
  '/v5/market/time': { method: 'GET', kind: 'public', handler: time },
  '/v5/market/instruments-info': { method: 'GET', kind: 'public', handler: instrumentsInfo },
  '/v5/market/tickers': { method: 'GET', kind: 'public', handler: tickers },
  '/v5/market/kline': { method: 'GET', kind: 'public', handler: kline },
  '/v5/order/realtime': { method: 'GET', kind: 'read', handler: realtime },
  '/v5/order/history': { method: 'GET', kind: 'read', handler: history },
  '/v5/execution/list': { method: 'GET', kind: 'read', handler: executions },
  '/v5/position/list': { method: 'GET', kind: 'read', handler: positions },
  '/v5/position/closed-pnl': { method: 'GET', kind: 'read', handler: closedPnl },
  '/v5/order/create': { method: 'POST', kind: 'write', handler: create },
  '/v5/order/cancel': { method: 'POST', kind: 'write', handler: cancel },
  '/v5/order/cancel-all': { method: 'POST', kind: 'write', handler: cancelAll },
};
