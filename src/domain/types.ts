/**
 * The common model every exchange adapter produces and the store and engine consume.
 * Quantities and prices are decimal strings (never JS floats); exchange ids are strings (WEEX ids
 * exceed 2^53); exchange times are integer milliseconds.
 */
export type ExchangeName = 'bybit' | 'weex';
export const EXCHANGES: readonly ExchangeName[] = ['bybit', 'weex'];

export type Side = 'Buy' | 'Sell';

/** Bybit's V5 status vocabulary is the common one; other exchanges map onto it. */
export type OrderStatus =
  | 'Untriggered'
  | 'New'
  | 'PartiallyFilled'
  | 'Triggered'
  | 'Filled'
  | 'Cancelled'
  | 'PartiallyFilledCanceled'
  | 'Rejected'
  | 'Deactivated';

export interface OrderReport {
  orderId: string;
  orderLinkId: string | null;
  symbol: string;
  side: Side;
  /** 'Limit' | 'Market' (other exchange types are mapped or kept verbatim). */
  orderType: string;
  price: string;
  qty: string;
  cumExecQty: string;
  cumExecValue: string;
  /** '0' when nothing filled. */
  avgPrice: string;
  /** Cumulative fee in the settle coin ('0' when unknown). */
  fee: string;
  status: OrderStatus;
  reduceOnly: boolean;
  createdTime: number;
  updatedTime: number;
  /** The exchange's object as received (stored as JSON). */
  raw: unknown;
}

/** Exec types that are not trades (funding, settlement) are kept apart from fills. */
export interface ExecutionReport {
  execId: string;
  orderId: string;
  orderLinkId: string | null;
  symbol: string;
  side: Side;
  price: string;
  qty: string;
  value: string;
  fee: string;
  feeCurrency: string;
  isMaker: boolean | null;
  /** 'Trade', 'Funding', 'AdlTrade', 'BustTrade', ... (Bybit vocabulary). */
  execType: string;
  execTime: number;
  raw: unknown;
}

export interface ClosedPnlReport {
  orderId: string;
  symbol: string;
  side: Side;
  qty: string;
  orderPrice: string;
  orderType: string;
  execType: string;
  closedSize: string;
  cumEntryValue: string;
  avgEntryPrice: string;
  cumExitValue: string;
  avgExitPrice: string;
  closedPnl: string;
  fillCount: number;
  leverage: string;
  openFee: string;
  closeFee: string;
  createdTime: number;
  updatedTime: number;
  raw: unknown;
}

export interface PositionReport {
  symbol: string;
  /** 0 one-way; 1 hedge long; 2 hedge short. */
  positionIdx: number;
  /** '' when flat. */
  side: Side | '';
  /** Always >= 0. */
  size: string;
  avgPrice: string;
  unrealisedPnl: string;
  /** Cumulative realised PnL. */
  realisedPnl: string;
  updatedTime: number;
  /** Exchange sequence tying fills to position updates; null when the exchange has none. */
  seq: string | null;
  raw: unknown;
}

/** Trade-like exec types count as fills; the rest (Funding, Settle, Delivery...) are kept apart. */
export const NON_FILL_EXEC_TYPES: ReadonlySet<string> = new Set(['Funding', 'Settle', 'Delivery', 'SessionSettlePnL', 'CorporateAction']);
export function isFill(execType: string): boolean {
  return !NON_FILL_EXEC_TYPES.has(execType);
}

export function isZero(decimal: string): boolean {
  return /^[-+]?0*(\.0*)?$/.test(decimal.trim()) || decimal.trim() === '';
}
