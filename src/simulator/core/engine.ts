import { EventEmitter } from 'eventemitter3';
import { AccountState, type AccountCredentials } from './account.js';
import { BatchCollector, type ChangeBatch } from './batch.js';
import { SymbolBook } from './book.js';
import { Dec, ZERO, dec, parseDecimalText, type Dec as DecT } from './decimal.js';
import { CoreError } from './errors.js';
import { IdGenerator, type IdFormat } from './ids.js';
import { instrumentFor, type Instrument } from './instruments.js';
import { Journal } from './journal.js';
import { Market, snapToTick } from './market.js';
import { fundingRateAt } from './funding-rate.js';
import { applyFill } from './position-math.js';
import { accumulateClose, closedPnlRow, fundingRow, tradeRow } from './rows.js';
import { Rng, splitInt } from './rng.js';
import type { BehaviourConfig } from '../types.js';
import {
  OPEN_STATUSES,
  type OrderState,
  type OrderType,
  type Side,
  type SimOrder,
  type SimPosition,
  type TimeInForce,
} from './records.js';

export interface EngineOptions {
  seed: number;
  idFormat: IdFormat;
  symbols: string[];
  accounts: AccountCredentials[];
  behaviour: BehaviourConfig;
  /** Simulator clock (skew included). */
  now: () => number;
}

export interface PlaceInput {
  symbol: string;
  side: Side;
  orderType: OrderType;
  qty: string;
  price?: string;
  timeInForce?: TimeInForce;
  orderLinkId?: string;
  reduceOnly?: boolean;
}

export interface CancelInput {
  symbol?: string;
  orderId?: string;
  orderLinkId?: string;
}

type EngineEvents = { changes: [ChangeBatch] };

const MAX_VERSIONS = 8;

/**
 * The exchange-agnostic venue: accounts, the price path, resting orders per symbol, fills,
 * one-way positions, closed PnL, funding and the ground-truth journal. It knows nothing of
 * any wire format; the fronts translate requests in and render records out.
 *
 * Liquidity model: the market trades at the seeded price path. Taker orders fill at once at
 * the market price (walking a tick per extra fill); resting limit orders fill at their own
 * price when the path crosses them. Either may fill only part of the quantity
 * (behaviour.partialFillRate), the rest following on later ticks.
 */
export class Engine {
  readonly events = new EventEmitter<EngineEvents>();
  readonly market: Market;
  readonly journal: Journal;
  readonly instruments = new Map<string, Instrument>();
  readonly accounts = new Map<string, AccountState>();
  readonly #byKey = new Map<string, AccountState>();
  readonly #books = new Map<string, SymbolBook>();
  readonly #seq = new Map<string, number>();
  /** Positions with size != 0, for funding without scanning every account. */
  readonly #openPositions = new Set<SimPosition>();
  readonly #orderIds: IdGenerator;
  readonly #execIds: IdGenerator;
  readonly #positionIds: IdGenerator;
  readonly #rng: Rng;
  readonly #opts: EngineOptions;
  #n = 0;

  constructor(opts: EngineOptions) {
    this.#opts = opts;
    for (const s of opts.symbols) {
      this.instruments.set(s, instrumentFor(s));
      this.#books.set(s, new SymbolBook());
    }
    this.market = new Market(opts.seed, this.instruments);
    this.journal = new Journal(opts.behaviour.journalMax);
    this.#orderIds = new IdGenerator(opts.seed, opts.idFormat, 'order');
    this.#execIds = new IdGenerator(opts.seed, opts.idFormat, 'exec');
    this.#positionIds = new IdGenerator(opts.seed, 'int64', 'position');
    this.#rng = new Rng(opts.seed, 'fills');
    const start = opts.now();
    // seq is a JSON int64 on Bybit; ms*1000 keeps it increasing across restarts and < 2^53.
    for (const s of opts.symbols) this.#seq.set(s, start * 1000);
    for (const c of opts.accounts) {
      const a = new AccountState(c);
      this.accounts.set(c.id, a);
      this.#byKey.set(c.apiKey, a);
    }
  }

  get behaviour(): BehaviourConfig {
    return this.#opts.behaviour;
  }

  now(): number {
    return this.#opts.now();
  }

  nextN(): number {
    return ++this.#n;
  }

  newOrderId(): string {
    return this.#orderIds.next();
  }

  newExecId(): string {
    return this.#execIds.next();
  }

