import type { InboundEventName, RobotEvent } from '../bus/events.js';
import type { Clock, TimerHandle } from '../util/clock.js';

/**
 * Robot order flow for the demo and the benchmark: grid-like "busy" robots keep a resting order
 * or two near the price and hold positions; "quiet" robots mostly wait and now and then open a
 * small position and close it again. Deterministic for a seed (the exchange's fills are not, as
 * they follow its price path).
 */
export interface WorkloadExchange {
  price(symbol: string): Promise<string> | string;
  place(accountId: string, req: { symbol: string; side: 'Buy' | 'Sell'; orderType: 'Limit' | 'Market'; qty: string; price?: string; orderLinkId: string; reduceOnly?: boolean }): Promise<{ orderId: string } | null>;
  cancel(accountId: string, req: { symbol: string; orderId: string }): Promise<boolean>;
}

export interface WorkloadRobot {
  id: string;
  accountId: string;
  symbol: string;
  busy: boolean;
}

export interface WorkloadOptions {
  robots: WorkloadRobot[];
  exchange: WorkloadExchange;
  emit: (name: InboundEventName, e: RobotEvent) => void;
  clock: Clock;
  seed: number;
  /** mean time between two actions of a busy robot (ms) */
  busyActEveryMs?: number;
  /** mean time between two actions of a quiet robot (ms) */
  quietActEveryMs?: number;
  /** order size per symbol prefix */
  qty?: (symbol: string) => string;
  onError?: (err: unknown) => void;
}

interface RobotState extends WorkloadRobot {
  seq: number;
  open: { orderId: string; placedAt: number }[];
  /** quiet robots: a position they opened and will close */
  holding: 'Buy' | 'Sell' | null;
  timer: TimerHandle | null;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function defaultQty(symbol: string): string {
  if (symbol.startsWith('BTC')) return '0.001';
  if (symbol.startsWith('ETH')) return '0.01';
  return '1';
}

export class RobotWorkload {
  readonly #o: Required<Omit<WorkloadOptions, 'onError'>> & Pick<WorkloadOptions, 'onError'>;
  readonly #robots: RobotState[];
  readonly #rand: () => number;
  #running = false;
  #inflight = new Set<Promise<void>>();
  actions = 0;

  constructor(opts: WorkloadOptions) {
    this.#o = { busyActEveryMs: 4000, quietActEveryMs: 60_000, qty: defaultQty, ...opts };
    this.#rand = mulberry32(opts.seed);
    this.#robots = opts.robots.map((r) => ({ ...r, seq: 0, open: [], holding: null, timer: null }));
  }

  start(): void {
    this.#running = true;
    for (const r of this.#robots) this.#arm(r, this.#rand() * (r.busy ? this.#o.busyActEveryMs : this.#o.quietActEveryMs));
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const r of this.#robots) if (r.timer) this.#o.clock.clearTimeout(r.timer);
    await Promise.allSettled([...this.#inflight]);
  }

  #arm(r: RobotState, ms: number): void {
    r.timer = this.#o.clock.setTimeout(() => {
      r.timer = null;
      if (!this.#running) return;
      const p = this.#act(r).catch((err) => this.#o.onError?.(err));
      this.#inflight.add(p);
      void p.finally(() => {
        this.#inflight.delete(p);
        if (this.#running) {
          const mean = r.busy ? this.#o.busyActEveryMs : this.#o.quietActEveryMs;
          this.#arm(r, mean * (0.5 + this.#rand()));
        }
      });
    }, Math.max(1, Math.round(ms)));
  }

  async #act(r: RobotState): Promise<void> {
    this.actions++;
    const x = this.#rand();
    const { exchange, emit, clock } = this.#o;
    const qty = this.#o.qty(r.symbol);
    if (r.busy) {
      // keep one or two resting orders close to the price; cancel stale ones now and then
      if (r.open.length >= 2 || (r.open.length && x < 0.25)) {
        const victim = r.open.shift()!;
        if (await exchange.cancel(r.accountId, { symbol: r.symbol, orderId: victim.orderId })) {
          emit('order.cancel_requested', { robotId: r.id, orderId: victim.orderId, symbol: r.symbol });
        }
        return;
      }
      const px = Number(await exchange.price(r.symbol));
      const side: 'Buy' | 'Sell' = this.#rand() < 0.5 ? 'Buy' : 'Sell';
      const offset = 0.0005 + this.#rand() * 0.002;
      const price = (side === 'Buy' ? px * (1 - offset) : px * (1 + offset)).toFixed(px > 100 ? 1 : 4);
      const orderLinkId = `${r.id}-${++r.seq}`;
      const placed = await exchange.place(r.accountId, { symbol: r.symbol, side, orderType: 'Limit', qty, price, orderLinkId });
      if (placed) {
        r.open.push({ orderId: placed.orderId, placedAt: clock.now() });
        emit('order.placed', { robotId: r.id, orderId: placed.orderId, orderLinkId, symbol: r.symbol });
      }
      return;
    }
    // quiet robots: open a small position now and then, close it on a later action
    if (r.holding) {
      const side = r.holding === 'Buy' ? 'Sell' : 'Buy';
      const orderLinkId = `${r.id}-${++r.seq}`;
      const placed = await exchange.place(r.accountId, { symbol: r.symbol, side, orderType: 'Market', qty, orderLinkId, reduceOnly: true });
      r.holding = null;
      if (placed) emit('position.closed', { robotId: r.id, orderId: placed.orderId, orderLinkId, symbol: r.symbol });
      return;
    }
    if (x < 0.1) {
      const side: 'Buy' | 'Sell' = this.#rand() < 0.5 ? 'Buy' : 'Sell';
      const orderLinkId = `${r.id}-${++r.seq}`;
      const placed = await exchange.place(r.accountId, { symbol: r.symbol, side, orderType: 'Market', qty, orderLinkId });
      if (placed) {
        r.holding = side;
        emit('position.opened', { robotId: r.id, orderId: placed.orderId, orderLinkId, symbol: r.symbol });
      }
    }
  }
}
