import type { AccountState } from './account.js';
import { ZERO, dec, type Dec } from './decimal.js';
import type { Engine } from './engine.js';
import { fundingRateAt, FUNDING_PERIOD_MS } from './funding-rate.js';
import { CoreError } from './errors.js';
import { roundToTick, snapToTick } from './market.js';
import { applyFill, emptyTotals } from './position-math.js';
import { accumulateClose, closedPnlRow, fundingRow, tradeRow } from './rows.js';
import type { Side, SimClosedPnl, SimExecution, SimOrder, SimPosition } from './records.js';
import { Rng, splitInt } from './rng.js';
import type { HistoryRequest, HistoryResult } from '../types.js';

const DAY = 86_400_000;

/**
 * Back-dated round trips for backfill tests and benchmarks: an open order filled in 1..n
 * fills, later a reduce-only close filled in 1..n fills (one closed-PnL row), plus Funding rows
 * for every funding time the position was open. Each trip nets flat, so live positions are
 * untouched. About a third of consecutive fills share their execTime (ties), and trips of
 * different accounts may too. Deterministic from (seed, call number, request).
 */
export function generateHistory(engine: Engine, q: HistoryRequest, seed: number, call: number): HistoryResult {
  if (!Number.isFinite(q.days) || q.days <= 0 || q.days > 731) throw new CoreError('invalid', 'days: expected a number in (0, 731]');
  if (!Number.isInteger(q.executions) || q.executions < 0 || q.executions > 5_000_000) {
    throw new CoreError('invalid', 'executions: expected an integer in [0, 5000000]');
  }
  const accounts = q.accountId ? [engine.account(q.accountId)] : [...engine.accounts.values()];
  const symbols = q.symbols ?? [...engine.instruments.keys()];
  for (const s of symbols) if (!engine.instruments.has(s)) throw new CoreError('unknown_symbol', `symbol invalid: ${s}`);
  const endAt = q.endAt ?? engine.now() - 60_000;
  const startAt = endAt - q.days * DAY;
  const rng = new Rng(seed, `history:${call}:${q.accountId ?? '*'}:${q.days}:${q.executions}:${endAt}`);
  const out: HistoryResult = { orders: 0, executions: 0, closedPnl: 0, funding: 0 };
  const perAccount = new Map<AccountState, { orders: SimOrder[]; execs: SimExecution[]; closed: SimClosedPnl[] }>();
  let seqCounter = 0;
  let trades = 0;
  let trip = 0;

  while (trades < q.executions) {
    const acct = accounts[trip % accounts.length]!;
    trip++;
    const symbol = rng.pick(symbols);
    const inst = engine.instruments.get(symbol)!;
    let bucket = perAccount.get(acct);
    if (!bucket) perAccount.set(acct, (bucket = { orders: [], execs: [], closed: [] }));
    const remaining = q.executions - trades;
    const openFills = Math.min(remaining, rng.int(1, 3));
    const closeFills = Math.max(0, Math.min(remaining - openFills, rng.int(1, 3)));
    const span = endAt - startAt;
    const t0 = startAt + Math.floor(rng.next() * Math.max(1, span - 3_600_000));
    const hold = Math.min(endAt - t0 - 20_000, 60_000 + Math.floor(rng.next() * 12 * 3_600_000));
    const t1 = t0 + Math.max(5_000, hold);
    const side: Side = rng.chance(0.5) ? 'Buy' : 'Sell';
    const lots = rng.int(Math.max(openFills, closeFills, 1), Math.max(openFills, closeFills, 1) * 20);
    const qty = dec(lots).times(inst.qtyStep);
    const pos: SimPosition = {
      accountId: acct.id, symbol, posId: '', totals: emptyTotals(), openSeq: -1, size: ZERO, avgPrice: ZERO, openFee: ZERO, cumRealisedPnl: ZERO, curRealisedPnl: ZERO,
      leverage: '10', seq: -1, createdTime: t0, updatedTime: t0, openTime: 0, changedAt: t0,
    };
    const seqAt = (t: number) => t * 1000 + (seqCounter++ % 1000);

    const open = makeOrder(engine, acct, symbol, side, qty, t0, rng);
    const openTimes = fillTimes(t0, openFills, rng);
    const openSizes = splitInt(lots, openFills, rng);
    let lastSeq = 0;
    openSizes.forEach((l, i) => {
      const t = openTimes[i]!;
      if (i === 0 || t !== openTimes[i - 1]) lastSeq = seqAt(t);
      const px = open.orderType === 'Limit' ? open.price : roundToTick(engine.market.raw(symbol, t), inst);
      bucket!.execs.push(histFill(engine, open, dec(l).times(inst.qtyStep), px, open.orderType === 'Limit', t, lastSeq, pos));
    });
    out.orders++;
    bucket.orders.push(open);
    trades += openFills;

    if (closeFills > 0) {
      const closeSide: Side = side === 'Buy' ? 'Sell' : 'Buy';
      const close = makeOrder(engine, acct, symbol, closeSide, qty, t1, rng);
      close.reduceOnly = true;
      const closeTimes = fillTimes(t1, closeFills, rng);
      splitInt(lots, closeFills, rng).forEach((l, i) => {
        const t = closeTimes[i]!;
        if (i === 0 || t !== closeTimes[i - 1]) lastSeq = seqAt(t);
        const px = close.orderType === 'Limit' ? close.price : roundToTick(engine.market.raw(symbol, t), inst);
        bucket!.execs.push(histFill(engine, close, dec(l).times(inst.qtyStep), px, close.orderType === 'Limit', t, lastSeq, pos));
      });
      out.orders++;
      bucket.orders.push(close);
      trades += closeFills;
      const row = closedPnlRow(engine.nextN(), close, inst, close.updatedTime);
      bucket.closed.push(row);
      out.closedPnl++;
      // Funding at each 8-hour mark while the position was open.
      const firstMark = Math.ceil((openTimes[openTimes.length - 1]! + 1) / FUNDING_PERIOD_MS) * FUNDING_PERIOD_MS;
      for (let t = firstMark; t < closeTimes[0]!; t += FUNDING_PERIOD_MS) {
        bucket.execs.push(histFunding(engine, acct, symbol, side, qty, t, seqAt(t), seed));
        out.funding++;
      }
    } else {
      // Not enough executions left for a close: cancel the rest of the trip (keeps positions flat).
      trades = q.executions;
      out.orders--;
      bucket.orders.pop();
      bucket.execs.splice(bucket.execs.length - openFills, openFills);
    }
    if (trip > q.executions * 4 + 10) break; // cannot happen; guards an endless loop on bad input
  }

  for (const [acct, bk] of perAccount) {
    acct.orders.insertMany(bk.orders);
    for (const o of bk.orders) {
      acct.byOrderId.set(o.orderId, o);
      if (o.orderLinkId) acct.byLinkId.set(o.orderLinkId, o);
    }
    acct.executions.insertMany(bk.execs);
    for (const e of bk.execs) {
      if (!e.orderId) continue;
      let list = acct.execsByOrder.get(e.orderId);
      if (!list) acct.execsByOrder.set(e.orderId, (list = []));
      list.push(e);
    }
    acct.closedPnl.insertMany(bk.closed);
    out.executions += bk.execs.length;
    for (const o of bk.orders) engine.journal.add({ at: o.updatedTime, accountId: acct.id, kind: 'order', id: o.orderId, change: 'history', status: o.status });
  }
  return out;
}

