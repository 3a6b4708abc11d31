import { dec } from './decimal.js';
import type { Engine } from './engine.js';
import { snapToTick } from './market.js';
import { Rng } from './rng.js';
import type { ScenarioRequest, ScenarioStatus } from '../types.js';

const STEP_MS = 50;
const MAX_OPEN_PER_ACCOUNT = 40;

/**
 * Robot-like order flow for demos and benchmarks: limit orders a little away from the price
 * (they rest, and fill when the path wanders through them), cancels, and market orders that
 * close positions reduce-only (or open small ones). Runs on a timer until stopped or its
 * duration ends; goes through the engine directly, like robots on another connection would.
 */
export class ScenarioRunner {
  readonly #engine: Engine;
  readonly #seed: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #status: ScenarioStatus = { running: false, placed: 0, cancelled: 0, market: 0, errors: 0 };
  #runs = 0;

  constructor(engine: Engine, seed: number) {
    this.#engine = engine;
    this.#seed = seed;
  }

  status(): ScenarioStatus {
    return { ...this.#status };
  }

  start(req: ScenarioRequest): ScenarioStatus {
    const e = this.#engine;
    if (typeof req.ordersPerSecond !== 'number' || !(req.ordersPerSecond > 0) || req.ordersPerSecond > 100_000) {
      throw new Error('ordersPerSecond: expected a number in (0, 100000]');
    }
    const rate = (v: number | undefined, name: string, def: number) => {
      if (v === undefined) return def;
      if (typeof v !== 'number' || v < 0 || v > 1) throw new Error(`${name}: expected a number in [0, 1]`);
      return v;
    };
    const cancelRate = rate(req.cancelRate, 'cancelRate', 0.3);
    const marketRate = rate(req.marketRate, 'marketRate', 0.1);
    const all = [...e.accounts.keys()];
    let accounts: string[];
    if (req.accounts === undefined) accounts = all;
    else if (typeof req.accounts === 'number') accounts = all.slice(0, Math.max(1, Math.floor(req.accounts)));
    else if (Array.isArray(req.accounts)) {
      for (const a of req.accounts) if (!e.accounts.has(a)) throw new Error(`accounts: unknown account ${JSON.stringify(a)}`);
      accounts = [...req.accounts];
    } else throw new Error('accounts: expected a list of account ids or a count');
    const symbols = req.symbols ?? [...e.instruments.keys()];
    for (const s of symbols) if (!e.instruments.has(s)) throw new Error(`symbols: unknown symbol ${JSON.stringify(s)}`);
    if (req.durationMs !== undefined && (typeof req.durationMs !== 'number' || req.durationMs <= 0)) throw new Error('durationMs: expected a positive number');

    this.stop();
    const rng = new Rng(this.#seed, `scenario:${++this.#runs}`);
    const started = performance.now();
    this.#status = { running: true, startedAt: e.now(), placed: 0, cancelled: 0, market: 0, errors: 0 };
    let done = 0;
    let next = 0;
    this.#timer = setInterval(() => {
      const elapsed = performance.now() - started;
      if (req.durationMs !== undefined && elapsed >= req.durationMs) {
        this.stop();
        return;
      }
      const due = Math.floor((elapsed / 1000) * req.ordersPerSecond);
      for (; done < due; done++) {
        const acct = accounts[next++ % accounts.length]!;
        try {
          this.#act(acct, rng.pick(symbols), rng, cancelRate, marketRate);
        } catch {
          this.#status.errors++;
        }
      }
    }, STEP_MS);
    this.#timer.unref();
    return this.status();
  }

  #act(accountId: string, symbol: string, rng: Rng, cancelRate: number, marketRate: number): void {
    const e = this.#engine;
    const acct = e.account(accountId);
    const inst = e.instruments.get(symbol)!;
    const r = rng.next();
    if (r < cancelRate && acct.open.size > 0) {
      const open = [...acct.open.values()];
      e.cancel(accountId, { orderId: rng.pick(open).orderId });
      this.#status.cancelled++;
      return;
    }
    if (acct.open.size >= MAX_OPEN_PER_ACCOUNT) {
      const oldest = acct.open.values().next().value!;
      e.cancel(accountId, { orderId: oldest.orderId });
      this.#status.cancelled++;
    }
    const lots = rng.int(1, 5);
    const qty = dec(inst.minOrderQty).times(lots).toFixed(inst.qtyDecimals);
    const linkId = `scn-${Date.now().toString(36)}-${rng.hex(6)}`;
    if (r < cancelRate + marketRate) {
      const pos = acct.positions.get(symbol);
      if (pos && !pos.size.isZero()) {
        const size = pos.size.abs();
        const closeQty = rng.chance(0.5) ? size : dec(Math.max(1, Math.floor(size.div(inst.qtyStep).toNumber() / 2))).times(inst.qtyStep);
        e.place(accountId, { symbol, side: pos.size.isPositive() ? 'Sell' : 'Buy', orderType: 'Market', qty: closeQty.toFixed(inst.qtyDecimals), reduceOnly: true, orderLinkId: linkId });
      } else {
        e.place(accountId, { symbol, side: rng.chance(0.5) ? 'Buy' : 'Sell', orderType: 'Market', qty, orderLinkId: linkId });
      }
      this.#status.market++;
      this.#status.placed++;
      return;
    }
    const side = rng.chance(0.5) ? 'Buy' : 'Sell';
    const last = e.lastPrice(symbol);
    const off = 0.0002 + rng.next() * 0.004;
    const price = snapToTick(last.times(side === 'Buy' ? 1 - off : 1 + off), inst);
    e.place(accountId, { symbol, side, orderType: 'Limit', qty, price: price.toFixed(), orderLinkId: linkId });
    this.#status.placed++;
  }

  stop(): ScenarioStatus {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#status.running = false;
    return this.status();
  }
}
