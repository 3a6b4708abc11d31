import { Decimal } from 'decimal.js';
import type { ExecutionReport, OrderReport, OrderStatus, PositionReport, Side } from '../../domain/types.js';
import { isZero } from '../../domain/types.js';
import { fromWeexSymbol, settleCoinOf } from './symbols.js';
import { asObject, dec, idOf, malformed, ms, optionalString, str, type Wire } from './wire.js';

/**
 * WEEX v2 wire objects -> the common (Bybit-vocabulary) reports (exchange-apis.md B.4).
 * Quantities stay decimal strings; derived values (fill price, order value, entry price) are
 * computed with decimal.js, never floats.
 */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
/** Quotients that do not terminate (100 / 3) are cut to this many significant digits. */
const QUOTIENT_DIGITS = 20;

function quotient(a: string, b: string): string {
  return new D(a).dividedBy(b).abs().toSignificantDigits(QUOTIENT_DIGITS).toFixed();
}

/** Read-side `type` strings, and the numeric codes 1..10 of the plan-order endpoints (B.4.6). */
const ORDER_TYPES: Record<string, { side: Side; reduceOnly: boolean }> = {
  open_long: { side: 'Buy', reduceOnly: false },
  open_short: { side: 'Sell', reduceOnly: false },
  close_long: { side: 'Sell', reduceOnly: true },
  close_short: { side: 'Buy', reduceOnly: true },
  offset_liquidate_long: { side: 'Sell', reduceOnly: true },
  offset_liquidate_short: { side: 'Buy', reduceOnly: true },
  agreement_close_long: { side: 'Sell', reduceOnly: true },
  agreement_close_short: { side: 'Buy', reduceOnly: true },
  burst_liquidate_long: { side: 'Sell', reduceOnly: true },
  burst_liquidate_short: { side: 'Buy', reduceOnly: true },
};
const NUMERIC_TYPES = ['', 'open_long', 'open_short', 'close_long', 'close_short', 'offset_liquidate_long', 'offset_liquidate_short', 'agreement_close_long', 'agreement_close_short', 'burst_liquidate_long', 'burst_liquidate_short'];

export function orderTypeOf(v: unknown): { side: Side; reduceOnly: boolean } {
  const key = typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? NUMERIC_TYPES[Number(v)] : typeof v === 'string' ? v.toLowerCase() : undefined;
  const t = key ? ORDER_TYPES[key] : undefined;
  if (!t) throw malformed(`order type ${JSON.stringify(v)}`);
  return t;
}

/**
 * V2 has no "partially filled" status: `open` (and `pending`, `canceling`) orders are split by
 * filled_qty. `canceling` is still open: the cancel may yet lose to a fill.
 */
export function statusOf(status: unknown, filledQty: string): OrderStatus {
  const filled = !isZero(filledQty);
  switch (typeof status === 'string' ? status.toLowerCase() : status) {
    case 'pending':
    case 'open':
    case 'canceling':
    case 'cancelling':
      return filled ? 'PartiallyFilled' : 'New';
    case 'filled':
      return 'Filled';
    case 'canceled':
    case 'cancelled':
      return 'Cancelled';
    case 'untriggered':
      return 'Untriggered';
    default:
      throw malformed(`order status ${JSON.stringify(status)}`);
  }
}

export function mapOrder(raw: unknown): OrderReport {
  const o = asObject(raw, 'order');
  const { side, reduceOnly } = orderTypeOf(o.type);
  const filled = dec(o.filled_qty, 'filled_qty');
  const avg = dec(o.price_avg, 'price_avg');
  const price = dec(o.price, 'price');
  // One doc table spells the first field `Symbol` [U].
  const created = ms(o.createTime ?? o.create_time, 'createTime');
  return {
    orderId: idOf(o.order_id ?? o.orderId, 'order_id'),
    orderLinkId: optionalString(o.client_oid),
    symbol: commonSymbol(o.symbol ?? o.Symbol),
    side,
    // Read objects carry no limit/market flag (match_price exists only on placement); the doc
    // example of a market order shows price "0.0", so a zero price reads as Market [U].
    orderType: isZero(price) ? 'Market' : 'Limit',
    price,
    qty: dec(o.size, 'size'),
    cumExecQty: filled,
    cumExecValue: isZero(filled) || isZero(avg) ? '0' : new D(filled).times(avg).toFixed(),
    avgPrice: isZero(filled) ? '0' : avg,
    fee: dec(o.fee, 'fee'),
    status: statusOf(o.status, filled),
    reduceOnly,
    createdTime: created,
    // V2 order objects have no update time; keep one if a future answer carries it.
    updatedTime: o.updateTime !== undefined ? ms(o.updateTime, 'updateTime') : created,
    raw,
  };
}

