import { Decimal } from 'decimal.js';
import { isKnownStatus } from '../../domain/order-status.js';
import type { ClosedPnlReport, ExecutionReport, OrderReport, OrderStatus, PositionReport, Side } from '../../domain/types.js';
import { ExchangeUnavailableError } from '../../errors.js';

/**
 * Bybit V5 wire objects -> normalized reports (exchange-apis.md A.4, A.6). REST and WS share
 * the order and execution shapes; positions differ (REST `avgPrice`, WS `entryPrice`).
 * A row that cannot be read (unknown status, bad time) is a malformed answer: it throws
 * ExchangeUnavailableError, so the caller retries rather than storing a guess.
 */
type Wire = Record<string, unknown>;

export function mapOrder(raw: unknown): OrderReport {
  const o = asObject(raw, 'order');
  return {
    orderId: idOf(o, 'orderId'),
    orderLinkId: optionalId(o.orderLinkId),
    symbol: str(o, 'symbol'),
    side: sideOf(o, 'side'),
    orderType: str(o, 'orderType'),
    price: dec(o.price),
    qty: dec(o.qty),
    cumExecQty: dec(o.cumExecQty),
    cumExecValue: dec(o.cumExecValue),
    avgPrice: dec(o.avgPrice),
    fee: orderFee(o),
    status: statusOf(o.orderStatus),
    reduceOnly: o.reduceOnly === true,
    createdTime: ms(o, 'createdTime'),
    updatedTime: ms(o, 'updatedTime'),
    raw,
  };
}

/** Funding (and other non-trade) rows stay executions with their execType; the store splits them. */
export function mapExecution(raw: unknown): ExecutionReport {
  const e = asObject(raw, 'execution');
  return {
    execId: idOf(e, 'execId'),
    orderId: typeof e.orderId === 'string' ? e.orderId : '',
    orderLinkId: optionalId(e.orderLinkId),
    symbol: str(e, 'symbol'),
    side: sideOf(e, 'side'),
    price: dec(e.execPrice),
    qty: dec(e.execQty),
    value: dec(e.execValue),
    fee: dec(e.execFee),
    feeCurrency: typeof e.feeCurrency === 'string' ? e.feeCurrency : '',
    isMaker: typeof e.isMaker === 'boolean' ? e.isMaker : null,
    execType: str(e, 'execType'),
    execTime: ms(e, 'execTime'),
    raw,
  };
}

export function mapClosedPnl(raw: unknown): ClosedPnlReport {
  const c = asObject(raw, 'closed-pnl row');
  return {
    orderId: idOf(c, 'orderId'),
    symbol: str(c, 'symbol'),
    side: sideOf(c, 'side'),
    qty: dec(c.qty),
    orderPrice: dec(c.orderPrice),
    orderType: typeof c.orderType === 'string' ? c.orderType : '',
    execType: typeof c.execType === 'string' && c.execType !== '' ? c.execType : 'Trade',
    closedSize: dec(c.closedSize),
    cumEntryValue: dec(c.cumEntryValue),
    avgEntryPrice: dec(c.avgEntryPrice),
    cumExitValue: dec(c.cumExitValue),
    avgExitPrice: dec(c.avgExitPrice),
    closedPnl: dec(c.closedPnl),
    fillCount: intOf(c.fillCount, 'fillCount'),
    leverage: dec(c.leverage),
    openFee: dec(c.openFee),
    closeFee: dec(c.closeFee),
    createdTime: ms(c, 'createdTime'),
    updatedTime: ms(c, 'updatedTime'),
    raw,
  };
}

/** `source`: REST rows carry the entry price in `avgPrice`, WS pushes in `entryPrice`. */
export function mapPosition(raw: unknown, source: 'rest' | 'ws'): PositionReport {
  const p = asObject(raw, 'position');
  const side = p.side;
  if (side !== 'Buy' && side !== 'Sell' && side !== '' && side !== 'None') throw malformed(`position side ${JSON.stringify(side)}`);
  const entry = source === 'ws' ? (p.entryPrice ?? p.avgPrice) : (p.avgPrice ?? p.entryPrice);
  const seq = p.seq;
  return {
    symbol: str(p, 'symbol'),
    positionIdx: typeof p.positionIdx === 'number' ? p.positionIdx : intOf(p.positionIdx ?? 0, 'positionIdx'),
    side: side === 'None' ? '' : side,
    size: dec(p.size),
    avgPrice: dec(entry),
    unrealisedPnl: dec(p.unrealisedPnl),
    realisedPnl: dec(p.cumRealisedPnl),
    // A flat position that never traded may carry an empty updatedTime.
    updatedTime: p.updatedTime === '' || p.updatedTime === undefined ? 0 : ms(p, 'updatedTime'),
    seq: typeof seq === 'number' || (typeof seq === 'string' && seq !== '') ? String(seq) : null,
    raw,
  };
}

/**
 * Linear `cumExecFee` is deprecated (A.4.1); the total sits in `cumFeeDetail` keyed by fee coin.
 * Linear contracts charge in the settle coin, so the coins' sum is the order's fee.
 */
export function orderFee(o: Wire): string {
  const detail = o.cumFeeDetail;
  if (detail && typeof detail === 'object' && !Array.isArray(detail)) {
    const values = Object.values(detail as Record<string, unknown>);
    if (values.length > 0) {
      let sum = new Decimal(0);
      for (const v of values) sum = sum.plus(decimalOf(v, 'cumFeeDetail'));
      return sum.toFixed();
    }
  }
  return dec(o.cumExecFee);
}

export function statusOf(s: unknown): OrderStatus {
  if (typeof s === 'string' && isKnownStatus(s)) return s;
  throw malformed(`order status ${JSON.stringify(s)}`);
}

/** Decimal strings pass through untouched; Bybit's "" (nothing yet) becomes "0". */
function dec(v: unknown): string {
  if (v === undefined || v === null || v === '') return '0';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw malformed(`decimal ${JSON.stringify(v)}`);
}

function decimalOf(v: unknown, field: string): Decimal {
  try {
    return new Decimal(dec(v));
  } catch {
    throw malformed(`${field} value ${JSON.stringify(v)}`);
  }
}

function ms(o: Wire, field: string): number {
  const v = o[field];
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw malformed(`${field} ${JSON.stringify(v)}`);
  return n;
}

function intOf(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw malformed(`${field} ${JSON.stringify(v)}`);
  return n;
}

function str(o: Wire, field: string): string {
  const v = o[field];
  if (typeof v !== 'string') throw malformed(`${field} ${JSON.stringify(v)}`);
  return v;
}

function idOf(o: Wire, field: string): string {
  const v = o[field];
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw malformed(`${field} ${JSON.stringify(v)}`);
}

function optionalId(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function sideOf(o: Wire, field: string): Side {
  const v = o[field];
  if (v === 'Buy' || v === 'Sell') return v;
  throw malformed(`${field} ${JSON.stringify(v)}`);
}

function asObject(v: unknown, what: string): Wire {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Wire;
  throw malformed(`${what} is not an object`);
}

function malformed(what: string): ExchangeUnavailableError {
  return new ExchangeUnavailableError(`bybit: unreadable ${what}`);
}
