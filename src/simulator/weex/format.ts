import { fixed, plain, ZERO, type Dec } from '../core/decimal.js';
import { fmtPrice, type Instrument } from '../core/instruments.js';
import { unrealisedPnl } from '../core/position-math.js';
import type { SimClosedPnl, SimExecution, SimOrder, SimPosition } from '../core/records.js';
import { RawNumber } from '../http/json.js';
import { toWeexSymbol } from './symbols.js';

/**
 * WEEX v2 shapes. Read endpoints print strings for quantities and prices; fills carry their ids
 * as JSON numbers (int64, above 2^53: written as raw literals), orders as strings.
 */

/** Quantities print with 6 decimals at least, as in WEEX's examples ("0.010000"). */
function qty(d: Dec, inst: Instrument): string {
  return fixed(d, Math.max(6, inst.qtyDecimals));
}

/** [O] `contracts` in WEEX's order-detail example is the size in millionths. */
function contracts(d: Dec): number {
  return d.times(1_000_000).round().toNumber();
}

export function weexStatus(o: SimOrder): string {
  switch (o.status) {
    case 'New':
    case 'PartiallyFilled':
      return 'open';
    case 'Filled':
      return 'filled';
    default:
      return 'canceled';
  }
}

/** One-way core orders in WEEX's open/close vocabulary. */
export function weexType(o: { side: string; reduceOnly: boolean }): string {
  if (o.reduceOnly) return o.side === 'Sell' ? 'close_long' : 'close_short';
  return o.side === 'Buy' ? 'open_long' : 'open_short';
}

function weexOrderType(o: SimOrder): string {
  switch (o.timeInForce) {
    case 'PostOnly':
      return 'postOnly';
    case 'FOK':
      return 'fok';
    case 'IOC':
      return 'ioc';
    default:
      return 'normal';
  }
}

export function weexOrder(o: SimOrder, inst: Instrument): Record<string, unknown> {
  const filled = o.cumExecQty.gt(0);
  return {
    symbol: toWeexSymbol(o.symbol),
    size: qty(o.qty, inst),
    client_oid: o.orderLinkId,
    createTime: String(o.createdTime),
    filled_qty: qty(o.cumExecQty, inst),
    fee: o.cumExecFee.toFixed(8),
    order_id: o.orderId,
    price: o.orderType === 'Market' ? '0.0' : fmtPrice(o.price, inst),
    price_avg: filled ? plain(o.cumExecValue.div(o.cumExecQty), inst.priceDecimals + 4) : '0',
    status: weexStatus(o),
    type: weexType(o),
    order_type: weexOrderType(o),
    totalProfits: o.closedPnl ? plain(o.closedPnl, 8) : '0',
    contracts: contracts(o.qty),
    filledQtyContracts: contracts(o.cumExecQty),
    presetTakeProfitPrice: null,
    presetStopLossPrice: null,
  };
}

/** A fill as /capi/v2/order/fills prints it; `raw` ids as JSON numbers, else as strings (truth). */
export function weexFill(e: SimExecution, raw = true): Record<string, unknown> {
  const closing = e.closedSize !== '0' && Number(e.closedSize) > 0;
  // Closing a long is a sell; the position side is the one being opened or closed.
  const positionSide = closing ? (e.side === 'Sell' ? 'LONG' : 'SHORT') : e.side === 'Buy' ? 'LONG' : 'SHORT';
  const direction = `${closing ? 'CLOSE' : 'OPEN'}_${positionSide}`;
  return {
    tradeId: raw ? new RawNumber(e.execId) : e.execId,
    orderId: raw ? new RawNumber(e.orderId) : e.orderId,
    symbol: toWeexSymbol(e.symbol),
    marginMode: 'SHARED',
    separatedMode: 'COMBINED',
    positionSide,
    orderSide: e.side === 'Buy' ? 'BUY' : 'SELL',
    fillSize: e.execQty,
    fillValue: e.execValue,
    fillFee: e.execFee,
    // [U] documented as the closing fee, but the doc example holds a maker/taker flag.
    liquidateFee: e.isMaker ? 'MAKER' : 'TAKER',
    realizePnl: e.execPnl,
    direction,
    liquidateType: 'NORMAL',
    legacyOrdeDirection: direction,
    createdTime: e.execTime,
  };
}

function num(id: string): RawNumber | number {
  return id ? new RawNumber(id) : 0;
}

export function weexPosition(p: SimPosition, inst: Instrument, mark: Dec, account: { uid: string }, all: boolean, raw = true): Record<string, unknown> {
  const size = p.size.abs();
  const t = p.totals;
  const id = (v: string) => (raw ? num(v) : v);
  const row: Record<string, unknown> = {
    id: id(p.posId),
    account_id: raw ? new RawNumber(account.uid) : account.uid,
    coin_id: 2,
    contract_id: 10000000 + inst.symbol.length,
    symbol: toWeexSymbol(p.symbol),
    side: p.size.isNegative() ? 'SHORT' : 'LONG',
    margin_mode: 'SHARED',
    separated_mode: 'COMBINED',
    separated_open_order_id: 0,
    leverage: p.leverage,
    size: qty(size, inst),
    open_value: plain(size.times(p.avgPrice), 8),
    open_fee: plain(p.openFee, 8),
    funding_fee: plain(t.fundingFee.negated(), 8),
    isolated_margin: '0',
    is_auto_append_isolated_margin: false,
    cum_open_size: qty(t.openSize, inst),
    cum_open_value: plain(t.openValue, 8),
    cum_open_fee: plain(t.openFee, 8),
    cum_close_size: qty(t.closeSize, inst),
    cum_close_value: plain(t.closeValue, 8),
    cum_close_fee: plain(t.closeFee, 8),
    cum_funding_fee: plain(t.fundingFee.negated(), 8),
    cum_liquidate_fee: '0',
    created_match_sequence_id: p.openSeq,
    updated_match_sequence_id: p.seq,
    created_time: p.openTime || p.createdTime,
    updated_time: p.updatedTime,
  };
  if (all) {
    const lev = Number(p.leverage);
    const f = p.size.isPositive() ? 1 - 1 / lev + 0.005 : 1 + 1 / lev - 0.005;
    row.contractVal = '0.000001';
    row.unrealizePnl = plain(p.size.isZero() ? ZERO : unrealisedPnl(p, mark), 8);
    row.liquidatePrice = p.size.isZero() ? '0' : p.avgPrice.times(f).toFixed(inst.priceDecimals);
  }
  return row;
}

/** WEEX v2 has no closed-PnL endpoint; ground truth keeps the rows in this neutral shape. */
export function weexClosedPnl(c: SimClosedPnl): Record<string, unknown> {
  return {
    symbol: toWeexSymbol(c.symbol),
    order_id: c.orderId,
    side: c.side === 'Sell' ? 'LONG' : 'SHORT',
    closed_size: c.closedSize,
    avg_entry_price: c.avgEntryPrice,
    avg_exit_price: c.avgExitPrice,
    cum_entry_value: c.cumEntryValue,
    cum_exit_value: c.cumExitValue,
    realized_pnl: c.closedPnl,
    open_fee: c.openFee,
    close_fee: c.closeFee,
    fill_count: Number(c.fillCount),
    created_time: c.createdTime,
  };
}