/** direction values (OPEN_LONG, CLOSE_SHORT, ...) -> the side of the order that filled. */
function sideOfDirection(v: unknown): Side | null {
  if (typeof v !== 'string') return null;
  const d = v.toUpperCase();
  const long = d.includes('LONG');
  const short = d.includes('SHORT');
  if (long === short) return null;
  const opens = d.includes('OPEN');
  const closes = d.includes('CLOSE') || d.includes('LIQUIDAT') || d.includes('BURST') || d.includes('REDUCE');
  if (opens === closes) return null;
  return opens === long ? 'Buy' : 'Sell';
}

/**
 * Liquidation and ADL fills in Bybit's words. The full liquidateType/direction enums are not
 * documented [U]; only values that clearly say so are mapped, everything else is a 'Trade'.
 */
export function execTypeOf(f: Wire): string {
  const text = `${typeof f.liquidateType === 'string' ? f.liquidateType : ''} ${typeof f.direction === 'string' ? f.direction : ''}`.toUpperCase();
  if (/\bADL\b|DELEVERAG|AGREEMENT/.test(text)) return 'AdlTrade';
  if (/FORCE_LIQUIDAT|BURST|BANKRUPT/.test(text)) return 'BustTrade';
  return 'Trade';
}

export function mapFill(raw: unknown): ExecutionReport {
  const f = asObject(raw, 'fill');
  const symbol = commonSymbol(f.symbol);
  const qty = dec(f.fillSize, 'fillSize');
  const value = dec(f.fillValue, 'fillValue');
  const os = typeof f.orderSide === 'string' ? f.orderSide.toUpperCase() : '';
  const side: Side | null = os === 'BUY' ? 'Buy' : os === 'SELL' ? 'Sell' : sideOfDirection(f.direction);
  if (!side) throw malformed(`fill side (orderSide ${JSON.stringify(f.orderSide)}, direction ${JSON.stringify(f.direction)})`);
  // `liquidateFee` carries "MAKER" in the doc example: read it as the maker flag only when it
  // says so plainly [U].
  const lf = typeof f.liquidateFee === 'string' ? f.liquidateFee.toUpperCase() : '';
  return {
    execId: idOf(f.tradeId, 'tradeId'),
    orderId: idOf(f.orderId, 'orderId'),
    orderLinkId: null,
    symbol,
    side,
    // There is no price field in V2 fills: price = fillValue / fillSize.
    price: isZero(qty) ? '0' : quotient(value, qty),
    qty,
    value,
    fee: dec(f.fillFee, 'fillFee'),
    feeCurrency: settleCoinOf(symbol),
    isMaker: lf === 'MAKER' ? true : lf === 'TAKER' ? false : null,
    execType: execTypeOf(f),
    execTime: ms(f.createdTime, 'createdTime'),
    raw,
  };
}

/**
 * Positions are hedge-style, one row per (symbol, side): positionIdx 1 long, 2 short. The entry
 * price is not a field: open_value / size [U].
 */
export function mapPosition(raw: unknown): PositionReport {
  const p = asObject(raw, 'position');
  const sideText = typeof p.side === 'string' ? p.side.toUpperCase() : '';
  if (sideText !== 'LONG' && sideText !== 'SHORT') throw malformed(`position side ${JSON.stringify(p.side)}`);
  const size = dec(p.size, 'size');
  const flat = isZero(size);
  const openValue = dec(p.open_value, 'open_value');
  const updated = p.updated_time ?? p.created_time;
  const seq = optionalString(p.updated_match_sequence_id);
  return {
    symbol: commonSymbol(p.symbol),
    positionIdx: sideText === 'LONG' ? 1 : 2,
    side: flat ? '' : sideText === 'LONG' ? 'Buy' : 'Sell',
    size: size.replace(/^-/, ''),
    avgPrice: flat ? '0' : quotient(openValue, size),
    unrealisedPnl: dec(p.unrealizePnl, 'unrealizePnl'),
    // V2 positions carry no realised PnL field; '0' means unknown here (fills carry realizePnl).
    realisedPnl: '0',
    updatedTime: updated === undefined || updated === null || updated === '' ? 0 : ms(updated, 'updated_time'),
    seq,
    raw,
  };
}

/** The row position() reports for a side WEEX did not list: flat. */
export function flatPosition(symbol: string, positionIdx: 1 | 2): PositionReport {
  return { symbol, positionIdx, side: '', size: '0', avgPrice: '0', unrealisedPnl: '0', realisedPnl: '0', updatedTime: 0, seq: null, raw: null };
}

function commonSymbol(v: unknown): string {
  const s = fromWeexSymbol(str(v, 'symbol'));
  if (!s) throw malformed(`symbol ${JSON.stringify(v)}`);
  return s;
}
