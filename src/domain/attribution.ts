/**
 * Which robot an order belongs to. The sync unit is the account, so every order an account
 * lists must be attributed: by orderLinkId prefix first (the longest matching prefix wins), then
 * by symbol among robots without a prefix when exactly one trades it. Explicit hints (a robot
 * said "I placed orderId X") beat both.
 */
export interface RobotRef {
  id: string;
  symbols: string[];
  orderLinkPrefix: string | null;
}

export class Attribution {
  readonly #byPrefix: RobotRef[];
  readonly #bySymbol = new Map<string, RobotRef[]>();
  readonly #symbolRobots = new Map<string, string[]>();

  constructor(robots: readonly RobotRef[]) {
    this.#byPrefix = robots.filter((r) => r.orderLinkPrefix).sort((a, b) => b.orderLinkPrefix!.length - a.orderLinkPrefix!.length);
    for (const r of robots) {
      for (const s of r.symbols) {
        const all = this.#symbolRobots.get(s) ?? [];
        all.push(r.id);
        this.#symbolRobots.set(s, all);
        if (!r.orderLinkPrefix) {
          const list = this.#bySymbol.get(s) ?? [];
          list.push(r);
          this.#bySymbol.set(s, list);
        }
      }
    }
  }

  forOrder(o: { orderId?: string; symbol: string; orderLinkId: string | null }, hint?: string | null): string | null {
    if (hint) return hint;
    if (o.orderLinkId) {
      for (const r of this.#byPrefix) {
        if (o.orderLinkId.startsWith(r.orderLinkPrefix!) && (r.symbols.length === 0 || r.symbols.includes(o.symbol))) return r.id;
      }
    }
    const candidates = this.#bySymbol.get(o.symbol);
    return candidates && candidates.length === 1 ? candidates[0]!.id : null;
  }

  /** Every robot trading the symbol (positions are per account and symbol, so all of them). */
  forSymbol(symbol: string): string[] {
    return this.#symbolRobots.get(symbol) ?? [];
  }
}
