import type { SimOrder } from './records.js';

/**
 * Resting limit orders of one symbol, one side. Kept sorted best-first (buys: highest price
 * first, sells: lowest), then by arrival, so a price move touches only the orders it crosses:
 * the cost of a tick is O(crossed), not O(all resting orders).
 */
export class SideBook {
  readonly orders: SimOrder[] = [];
  readonly #buy: boolean;

  constructor(side: 'Buy' | 'Sell') {
    this.#buy = side === 'Buy';
  }

  /** < 0 when a ranks before b. */
  #cmp(a: SimOrder, b: SimOrder): number {
    const d = this.#buy ? b.px - a.px : a.px - b.px;
    return d || a.n - b.n;
  }

  #index(o: SimOrder): number {
    let lo = 0, hi = this.orders.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cmp(this.orders[mid]!, o) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(o: SimOrder): void {
    this.orders.splice(this.#index(o), 0, o);
  }

  remove(o: SimOrder): boolean {
    const i = this.#index(o);
    if (this.orders[i] === o) {
      this.orders.splice(i, 1);
      return true;
    }
    return false;
  }

  /** Orders a market at `price` fills: buys priced >= price, sells priced <= price. */
  crossing(price: number): SimOrder[] {
    const out: SimOrder[] = [];
    for (const o of this.orders) {
      if (this.#buy ? o.px < price : o.px > price) break;
      out.push(o);
    }
    return out;
  }

  get size(): number {
    return this.orders.length;
  }
}

export class SymbolBook {
  readonly buys = new SideBook('Buy');
  readonly sells = new SideBook('Sell');

  side(s: 'Buy' | 'Sell'): SideBook {
    return s === 'Buy' ? this.buys : this.sells;
  }
}