  account(id: string): AccountState {
    const a = this.accounts.get(id);
    if (!a) throw new CoreError('unknown_account', `unknown account ${JSON.stringify(id)}`);
    return a;
  }

  accountByKey(apiKey: string): AccountState | undefined {
    return this.#byKey.get(apiKey);
  }

  lastPrice(symbol: string): DecT {
    return this.market.price(symbol, this.now());
  }

  /** The funding rate of the 8-hour interval containing t. */
  fundingRate(symbol: string, t: number): DecT {
    return fundingRateAt(this.#opts.seed, symbol, t, this.#opts.behaviour.fundingRate);
  }

  openPositions(): ReadonlySet<SimPosition> {
    return this.#openPositions;
  }

  #nextSeq(symbol: string): number {
    const s = this.#seq.get(symbol)! + 1;
    this.#seq.set(symbol, s);
    return s;
  }

  #emit(c: BatchCollector): void {
    for (const b of c.batches()) this.events.emit('changes', b);
  }

  // ---------------------------------------------------------------- orders

  place(accountId: string, req: PlaceInput): SimOrder {
    const acct = this.account(accountId);
    const inst = this.instruments.get(req.symbol);
    if (!inst) throw new CoreError('unknown_symbol', `symbol invalid: ${req.symbol}`);
    const qty = this.#checkQty(inst, req.qty, req.orderType);
    let price: DecT;
    const at = this.now();
    const last = this.market.price(inst.symbol, at);
    if (req.orderType === 'Limit') {
      const p = parseDecimalText(req.price);
      if (!p || p.lte(0)) throw new CoreError('invalid', 'price invalid: expected a positive decimal string');
      if (!p.mod(inst.tickSize).isZero()) throw new CoreError('invalid', `price invalid: must be a multiple of tickSize ${inst.tickSize}`);
      price = p;
    } else {
      // Bybit turns a market order into an IOC limit at last price +/- a protection band.
      price = snapToTick(last.times(req.side === 'Buy' ? '1.03' : '0.97'), inst);
    }
    const tif: TimeInForce = req.orderType === 'Market' ? 'IOC' : (req.timeInForce ?? 'GTC');
    if (req.orderLinkId && acct.byLinkId.has(req.orderLinkId)) throw new CoreError('duplicate_link_id', 'OrderLinkedID is duplicate');
    let finalQty = qty;
    if (req.reduceOnly) {
      const pos = acct.positions.get(inst.symbol);
      const opposite = pos && !pos.size.isZero() && pos.size.isPositive() === (req.side === 'Sell');
      if (!opposite) throw new CoreError('reduce_only', 'current position is zero, cannot fix reduce-only order qty');
      // Bybit shrinks a reduce-only order to the position size.
      if (finalQty.gt(pos.size.abs())) finalQty = pos.size.abs();
    }
    const o: SimOrder = {
      n: this.nextN(),
      rev: 0,
      accountId,
      orderId: this.newOrderId(),
      orderLinkId: req.orderLinkId ?? '',
      symbol: inst.symbol,
      side: req.side,
      orderType: req.orderType,
      timeInForce: tif,
      price,
      px: price.toNumber(),
      qty: finalQty,
      reduceOnly: req.reduceOnly === true,
      createType: 'CreateByUser',
      lastPriceOnCreated: last,
      createdTime: at,
      status: 'New',
      leavesQty: finalQty,
      cumExecQty: ZERO,
      cumExecValue: ZERO,
      cumExecFee: ZERO,
      cancelType: 'UNKNOWN',
      rejectReason: 'EC_NoError',
      updatedTime: at,
      close: { size: ZERO, entryValue: ZERO, exitValue: ZERO, openFee: ZERO, closeFee: ZERO, fills: 0 },
      changedAt: at,
    };
    acct.addOrder(o);
    acct.open.set(o.orderId, o);
    this.journal.add({ at, accountId, kind: 'order', id: o.orderId, change: 'created', status: o.status });
    const batch = new BatchCollector(at);
    batch.order(o);
    batch.position(acct.position(o.symbol, at));
    this.#onArrival(o, last, at, batch);
    this.#emit(batch);
    return o;
  }

  #checkQty(inst: Instrument, text: string, type: OrderType): DecT {
    const q = parseDecimalText(text);
    if (!q || q.lte(0)) throw new CoreError('invalid', 'Qty invalid: expected a positive decimal string');
    if (!q.mod(inst.qtyStep).isZero()) throw new CoreError('invalid', `Qty invalid: must be a multiple of qtyStep ${inst.qtyStep}`);
    if (q.lt(inst.minOrderQty)) throw new CoreError('invalid', `The number of contracts exceeds minimum limit allowed (${inst.minOrderQty})`);
    const max = type === 'Market' ? inst.maxMktOrderQty : inst.maxOrderQty;
    if (q.gt(max)) throw new CoreError('invalid', `The number of contracts exceeds maximum limit allowed (${max})`);
    return q;
  }

  /** What happens the moment an order reaches the book. */
  #onArrival(o: SimOrder, last: DecT, at: number, batch: BatchCollector): void {
    const crosses = o.orderType === 'Market' || (o.side === 'Buy' ? o.price.gte(last) : o.price.lte(last));
    const b = this.#opts.behaviour;
    if (!crosses) {
      if (o.timeInForce === 'IOC' || o.timeInForce === 'FOK') {
        this.#cancel(o, 'UNKNOWN', at, batch, 'EC_NoImmediateQtyToFill');
        return;
      }
      this.#rest(o);
      return;
    }
    if (o.timeInForce === 'PostOnly') {
      this.#cancel(o, 'UNKNOWN', at, batch, 'EC_PostOnlyWillTakeLiquidity');
      return;
    }
    const partial = (o.timeInForce === 'GTC' || o.timeInForce === 'IOC') && this.#rng.chance(b.partialFillRate);
    const target = partial ? this.#partOf(o) : o.leavesQty;
    this.#takerFills(o, target, last, at, batch);
    if (!OPEN_STATUSES.has(o.status)) return;
    if (o.timeInForce === 'GTC') this.#rest(o);
    else this.#cancel(o, 'UNKNOWN', at, batch, o.cumExecQty.isZero() ? 'EC_NoImmediateQtyToFill' : 'EC_NoError');
  }

  /** A random part (at least one lot, less than all when possible) of the leaves quantity. */
  #partOf(o: SimOrder): DecT {
    const inst = this.instruments.get(o.symbol)!;
    const lots = o.leavesQty.div(inst.qtyStep).floor().toNumber();
    if (lots <= 1) return o.leavesQty;
    const take = Math.max(1, Math.min(lots - 1, Math.floor(lots * (0.1 + 0.8 * this.#rng.next()))));
    return dec(take).times(inst.qtyStep);
  }

  #takerFills(o: SimOrder, total: DecT, last: DecT, at: number, batch: BatchCollector): void {
    const inst = this.instruments.get(o.symbol)!;
    const lots = total.div(inst.qtyStep).floor().toNumber();
    const parts = Math.max(1, Math.min(lots, this.#rng.int(1, this.#opts.behaviour.maxFillsPerMatch)));
    const sizes = splitInt(lots, parts, this.#rng).map((l) => dec(l).times(inst.qtyStep));
    const seq = this.#nextSeq(o.symbol);
    const tick = dec(inst.tickSize);
    sizes.forEach((q, i) => {
      if (!OPEN_STATUSES.has(o.status)) return;
      // Each extra fill walks one tick further into the book, never past the limit price.
      let px = o.side === 'Buy' ? last.plus(tick.times(i)) : Dec.max(tick, last.minus(tick.times(i)));
      if (o.orderType === 'Limit') px = o.side === 'Buy' ? Dec.min(px, o.price) : Dec.max(px, o.price);
      this.#fill(o, q, px, false, at, seq, batch);
    });
  }

  #rest(o: SimOrder): void {
    this.#books.get(o.symbol)!.side(o.side).insert(o);
  }

  #unrest(o: SimOrder): void {
    this.#books.get(o.symbol)!.side(o.side).remove(o);
  }

  #pushVersion(o: SimOrder): void {
    o.rev++;
    const v: OrderState & { at: number } = {
      at: o.updatedTime,
      status: o.status,
      leavesQty: o.leavesQty,
      cumExecQty: o.cumExecQty,
      cumExecValue: o.cumExecValue,
      cumExecFee: o.cumExecFee,
      cancelType: o.cancelType,
      rejectReason: o.rejectReason,
      updatedTime: o.updatedTime,
    };
    (o.versions ??= []).push(v);
    if (o.versions.length > MAX_VERSIONS) o.versions.shift();
  }

  #fill(o: SimOrder, wanted: DecT, price: DecT, maker: boolean, at: number, seq: number, batch: BatchCollector): void {
    const acct = this.account(o.accountId);
    const inst = this.instruments.get(o.symbol)!;
    const pos = acct.position(o.symbol, at);
    let qty = Dec.min(wanted, o.leavesQty);
    if (o.reduceOnly) {
      const opposite = !pos.size.isZero() && pos.size.isPositive() === (o.side === 'Sell');
      if (!opposite) {
        this.#cancel(o, 'CancelByReduceOnly', at, batch);
        return;
      }
      qty = Dec.min(qty, pos.size.abs());
    }
    const value = price.times(qty);
    const rate = maker ? this.#opts.behaviour.makerFeeRate : this.#opts.behaviour.takerFeeRate;
    const fee = value.times(rate).toDecimalPlaces(8);
    this.#pushVersion(o);
    const wasOpen = !pos.size.isZero();
    const effect = applyFill(pos, o.side, qty, price, fee, at);
    pos.seq = seq;
    // A new holding (from flat, or a flip through zero) gets a new position id.
    const flipped = effect.closedQty.gt(0) && effect.closedQty.lt(qty);
    if ((!wasOpen || flipped) && !pos.size.isZero()) {
      pos.posId = this.#positionIds.next();
      pos.openSeq = seq;
    }
    this.#trackPosition(pos, wasOpen);
    o.cumExecQty = o.cumExecQty.plus(qty);
    o.cumExecValue = o.cumExecValue.plus(value);
    o.cumExecFee = o.cumExecFee.plus(fee);
    o.leavesQty = o.leavesQty.minus(qty);
    o.status = o.leavesQty.isZero() ? 'Filled' : 'PartiallyFilled';
    o.updatedTime = at;
    o.changedAt = at;
    accumulateClose(o, effect, price);
    const e = tradeRow({ n: this.nextN(), execId: this.newExecId(), order: o, inst, qty, price, fee, feeRate: rate, maker, at, mark: this.market.price(o.symbol, at), effect, seq });
    acct.addExecution(e);
    this.journal.add({ at, accountId: o.accountId, kind: 'execution', id: e.execId, change: 'trade' });
    this.journal.add({ at, accountId: o.accountId, kind: 'order', id: o.orderId, change: 'fill', status: o.status });
    this.journal.add({ at, accountId: o.accountId, kind: 'position', id: o.symbol, change: 'fill' });
    batch.execution(e);
    batch.order(o);
    batch.position(pos);
    if (o.status === 'Filled') this.#finish(o, at, batch);
    else if (o.reduceOnly && pos.size.isZero()) this.#cancel(o, 'CancelByReduceOnly', at, batch);
  }

  #trackPosition(p: SimPosition, wasOpen: boolean): void {
    const isOpen = !p.size.isZero();
    if (isOpen && !wasOpen) this.#openPositions.add(p);
    else if (!isOpen && wasOpen) this.#openPositions.delete(p);
  }

  #cancel(o: SimOrder, cancelType: string, at: number, batch: BatchCollector, rejectReason = 'EC_NoError'): void {
    this.#pushVersion(o);
    o.status = 'Cancelled';
    o.cancelType = cancelType;
    o.rejectReason = rejectReason;
    o.leavesQty = ZERO;
    o.updatedTime = at;
    o.changedAt = at;
    this.journal.add({ at, accountId: o.accountId, kind: 'order', id: o.orderId, change: 'cancelled', status: o.status });
    batch.order(o);
    batch.position(this.account(o.accountId).position(o.symbol, at));
    this.#finish(o, at, batch);
  }

  /** Leaves the book; a closing order writes its closed-PnL row now. */
  #finish(o: SimOrder, at: number, batch: BatchCollector): void {
    const acct = this.account(o.accountId);
    acct.open.delete(o.orderId);
    this.#unrest(o);
    acct.rememberClosed(o, this.#opts.behaviour.closedOrderCacheSize);
    if (o.close.size.gt(0)) {
      const row = closedPnlRow(this.nextN(), o, this.instruments.get(o.symbol)!, at);
      acct.closedPnl.insert(row);
      this.journal.add({ at, accountId: o.accountId, kind: 'closedPnl', id: o.orderId, change: 'created' });
      batch.closedPnl(row);
    }
  }

  cancel(accountId: string, req: CancelInput): SimOrder {
    const acct = this.account(accountId);
    let o: SimOrder | undefined;
    if (req.orderId) o = acct.byOrderId.get(req.orderId);
    else if (req.orderLinkId) o = acct.byLinkId.get(req.orderLinkId);
    else throw new CoreError('invalid', 'orderId or orderLinkId is required');
    if (!o || (req.symbol && o.symbol !== req.symbol)) throw new CoreError('not_found', 'order not exists or too late to cancel');
    if (o.status === 'Filled') throw new CoreError('already_filled', 'order already filled');
    if (o.status === 'Cancelled' || o.status === 'Rejected') throw new CoreError('already_cancelled', 'order already cancelled');
    const at = this.now();
    const batch = new BatchCollector(at);
    this.#cancel(o, 'CancelByUser', at, batch);
    this.#emit(batch);
    return o;
  }

  cancelAll(accountId: string, filter: { symbol?: string; baseCoin?: string; settleCoin?: string }): SimOrder[] {
    const acct = this.account(accountId);
    const at = this.now();
    const batch = new BatchCollector(at);
    const out: SimOrder[] = [];
    for (const o of [...acct.open.values()]) {
      if (filter.symbol && o.symbol !== filter.symbol) continue;
      const inst = this.instruments.get(o.symbol)!;
      if (filter.baseCoin && inst.baseCoin !== filter.baseCoin) continue;
      if (filter.settleCoin && inst.settleCoin !== filter.settleCoin) continue;
      this.#cancel(o, 'CancelByUser', at, batch);
      out.push(o);
    }
    this.#emit(batch);
    return out;
  }

  // ---------------------------------------------------------------- market

  /** One price sample per symbol; resting orders the path crossed fill. */
  tick(): void {
    const at = this.now();
    for (const symbol of this.instruments.keys()) {
      this.market.unpin(symbol);
      this.#match(symbol, this.market.price(symbol, at), at);
    }
  }

  setPrice(symbol: string, price: DecT): void {
    const inst = this.instruments.get(symbol);
    if (!inst) throw new CoreError('unknown_symbol', `symbol invalid: ${symbol}`);
    if (price.lte(0) || !price.mod(inst.tickSize).isZero()) throw new CoreError('invalid', `price must be a positive multiple of ${inst.tickSize}`);
    const at = this.now();
    this.market.setPrice(symbol, price, at);
    this.#match(symbol, price, at);
  }

  #match(symbol: string, price: DecT, at: number): void {
    const book = this.#books.get(symbol)!;
    const p = price.toNumber();
    const crossed = [...book.buys.crossing(p), ...book.sells.crossing(p)];
    if (crossed.length === 0) return;
    const batch = new BatchCollector(at);
    const rate = this.#opts.behaviour.partialFillRate;
    for (const o of crossed) {
      if (!OPEN_STATUSES.has(o.status)) continue;
      const q = this.#rng.chance(rate) ? this.#partOf(o) : o.leavesQty;
      this.#fill(o, q, o.price, true, at, this.#nextSeq(symbol), batch);
    }
    this.#emit(batch);
  }

  /** Funding for every open position; returns the number of Funding executions written. */
  funding(): number {
    const at = this.now();
    const batch = new BatchCollector(at);
    let count = 0;
    for (const p of [...this.#openPositions]) {
      const inst = this.instruments.get(p.symbol)!;
      const mark = this.market.price(p.symbol, at);
      const rate = this.fundingRate(p.symbol, at);
      const value = p.size.abs().times(mark);
      // Positive rate: longs pay shorts. A positive execFee is a cost.
      const fee = value.times(rate).times(p.size.isPositive() ? 1 : -1).toDecimalPlaces(8);
      p.cumRealisedPnl = p.cumRealisedPnl.minus(fee);
      p.curRealisedPnl = p.curRealisedPnl.minus(fee);
      p.totals.fundingFee = p.totals.fundingFee.plus(fee);
      const seq = this.#nextSeq(p.symbol);
      p.seq = seq;
      p.updatedTime = at;
      p.changedAt = at;
      const e = fundingRow({ n: this.nextN(), execId: this.newExecId(), accountId: p.accountId, inst, side: p.size.isPositive() ? 'Buy' : 'Sell', size: p.size.abs(), mark, rate, fee, at, seq });
      this.account(p.accountId).addExecution(e);
      this.journal.add({ at, accountId: p.accountId, kind: 'execution', id: e.execId, change: 'funding' });
      this.journal.add({ at, accountId: p.accountId, kind: 'position', id: p.symbol, change: 'funding' });
      batch.execution(e);
      batch.position(p);
      count++;
    }
    this.#emit(batch);
    return count;
  }

  /** Bybit "service restart": the openOnly=1 cache is memory-only. */
  restart(): void {
    for (const a of this.accounts.values()) a.closedCache = [];
  }
}