function makeOrder(engine: Engine, acct: AccountState, symbol: string, side: Side, qty: Dec, at: number, rng: Rng): SimOrder {
  const inst = engine.instruments.get(symbol)!;
  const market = rng.chance(0.4);
  const mid = roundToTick(engine.market.raw(symbol, at), inst);
  // A limit order a little inside the market, so its fills look like maker fills at its price.
  const price = market ? snapToTick(mid.times(side === 'Buy' ? '1.03' : '0.97'), inst) : snapToTick(mid.times(side === 'Buy' ? '0.9995' : '1.0005'), inst);
  const n = engine.nextN();
  return {
    n,
    rev: 0,
    accountId: acct.id,
    orderId: engine.newOrderId(),
    orderLinkId: rng.chance(0.7) ? `hist-${n.toString(36)}` : '',
    symbol,
    side,
    orderType: market ? 'Market' : 'Limit',
    timeInForce: market ? 'IOC' : 'GTC',
    price,
    px: price.toNumber(),
    qty,
    reduceOnly: false,
    createType: 'CreateByUser',
    lastPriceOnCreated: mid,
    createdTime: at,
    status: 'New',
    leavesQty: qty,
    cumExecQty: ZERO,
    cumExecValue: ZERO,
    cumExecFee: ZERO,
    cancelType: 'UNKNOWN',
    rejectReason: 'EC_NoError',
    updatedTime: at,
    close: { size: ZERO, entryValue: ZERO, exitValue: ZERO, openFee: ZERO, closeFee: ZERO, fills: 0 },
    changedAt: at,
  };
}

function histFill(engine: Engine, o: SimOrder, qty: Dec, price: Dec, maker: boolean, at: number, seq: number, pos: SimPosition): SimExecution {
  const inst = engine.instruments.get(o.symbol)!;
  const value = price.times(qty);
  const rate = maker ? engine.behaviour.makerFeeRate : engine.behaviour.takerFeeRate;
  const fee = value.times(rate).toDecimalPlaces(8);
  const effect = applyFill(pos, o.side, qty, price, fee, at);
  o.rev++;
  o.cumExecQty = o.cumExecQty.plus(qty);
  o.cumExecValue = o.cumExecValue.plus(value);
  o.cumExecFee = o.cumExecFee.plus(fee);
  o.leavesQty = o.leavesQty.minus(qty);
  o.status = o.leavesQty.isZero() ? 'Filled' : 'PartiallyFilled';
  o.updatedTime = at;
  o.changedAt = at;
  accumulateClose(o, effect, price);
  const mark = roundToTick(engine.market.raw(o.symbol, at), inst);
  return tradeRow({ n: engine.nextN(), execId: engine.newExecId(), order: o, inst, qty, price, fee, feeRate: rate, maker, at, mark, effect, seq });
}

function histFunding(engine: Engine, acct: AccountState, symbol: string, side: Side, qty: Dec, at: number, seq: number, seed: number): SimExecution {
  const inst = engine.instruments.get(symbol)!;
  const mark = roundToTick(engine.market.raw(symbol, at), inst);
  const rate = fundingRateAt(seed, symbol, at, engine.behaviour.fundingRate);
  const value = qty.times(mark);
  const fee = value.times(rate).times(side === 'Buy' ? 1 : -1).toDecimalPlaces(8);
  return fundingRow({ n: engine.nextN(), execId: engine.newExecId(), accountId: acct.id, inst, side, size: qty, mark, rate, fee, at, seq });
}

/** n fill times starting at t: each next one equal to the previous (a tie) a third of the time. */
function fillTimes(t: number, n: number, rng: Rng): number[] {
  const out = [t];
  for (let i = 1; i < n; i++) out.push(rng.chance(0.35) ? out[i - 1]! : out[i - 1]! + rng.int(1, 4000));
  return out;
}
