import { ZERO, fixed, plain, type Dec } from '../core/decimal.js';
import { fmtPrice, type Instrument } from '../core/instruments.js';
import { unrealisedPnl } from '../core/position-math.js';
import type { OrderState, SimClosedPnl, SimExecution, SimOrder, SimPosition } from '../core/records.js';

/**
 * Records rendered the way Bybit V5 prints them: numbers as strings, times as ms strings,
 * `positionIdx`/`triggerDirection`/`smpGroup` as integers, `seq` as a number, booleans as booleans.
 */

const rowCache = new WeakMap<SimOrder, { rev: number; live?: Record<string, unknown>; history?: Record<string, unknown> }>();

/**
 * The current state of an order as a REST row, cached until the order changes (`rev`): open
 * orders are listed far more often than they change. Callers must not mutate the result.
 */
export function orderRow(o: SimOrder, inst: Instrument, state: OrderState = o, history = false): Record<string, unknown> {
  if (state !== o) return renderOrder(o, inst, state, history);
  let c = rowCache.get(o);
  if (!c || c.rev !== o.rev) rowCache.set(o, (c = { rev: o.rev }));
  const k = history ? 'history' : 'live';
  return (c[k] ??= renderOrder(o, inst, o, history));
}

function renderOrder(o: SimOrder, inst: Instrument, state: OrderState, history: boolean): Record<string, unknown> {
  const q = inst.qtyDecimals;
  const filled = state.cumExecQty.gt(0);
  const open = state.status === 'New' || state.status === 'PartiallyFilled';
  const row: Record<string, unknown> = {
    orderId: o.orderId,
    orderLinkId: o.orderLinkId,
    blockTradeId: '',
    symbol: o.symbol,
    price: fmtPrice(o.price, inst),
    qty: fixed(o.qty, q),
    side: o.side,
    isLeverage: '',
    positionIdx: 0,
    orderStatus: state.status,
    createType: o.createType,
    cancelType: state.cancelType,
    rejectReason: state.rejectReason,
    avgPrice: filled ? plain(state.cumExecValue.div(state.cumExecQty), inst.priceDecimals + 4) : open ? '' : '0',
    leavesQty: fixed(state.leavesQty, q),
    leavesValue: plain(state.leavesQty.times(o.price)),
    cumExecQty: fixed(state.cumExecQty, q),
    cumExecValue: plain(state.cumExecValue),
    // Deprecated for linear (Bybit keeps it); cumFeeDetail is the documented source.
    cumExecFee: plain(state.cumExecFee, 8),
    cumFeeDetail: filled ? { USDT: plain(state.cumExecFee, 8) } : {},
    timeInForce: o.timeInForce,
    orderType: o.orderType,
    stopOrderType: '',
    orderIv: '',
    marketUnit: '',
    triggerPrice: '0',
    takeProfit: '0',
    stopLoss: '0',
    tpslMode: '',
    ocoTriggerBy: '',
    tpLimitPrice: '0',
    slLimitPrice: '0',
    tpTriggerBy: '',
    slTriggerBy: '',
    triggerDirection: 0,
    triggerBy: '',
    lastPriceOnCreated: fmtPrice(o.lastPriceOnCreated, inst),
    basePrice: '',
    reduceOnly: o.reduceOnly,
    closeOnTrigger: false,
    placeType: '',
    smpType: 'None',
    smpGroup: 0,
    smpOrderId: '',
    parentOrderLinkId: '',
    createdTime: String(o.createdTime),
    updatedTime: String(state.updatedTime),
  };
  if (history) {
    row.slippageToleranceType = 'UNKNOWN';
    row.slippageTolerance = '0';
    row.extraFees = '';
  }
  return row;
}

export function wsOrderRow(o: SimOrder, inst: Instrument): Record<string, unknown> {
  return {
    category: 'linear',
    ...orderRow(o, inst),
    closedPnl: o.closedPnl ? plain(o.closedPnl, 8) : '0',
    feeCurrency: '',
    brokerOrderPrice: '',
  };
}

export function executionRow(e: SimExecution): Record<string, unknown> {
  return {
    symbol: e.symbol,
    orderId: e.orderId,
    orderLinkId: e.orderLinkId,
    side: e.side,
    orderPrice: e.orderPrice,
    orderQty: e.orderQty,
    leavesQty: e.leavesQty,
    createType: e.createType,
    orderType: e.orderType,
    stopOrderType: e.execType === 'Trade' ? 'UNKNOWN' : '',
    execFee: e.execFee,
    execFeeV2: '',
    execId: e.execId,
    execPrice: e.execPrice,
    execQty: e.execQty,
    execType: e.execType,
    execValue: e.execValue,
    execTime: String(e.execTime),
    feeCurrency: 'USDT',
    isMaker: e.isMaker,
    feeRate: e.feeRate,
    tradeIv: '',
    markIv: '',
    markPrice: e.markPrice,
    indexPrice: e.markPrice,
    underlyingPrice: '',
    blockTradeId: '',
    closedSize: e.closedSize,
    seq: e.seq,
    extraFees: '',
  };
}

