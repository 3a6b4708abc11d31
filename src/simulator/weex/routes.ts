import type { WeexHandler } from './context.js';
import { allPosition, current, detail, fills, history, singlePosition, ticker, time } from './read.js';
import { cancelOrder, placeOrder } from './trade.js';

export interface WeexRoute {
  method: 'GET' | 'POST';
  /** false for public market data. */
  signed: boolean;
  /** Weights against the per-IP and per-UID 10 s budgets. */
  ipWeight: number;
  uidWeight: number;
  /** Place/cancel: also capped per second. */
  order?: boolean;
  handler: WeexHandler;
}

/** Weights from the v2 doc pages; placeOrder/cancel_order weights are not documented [U]. */
export const WEEX_ROUTES: Record<string, WeexRoute> = {
  '/capi/v2/market/time': { method: 'GET', signed: false, ipWeight: 1, uidWeight: 0, handler: time },
  '/capi/v2/market/ticker': { method: 'GET', signed: false, ipWeight: 1, uidWeight: 0, handler: ticker },
  '/capi/v2/order/fills': { method: 'GET', signed: true, ipWeight: 5, uidWeight: 5, handler: fills },
  '/capi/v2/order/current': { method: 'GET', signed: true, ipWeight: 2, uidWeight: 2, handler: current },
  '/capi/v2/order/detail': { method: 'GET', signed: true, ipWeight: 2, uidWeight: 2, handler: detail },
  '/capi/v2/order/history': { method: 'GET', signed: true, ipWeight: 10, uidWeight: 10, handler: history },
  '/capi/v2/account/position/allPosition': { method: 'GET', signed: true, ipWeight: 10, uidWeight: 15, handler: allPosition },
  '/capi/v2/account/position/singlePosition': { method: 'GET', signed: true, ipWeight: 2, uidWeight: 3, handler: singlePosition },
  '/capi/v2/order/placeOrder': { method: 'POST', signed: true, ipWeight: 2, uidWeight: 5, order: true, handler: placeOrder },
  '/capi/v2/order/cancel_order': { method: 'POST', signed: true, ipWeight: 2, uidWeight: 3, order: true, handler: cancelOrder },
};
