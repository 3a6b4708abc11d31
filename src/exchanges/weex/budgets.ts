import type { BudgetSpec } from '../adapter.js';

/** The WEEX v2 paths the adapter calls; they double as the gate's endpoint names. */
export const WEEX_PATHS = {
  fills: '/capi/v2/order/fills',
  openOrders: '/capi/v2/order/current',
  orderDetail: '/capi/v2/order/detail',
  orderHistory: '/capi/v2/order/history',
  allPositions: '/capi/v2/account/position/allPosition',
  singlePosition: '/capi/v2/account/position/singlePosition',
  placeOrder: '/capi/v2/order/placeOrder',
  cancelOrder: '/capi/v2/order/cancel_order',
} as const;

export type WeexEndpoint = (typeof WEEX_PATHS)[keyof typeof WEEX_PATHS];

export const WEEX_WINDOW_MS = 10_000;

/**
 * exchange-apis.md B.4 / B.5: every endpoint weighs on an IP budget and a UID budget, counted
 * independently per 10 s (500 or 1000 per window: the copies of WEEX's limits page disagree, so
 * it is a switch). Place and cancel are also capped at 10 requests/s. Weights "IP / UID":
 * fills 5/5, current 2/2, detail 2/2, history 10/10, allPosition 10/15, singlePosition 2/3,
 * placeOrder 2/5, cancel_order 2/3 (the last two from WEEX's trade pages).
 * A fresh object per call: callers may adjust their copy.
 */
export function weexBudgets(windowLimit: 500 | 1000 = 500): BudgetSpec {
  const w = (ip: number, uid: number, orders = false): Record<string, number> => (orders ? { ip, uid, orders: 1 } : { ip, uid });
  return {
    buckets: {
      ip: { scope: 'ip', limit: windowLimit, windowMs: WEEX_WINDOW_MS },
      uid: { scope: 'account', limit: windowLimit, windowMs: WEEX_WINDOW_MS },
      orders: { scope: 'account', limit: 10, windowMs: 1_000 },
    },
    endpoints: {
      [WEEX_PATHS.fills]: w(5, 5),
      [WEEX_PATHS.openOrders]: w(2, 2),
      [WEEX_PATHS.orderDetail]: w(2, 2),
      [WEEX_PATHS.orderHistory]: w(10, 10),
      [WEEX_PATHS.allPositions]: w(10, 15),
      [WEEX_PATHS.singlePosition]: w(2, 3),
      [WEEX_PATHS.placeOrder]: w(2, 5, true),
      [WEEX_PATHS.cancelOrder]: w(2, 3, true),
    },
  };
}