export function wsExecutionRow(e: SimExecution): Record<string, unknown> {
  return { category: 'linear', ...executionRow(e), isLeverage: '', execPnl: e.execPnl };
}

/** execution.fast: trades only, reduced fields; the maker side has no orderLinkId. */
export function wsFastExecutionRow(e: SimExecution): Record<string, unknown> {
  return {
    category: 'linear',
    symbol: e.symbol,
    orderId: e.orderId,
    isMaker: e.isMaker,
    orderLinkId: e.isMaker ? '' : e.orderLinkId,
    execId: e.execId,
    execPrice: e.execPrice,
    execQty: e.execQty,
    side: e.side,
    execTime: String(e.execTime),
    seq: e.seq,
  };
}

export function closedPnlRow(c: SimClosedPnl): Record<string, unknown> {
  return {
    symbol: c.symbol,
    orderId: c.orderId,
    side: c.side,
    qty: c.qty,
    orderPrice: c.orderPrice,
    orderType: c.orderType,
    execType: c.execType,
    closedSize: c.closedSize,
    cumEntryValue: c.cumEntryValue,
    avgEntryPrice: c.avgEntryPrice,
    cumExitValue: c.cumExitValue,
    avgExitPrice: c.avgExitPrice,
    closedPnl: c.closedPnl,
    fillCount: c.fillCount,
    leverage: c.leverage,
    openFee: c.openFee,
    closeFee: c.closeFee,
    createdTime: String(c.createdTime),
    updatedTime: String(c.updatedTime),
  };
}

export function positionRow(p: SimPosition, inst: Instrument, mark: Dec, ws = false): Record<string, unknown> {
  const flat = p.size.isZero();
  const size = p.size.abs();
  const value = size.times(p.avgPrice);
  const lev = Number(p.leverage);
  const pd = inst.priceDecimals;
  let liq = '';
  if (!flat) {
    // Isolated-style estimate: enough to look plausible, not a margin engine.
    const f = p.size.isPositive() ? 1 - 1 / lev + 0.005 : 1 + 1 / lev - 0.005;
    liq = p.avgPrice.times(f).toFixed(pd);
  }
  const entry = flat ? '0' : plain(p.avgPrice, pd + 4);
  const row: Record<string, unknown> = {
    positionIdx: 0,
    riskId: 1,
    riskLimitValue: '2000000',
    symbol: p.symbol,
    side: flat ? '' : p.size.isPositive() ? 'Buy' : 'Sell',
    size: fixed(size, inst.qtyDecimals),
    [ws ? 'entryPrice' : 'avgPrice']: entry,
    positionValue: flat ? '0' : plain(value, 8),
    tradeMode: 0,
    autoAddMargin: 0,
    positionStatus: 'Normal',
    leverage: p.leverage,
    markPrice: fmtPrice(mark, inst),
    liqPrice: liq,
    bustPrice: '',
    positionIM: flat ? '0' : plain(value.div(lev), 8),
    positionIMByMp: flat ? '0' : plain(size.times(mark).div(lev), 8),
    positionMM: flat ? '0' : plain(value.times('0.005'), 8),
    positionMMByMp: flat ? '0' : plain(size.times(mark).times('0.005'), 8),
    positionBalance: flat ? '0' : plain(value.div(lev), 8),
    takeProfit: '0',
    stopLoss: '0',
    trailingStop: '0',
    sessionAvgPrice: '',
    delta: '',
    gamma: '',
    vega: '',
    theta: '',
    unrealisedPnl: plain(flat ? ZERO : unrealisedPnl(p, mark), 8),
    curRealisedPnl: plain(p.curRealisedPnl, 8),
    cumRealisedPnl: plain(p.cumRealisedPnl, 8),
    adlRankIndicator: flat ? 0 : 2,
    isReduceOnly: false,
    mmrSysUpdatedTime: '',
    leverageSysUpdatedTime: '',
    tpslMode: 'Full',
    breakEvenPrice: flat ? '' : entry,
    createdTime: String(p.createdTime),
    updatedTime: String(p.updatedTime),
    seq: p.seq,
    openTime: p.openTime,
  };
  if (ws) row.category = 'linear';
  return row;
}
