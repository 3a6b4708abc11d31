import type { BudgetSpec } from '../adapter.js';

/** The Bybit V5 paths the adapter calls; they double as the gate's endpoint names. */
export const BYBIT_PATHS = {
  openOrders: '/v5/order/realtime',
  orderHistory: '/v5/order/history',
  executions: '/v5/execution/list',
  closedPnl: '/v5/position/closed-pnl',
  positions: '/v5/position/list',
  placeOrder: '/v5/order/create',
  cancelOrder: '/v5/order/cancel',
  cancelAll: '/v5/order/cancel-all',
} as const;

export type BybitEndpoint = (typeof BYBIT_PATHS)[keyof typeof BYBIT_PATHS];

const READS: BybitEndpoint[] = [BYBIT_PATHS.openOrders, BYBIT_PATHS.orderHistory, BYBIT_PATHS.executions, BYBIT_PATHS.closedPnl, BYBIT_PATHS.positions];
const WRITES: BybitEndpoint[] = [BYBIT_PATHS.placeOrder, BYBIT_PATHS.cancelOrder, BYBIT_PATHS.cancelAll];

/**
 * exchange-apis.md A.5: every request counts against the egress IP (600 per 5 s; exceeding it
 * earns a 10-minute ban, so this bucket must never be overrun), and against a per-UID bucket of
 * its own endpoint (1 s rolling: 50 for the reads, 10 for linear create/cancel/cancel-all).
 * A fresh object per call: callers may adjust their copy.
 */
export function bybitBudgets(): BudgetSpec {
  const buckets: BudgetSpec['buckets'] = { ip: { scope: 'ip', limit: 600, windowMs: 5_000 } };
  const endpoints: BudgetSpec['endpoints'] = {};
  for (const [paths, limit] of [[READS, 50], [WRITES, 10]] as const) {
    for (const path of paths) {
      const bucket = `account:${path}`;
      buckets[bucket] = { scope: 'account', limit, windowMs: 1_000 };
      endpoints[path] = { ip: 1, [bucket]: 1 };
    }
  }
  return { buckets, endpoints };
}
