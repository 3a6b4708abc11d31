import type { Dec } from './decimal.js';

/**
 * The simulator's own records. Field names follow Bybit V5 where a name is needed (it is the
 * richer of the two wire formats); the fronts render them into each exchange's shape.
 * `n` is a process-wide insertion number: the tie-breaker that makes keyset cursors total
 * even when many rows share a timestamp.
 */

export type Side = 'Buy' | 'Sell';
export type OrderType = 'Limit' | 'Market';
export type TimeInForce = 'GTC' | 'IOC' | 'FOK' | 'PostOnly';
export type OrderStatus = 'New' | 'PartiallyFilled' | 'Filled' | 'Cancelled' | 'Rejected';

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['New', 'PartiallyFilled']);

/** The parts of an order that change over its life (kept per version for the history lag). */
export interface OrderState {
  status: OrderStatus;
  leavesQty: Dec;
  cumExecQty: Dec;
  cumExecValue: Dec;
  cumExecFee: Dec;
  cancelType: string;
  rejectReason: string;
  updatedTime: number;
}

export interface SimOrder extends OrderState {
  n: number;
  /** Bumped on every change; lets the fronts cache rendered rows (reads far outnumber changes). */
  rev: number;
  accountId: string;
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: Side;
  orderType: OrderType;
  timeInForce: TimeInForce;
  price: Dec;
  /** Numeric copy of price for book comparisons. */
  px: number;
  qty: Dec;
  reduceOnly: boolean;
  createType: string;
  lastPriceOnCreated: Dec;
  createdTime: number;
  /** Accumulated over the fills that closed position (for the closed-PnL row). */
  close: { size: Dec; entryValue: Dec; exitValue: Dec; openFee: Dec; closeFee: Dec; fills: number };
  /** Closed PnL of the order once written (WS `closedPnl`). */
  closedPnl?: Dec;
  /** Earlier states, oldest first, for `historyLagMs` (history shows the state as of now-lag). */
  versions?: (OrderState & { at: number })[];
  /** Last time anything about the order changed (ground truth). */
  changedAt: number;
}

export type ExecType = 'Trade' | 'Funding';

/** Executions never change after they are written, so they hold printed strings. */
export interface SimExecution {
  n: number;
  accountId: string;
  execId: string;
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: Side;
  orderPrice: string;
  orderQty: string;
  leavesQty: string;
  orderType: OrderType | 'UNKNOWN';
  createType: string;
  execType: ExecType;
  execPrice: string;
  execQty: string;
  execValue: string;
  execFee: string;
  feeRate: string;
  isMaker: boolean;
  execTime: number;
  markPrice: string;
  closedSize: string;
  /** Gross PnL of the closed part (WS `execPnl`). */
  execPnl: string;
  seq: number;
  changedAt: number;
}

export interface SimClosedPnl {
  n: number;
  accountId: string;
  symbol: string;
  orderId: string;
  side: Side;
  qty: string;
  orderPrice: string;
  orderType: OrderType;
  execType: 'Trade';
  closedSize: string;
  cumEntryValue: string;
  avgEntryPrice: string;
  cumExitValue: string;
  avgExitPrice: string;
  closedPnl: string;
  fillCount: string;
  leverage: string;
  openFee: string;
  closeFee: string;
  createdTime: number;
  updatedTime: number;
  changedAt: number;
}

/** Totals since the position last opened from flat (WEEX prints them as cum_* fields). */
export interface PositionTotals {
  openSize: Dec;
  openValue: Dec;
  openFee: Dec;
  closeSize: Dec;
  closeValue: Dec;
  closeFee: Dec;
  fundingFee: Dec;
}

export interface SimPosition {
  accountId: string;
  symbol: string;
  /** Id of the current holding (new each time it opens from flat); '' before the first. */
  posId: string;
  totals: PositionTotals;
  /** seq of the execution that opened the current holding. */
  openSeq: number;
  /** Signed: > 0 long, < 0 short. */
  size: Dec;
  avgPrice: Dec;
  /** Entry fees of the part still open; a share moves into each closed-PnL row. */
  openFee: Dec;
  cumRealisedPnl: Dec;
  curRealisedPnl: Dec;
  leverage: string;
  /** -1 until the first execution. */
  seq: number;
  createdTime: number;
  updatedTime: number;
  openTime: number;
  changedAt: number;
}

/** One entry of the ground-truth change journal. */
export interface JournalEntry {
  seq: number;
  at: number;
  accountId: string;
  kind: 'order' | 'execution' | 'position' | 'closedPnl';
  id: string;
  change: string;
  status?: string;
}
