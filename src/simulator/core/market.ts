import type { Instrument } from './instruments.js';
import { PricePath } from './price-path.js';
import { dec, type Dec } from './decimal.js';

/**
 * Live prices: the seeded path times a per-symbol multiplier. `setPrice` jumps the price by
 * changing the multiplier from that moment on; earlier times keep the multiplier they had, so
 * past klines stay stable after a jump and the live path continues smoothly from the new level.
 */
export class Market {
  readonly path: PricePath;
  readonly #instruments: Map<string, Instrument>;
  /** Per symbol: multiplier segments sorted by start time. */
  readonly #segments = new Map<string, { from: number; m: number }[]>();
  /** The exact price set by setPrice, held until the next price tick unpins it. */
  readonly #pinned = new Map<string, { at: number; price: Dec }>();

  constructor(seed: number, instruments: Map<string, Instrument>) {
    this.path = new PricePath(seed);
    this.#instruments = instruments;
  }

  instrument(symbol: string): Instrument | undefined {
    return this.#instruments.get(symbol);
  }

  /** Unrounded price at time t, including jumps made before t. */
  raw(symbol: string, t: number): number {
    const inst = this.#instruments.get(symbol);
    if (!inst) throw new Error(`unknown symbol ${symbol}`);
    return this.path.at(inst, t) * this.#multiplier(symbol, t);
  }

  /** Price rounded to the tick size; exactly the set price until the next tick after setPrice. */
  price(symbol: string, t: number): Dec {
    const pin = this.#pinned.get(symbol);
    if (pin && t >= pin.at) return pin.price;
    const inst = this.#instruments.get(symbol)!;
    return roundToTick(this.raw(symbol, t), inst);
  }

  setPrice(symbol: string, price: Dec, t: number): void {
    const inst = this.#instruments.get(symbol);
    if (!inst) throw new Error(`unknown symbol ${symbol}`);
    const m = price.toNumber() / this.path.at(inst, t);
    let segs = this.#segments.get(symbol);
    if (!segs) this.#segments.set(symbol, (segs = []));
    while (segs.length && segs[segs.length - 1]!.from >= t) segs.pop();
    segs.push({ from: t, m });
    this.#pinned.set(symbol, { at: t, price });
  }

  /** Drops the pin so the next sample follows the path again. */
  unpin(symbol: string): void {
    this.#pinned.delete(symbol);
  }

  #multiplier(symbol: string, t: number): number {
    const segs = this.#segments.get(symbol);
    if (!segs || segs.length === 0 || t < segs[0]!.from) return 1;
    let lo = 0, hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.from <= t) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo]!.m;
  }
}

export function roundToTick(p: number, inst: Instrument): Dec {
  const tick = Number(inst.tickSize);
  const n = Math.max(1, Math.round(p / tick));
  return dec(n).times(inst.tickSize);
}

/** Nearest tick (at least one tick) for a decimal price. */
export function snapToTick(p: Dec, inst: Instrument): Dec {
  const t = dec(inst.tickSize);
  const n = p.div(t).round();
  return (n.lt(1) ? dec(1) : n).times(t);
}
