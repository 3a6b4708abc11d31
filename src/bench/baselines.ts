import { createBybitAdapter } from '../exchanges/bybit/index.js';
import type { ExchangeAdapter } from '../exchanges/adapter.js';
import { walkPages } from '../exchanges/walk.js';
import type { OrderReport } from '../domain/types.js';
import { isOpenStatus } from '../domain/order-status.js';
import type { Store } from '../store/types.js';
import { storeInternals } from '../store/store.js';
import { silentLogger } from '../util/logger.js';
import { systemClock } from '../util/clock.js';
import type { InboundEventName, RobotEvent } from '../bus/events.js';
import { PlainLimiter } from './plain-limiter.js';
import type { BenchRobot, LagSink, SyncSide } from './types.js';

interface RobotState {
  robot: BenchRobot;
  adapter: ExchangeAdapter;
  known: Map<string, OrderReport>;
  lastSuccessAt: number;
  running: number;
  pendingEvents: number[];
}

/**
 * The two "before" schemes, implemented fairly in the bench (not in the engine): a robot's call
 * set is what a robot-centric sync needs — its symbol's open orders, its symbol's position, and
 * one order query per order that left the open list — written through the same store.
 */
export class BaselineSide implements SyncSide {
  readonly #robots: RobotState[];
  readonly #gate: PlainLimiter;
  readonly #timers: ReturnType<typeof setTimeout>[] = [];
  #running = false;
  readonly #inflight = new Set<Promise<void>>();
  readonly #startedAt = Date.now();

  constructor(
    private readonly mode: 'naive' | 's004',
    robots: BenchRobot[],
    accounts: { id: string; apiKey: string; apiSecret: string }[],
    exchange: { baseUrl: string; wsUrl: string },
    private readonly store: Store,
    private readonly lags: LagSink,
  ) {
    // 600 calls per 5 s, with the 10% margin a careful ccxt user adds so that timer jitter and
    // network delay never push a 5 s window over the ban line: slowed, not banned.
    const gate = new PlainLimiter((5000 / 600) * 1.1);
    this.#gate = gate;
    const adapters = new Map(
      accounts.map((a) => [
        a.id,
        createBybitAdapter({ id: a.id, credentials: { apiKey: a.apiKey, apiSecret: a.apiSecret } }, { baseUrl: exchange.baseUrl, wsUrl: exchange.wsUrl, timeoutMs: 10_000 }, { gate, clock: systemClock, logger: silentLogger() }),
      ]),
    );
    this.#robots = robots.map((robot) => ({ robot, adapter: adapters.get(robot.accountId)!, known: new Map(), lastSuccessAt: 0, running: 0, pendingEvents: [] }));
  }

  async start(): Promise<void> {
    this.#running = true;
    const now = Date.now();
    for (const r of this.#robots) r.lastSuccessAt = now;
    if (this.mode === 'naive') {
      // everyone every 10 s, spread over the interval
      for (const r of this.#robots) {
        const tick = () => {
          if (!this.#running) return;
          if (!r.running) this.#launch(r);
          this.#timers.push(setTimeout(tick, 10_000));
        };
        this.#timers.push(setTimeout(tick, Math.random() * 10_000));
      }
    } else {
      // S004: a 5 s loop over robots with open orders (counted in the database, per robot),
      // a 30 s loop over the rest; each runs the robot's call set, no batching, no coalescing.
      const loop = (everyMs: number, wantOpen: boolean) => {
        const tick = async () => {
          if (!this.#running) return;
          for (const r of this.#robots) {
            if (!this.#running) break;
            const open = await this.#countOpen(r.robot.id);
            if ((open > 0) === wantOpen) this.#launch(r);
          }
          if (this.#running) this.#timers.push(setTimeout(() => void tick(), everyMs));
        };
        this.#timers.push(setTimeout(() => void tick(), everyMs));
      };
      loop(5000, true);
      loop(30_000, false);
    }
  }

  event(_name: InboundEventName, e: RobotEvent): void {
    const r = this.#robots.find((x) => x.robot.id === e.robotId);
    if (!r) return;
    if (this.mode === 's004') {
      // S004 syncs at once on each event (fire and forget), whatever else is running
      r.pendingEvents.push(Date.now());
      this.#launch(r);
    } else {
      // naive polling does not listen to events: the next 10 s tick picks the change up
      r.pendingEvents.push(Date.now());
    }
  }

  staleness(now: number): { robotId: string; ms: number }[] {
    return this.#robots.map((r) => ({ robotId: r.robot.id, ms: now - r.lastSuccessAt }));
  }

  async stop(): Promise<void> {
    this.#running = false;
    for (const t of this.#timers) clearTimeout(t);
    this.#gate.close();
    await Promise.allSettled([...this.#inflight]);
    await Promise.all([...new Set(this.#robots.map((r) => r.adapter))].map((a) => a.close()));
  }

  async #countOpen(robotId: string): Promise<number> {
    const rows = await storeInternals(this.store).query<{ n: number }>(`select count(*)::int as n from orders where robot_id = ? and status_rank < 3`, [robotId]);
    return rows[0]?.n ?? 0;
  }

  #launch(r: RobotState): void {
    const p = this.#callSet(r).catch(() => undefined);
    this.#inflight.add(p);
    void p.finally(() => this.#inflight.delete(p));
  }

  async #callSet(r: RobotState): Promise<void> {
    r.running++;
    const startedAt = Date.now();
    const events = r.pendingEvents.splice(0);
    try {
      const opts = { priority: 'hot' as const };
      const open: OrderReport[] = [];
      for await (const items of walkPages((c) => r.adapter.openOrders({ symbols: [r.robot.symbol] }, c, opts))) {
        for (const o of items) if (o.symbol === r.robot.symbol && o.orderLinkId?.startsWith(r.robot.prefix)) open.push(o);
      }
      const ids = new Set(open.map((o) => o.orderId));
      const resolved: OrderReport[] = [];
      for (const [id, prev] of r.known) {
        if (ids.has(id)) continue;
        const o = await r.adapter.order({ orderId: id, symbol: prev.symbol, orderLinkId: prev.orderLinkId }, opts);
        if (o) resolved.push(o);
      }
      const positions = await r.adapter.position({ symbol: r.robot.symbol }, opts);
      const apply = await this.store.applySync({
        exchange: 'bybit',
        accountId: r.robot.accountId,
        now: Date.now(),
        orders: [...open, ...resolved].map((report) => ({ report, robotId: r.robot.id })),
        positions,
      });
      for (const c of apply.orders.changes) {
        if (c.after.updatedTime >= this.#startedAt) this.lags.detection(apply.committedAt - c.after.updatedTime);
      }
      for (const at of events) this.lags.event(apply.committedAt - at);
      r.known = new Map([...open, ...resolved].filter((o) => isOpenStatus(o.status)).map((o) => [o.orderId, o]));
      r.lastSuccessAt = Math.max(r.lastSuccessAt, startedAt);
    } catch {
      r.pendingEvents.unshift(...events);
    } finally {
      r.running--;
    }
  }
}
