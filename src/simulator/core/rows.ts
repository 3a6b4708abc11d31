import { fixed, plain, type Dec } from './decimal.js';
import { fmtPrice, type Instrument } from './instruments.js';
import type { FillEffect } from './position-math.js';
import type { Side, SimClosedPnl, SimExecution, SimOrder } from './records.js';

/**
 * Builders for the immutable rows (executions, closed PnL), shared by live matching and the
 * back-dated history generator so both produce exactly the same shapes.
 */

export interface TradeFill {
  n: number;
  execId: string;
  order: SimOrder;
  inst: Instrument;
  qty: Dec;
  price: Dec;
  fee: Dec;
  feeRate: string;
  maker: boolean;
  at: number;
  mark: Dec;
  effect: FillEffect;
  seq: number;
}

export function tradeRow(f: TradeFill): SimExecution {
  const o = f.order;
  const q = f.inst.qtyDecimals;
  return {
    n: f.n,
    accountId: o.accountId,
    execId: f.execId,
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    symbol: o.symbol,
    side: o.side,
    orderPrice: fmtPrice(o.price, f.inst),
    orderQty: fixed(o.qty, q),
    leavesQty: fixed(o.leavesQty, q),
    orderType: o.orderType,
    createType: o.createType,
    execType: 'Trade',
    execPrice: fmtPrice(f.price, f.inst),
    execQty: fixed(f.qty, q),
    execValue: plain(f.price.times(f.qty)),
    execFee: plain(f.fee),
    feeRate: f.feeRate,
    isMaker: f.maker,
    execTime: f.at,
    markPrice: fmtPrice(f.mark, f.inst),
    closedSize: fixed(f.effect.closedQty, q),
    execPnl: plain(f.effect.grossPnl, 8),
    seq: f.seq,
    changedAt: f.at,
  };
}

export interface FundingFill {
  n: number;
  execId: string;
  accountId: string;
  inst: Instrument;
  /** Side of the position (Buy = long). */
  side: Side;
  size: Dec;
  mark: Dec;
  rate: Dec;
  fee: Dec;
  at: number;
  seq: number;
}

/** A funding fee as Bybit lists it among executions: execType Funding, orderType UNKNOWN, no order. */
export function fundingRow(f: FundingFill): SimExecution {
  return {
    n: f.n,
    accountId: f.accountId,
    execId: f.execId,
    orderId: '',
    orderLinkId: '',
    symbol: f.inst.symbol,
    side: f.side,
    orderPrice: '0',
    orderQty: '0',
    leavesQty: '0',
    orderType: 'UNKNOWN',
    createType: '',
    execType: 'Funding',
    execPrice: fmtPrice(f.mark, f.inst),
    execQty: fixed(f.size, f.inst.qtyDecimals),
    execValue: plain(f.size.times(f.mark)),
    execFee: plain(f.fee),
    feeRate: plain(f.rate, 8),
    isMaker: false,
    execTime: f.at,
    markPrice: fmtPrice(f.mark, f.inst),
    closedSize: '0',
    execPnl: '0',
    seq: f.seq,
    changedAt: f.at,
  };
}

/** Adds a fill's closing part to the order's closed-PnL accumulators. */
export function accumulateClose(o: SimOrder, effect: FillEffect, price: Dec): void {
  if (!effect.closedQty.gt(0)) return;
  const c = o.close;
  c.size = c.size.plus(effect.closedQty);
  c.entryValue = c.entryValue.plus(effect.entryValue);
  c.exitValue = c.exitValue.plus(price.times(effect.closedQty));
  c.openFee = c.openFee.plus(effect.openFeeShare);
  c.closeFee = c.closeFee.plus(effect.closeFee);
  c.fills++;
}

/**
 * The closed-PnL row of a closing order (one per order, not per fill), consistent with its fills:
 * closedPnl = (exit - entry) x direction - open fee share - close fee. Also sets `o.closedPnl`.
 */
export function closedPnlRow(n: number, o: SimOrder, inst: Instrument, at: number): SimClosedPnl {
  const c = o.close;
  // Closing a long is a Sell: PnL = exit - entry; closing a short: entry - exit.
  const dir = o.side === 'Sell' ? 1 : -1;
  const pnl = c.exitValue.minus(c.entryValue).times(dir).minus(c.openFee).minus(c.closeFee);
  o.closedPnl = pnl;
  return {
    n,
    accountId: o.accountId,
    symbol: o.symbol,
    orderId: o.orderId,
    side: o.side,
    qty: fixed(o.qty, inst.qtyDecimals),
    orderPrice: fmtPrice(o.price, inst),
    orderType: o.orderType,
    execType: 'Trade',
    closedSize: fixed(c.size, inst.qtyDecimals),
    cumEntryValue: plain(c.entryValue, 8),
    avgEntryPrice: plain(c.entryValue.div(c.size), 8),
    cumExitValue: plain(c.exitValue, 8),
    avgExitPrice: plain(c.exitValue.div(c.size), 8),
    closedPnl: plain(pnl, 8),
    fillCount: String(c.fills),
    leverage: '10',
    openFee: plain(c.openFee, 8),
    closeFee: plain(c.closeFee, 8),
    createdTime: at,
    updatedTime: at,
    changedAt: at,
  };
}
