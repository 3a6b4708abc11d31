import { compareProgress, isOpenStatus } from '../domain/order-status.js';
import type { OrderReport } from '../domain/types.js';
import { isZero } from '../domain/types.js';
import type { StoredOrder, StoredPosition } from '../store/types.js';

/** What the engine remembers of one account between syncs, so a quiet tick costs no DB query. */
export interface KnownOrder {
  orderId: string;
  orderLinkId: string | null;
  symbol: string;
  status: OrderReport['status'];
  cumExecQty: string;
  updatedTime: number;
  createdTime: number;
  robotId: string | null;
  /** local time it was last noted; an open-list snapshot older than this cannot speak for it */
  seenAt: number;
}

export interface KnownPosition {
  symbol: string;
  positionIdx: number;
  side: string;
  size: string;
}

const MAX_HINTS = 10_000;

export class AccountState {
  loaded = false;
  /** open orders as last seen */
  readonly open = new Map<string, KnownOrder>();
  /** non-zero positions, by symbol:positionIdx */
  readonly positions = new Map<string, KnownPosition>();
  /** orders the exchange positively does not know; not looked up again */
  readonly unresolvable = new Set<string>();
  /** orderId / orderLinkId -> robot, from robot events */
  readonly hints = new Map<string, string>();
  /** orders robot events named since the last sync: looked up if the open list does not show them */
  readonly pendingRefs = new Map<string, { orderId?: string; orderLinkId?: string; symbol?: string }>();
  /** a robot event without order ids: the next sync takes the full look */
  needFull = false;
  /**
   * Orders seen closed recently, with their last progress: a second look finds no "new" fill,
   * and an older open-list snapshot (a REST page read before a push closed the order) cannot
   * bring a closed order back to life.
   */
  readonly #closed = new Map<string, Pick<OrderReport, 'status' | 'updatedTime' | 'cumExecQty'>>();
  /** fingerprint of the last open list: unchanged means nothing can have filled */
  openSignature = '';
  lastFullAt = 0;
  lastPositionsAt = 0;
  lastSuccessAt = 0;
  /** last heartbeat of a healthy private stream: everything before it was pushed */
  streamFreshAt = 0;
  streamConnected = false;

  loadFrom(orders: StoredOrder[], positions: StoredPosition[]): void {
    for (const o of orders) {
      if (!isOpenStatus(o.status) || this.unresolvable.has(o.orderId)) continue;
      this.open.set(o.orderId, {
        orderId: o.orderId,
        orderLinkId: o.orderLinkId,
        symbol: o.symbol,
        status: o.status,
        cumExecQty: o.cumExecQty,
        updatedTime: o.updatedTime,
        createdTime: o.createdTime,
        robotId: o.robotId,
        seenAt: 0,
      });
    }
    for (const p of positions) this.notePosition(p);
    this.loaded = true;
  }

  /** Cumulative filled quantity as last seen, '0' for an order never seen. */
  knownCum(orderId: string): string {
    return this.open.get(orderId)?.cumExecQty ?? this.#closed.get(orderId)?.cumExecQty ?? '0';
  }

  /** Whether the order was seen closed recently (its final state is known). */
  knownClosed(orderId: string): boolean {
    return this.#closed.has(orderId);
  }

  /** A robot event: remember what it names so the next sync can look it up. */
  noteEvent(e: { orderId?: string; orderLinkId?: string; symbol?: string }): void {
    if (!e.orderId && !e.orderLinkId) {
      this.needFull = true;
      return;
    }
    if (this.pendingRefs.size >= MAX_HINTS) this.pendingRefs.delete(this.pendingRefs.keys().next().value!);
    this.pendingRefs.set(e.orderId ?? e.orderLinkId!, { orderId: e.orderId, orderLinkId: e.orderLinkId, symbol: e.symbol });
  }

  hint(key: string, robotId: string): void {
    if (this.hints.size >= MAX_HINTS) this.hints.delete(this.hints.keys().next().value!);
    this.hints.set(key, robotId);
  }

  hintFor(o: { orderId: string; orderLinkId: string | null }): string | null {
    return this.hints.get(o.orderId) ?? (o.orderLinkId ? this.hints.get(o.orderLinkId) : undefined) ?? null;
  }

  /** Applies an order report monotonically (DESIGN invariant 2) to the in-memory open list. */
  noteOrder(r: OrderReport, robotId: string | null, now: number): void {
    const prev = this.open.get(r.orderId) ?? this.#closed.get(r.orderId);
    if (prev && compareProgress(r, prev) < 0) return;
    if (isOpenStatus(r.status)) {
      this.#closed.delete(r.orderId);
      this.open.set(r.orderId, {
        orderId: r.orderId,
        orderLinkId: r.orderLinkId,
        symbol: r.symbol,
        status: r.status,
        cumExecQty: r.cumExecQty,
        updatedTime: r.updatedTime,
        createdTime: r.createdTime,
        robotId,
        seenAt: now,
      });
    } else {
      this.open.delete(r.orderId);
      if (this.#closed.size >= MAX_HINTS) this.#closed.delete(this.#closed.keys().next().value!);
      this.#closed.set(r.orderId, { status: r.status, updatedTime: r.updatedTime, cumExecQty: r.cumExecQty });
    }
  }


  notePosition(p: { symbol: string; positionIdx: number; side: string; size: string }): void {
    const key = `${p.symbol}:${p.positionIdx}`;
    if (isZero(p.size)) this.positions.delete(key);
    else this.positions.set(key, { symbol: p.symbol, positionIdx: p.positionIdx, side: p.side, size: p.size });
  }

  static signature(open: OrderReport[]): string {
    return open
      .map((o) => `${o.orderId}:${o.status}:${o.cumExecQty}:${o.updatedTime}`)
      .sort()
      .join('|');
  }
}
