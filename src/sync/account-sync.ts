import type { Priority } from '../domain/priority.js';
import { Attribution } from '../domain/attribution.js';
import { compareDecimal, isOpenStatus } from '../domain/order-status.js';
import { isFill, type ExchangeName, type ExecutionReport, type OrderReport, type PositionReport } from '../domain/types.js';
import type { CallOptions, ExchangeAdapter } from '../exchanges/adapter.js';
import { splitWindows, walkPages } from '../exchanges/walk.js';
import type { ApplyResult, CursorAdvance, RobotRow, Store, SyncBatch } from '../store/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { AccountState } from './account-state.js';

export interface AccountSyncOptions {
  /** positions are re-checked at least this often even when the open list is quiet (liquidations) */
  idleIntervalMs: number;
  /** ... and this often while a healthy private stream pushes them */
  streamFullCheckMs: number;
  /** incremental fetches start this far before the cursor, for late-written rows */
  overlapMs: number;
  /** how far back the first sync of an account looks for executions */
  initialLookbackMs: number;
}

export interface AccountSyncDeps {
  exchange: ExchangeName;
  accountId: string;
  adapter: ExchangeAdapter;
  store: Store;
  clock: Clock;
  logger: Logger;
  /** the account's robots right now (active and paused) */
  robots: () => RobotRow[];
  /** symbols synced even without robots */
  extraSymbols: string[];
  options: AccountSyncOptions;
}

export interface AccountSyncResult {
  mode: 'light' | 'full';
  /** local time the first exchange call was made: the data are as fresh as this */
  snapshotAt: number;
  committedAt: number;
  apply: ApplyResult | null;
  /** robot -> open orders attributed to it */
  openByRobot: Map<string, number>;
  /** symbols with a non-zero position */
  nonZeroSymbols: Set<string>;
}

/** job priorities / reasons that always take the full look */
const FULL_REASONS = new Set<string>(['reconnect', 'manual']);
export const EXECUTIONS_STREAM = 'executions';
/** per sync; more than this many unknown orders in one look are left to the history run */
const MAX_STRANGER_LOOKUPS = 20;

/**
 * One account, one sync: the open list (one call per settle coin serves every robot on the
 * account), targeted lookups of orders that left it, then — only when something can have
 * changed — executions since the cursor and positions, all written in one transaction.
 */
export class AccountSyncer {
  readonly state = new AccountState();

  constructor(private readonly d: AccountSyncDeps) {}

  symbols(): string[] {
    const set = new Set(this.d.extraSymbols);
    for (const r of this.d.robots()) for (const s of r.symbols) set.add(s);
    return [...set].sort();
  }

  attribution(): Attribution {
    return new Attribution(this.d.robots());
  }

  /**
   * `streamCovers`: a healthy private stream pushes fills and positions as they happen, so this
   * sync is the safety net: it takes the full look on its own schedule (positions due, a
   * reconnect, a manual request) rather than for every fill the open list shows.
   */
  async sync(job: { priority: Priority; reasons: Iterable<string>; streamCovers?: boolean }): Promise<AccountSyncResult> {
    const { adapter, store, clock } = this.d;
    const opts: CallOptions = { priority: job.priority };
    if (!this.state.loaded) {
      const [orders, positions] = await Promise.all([
        store.openOrders(this.d.exchange, this.d.accountId),
        store.positions(this.d.exchange, this.d.accountId),
      ]);
      this.state.loadFrom(orders, positions);
    }
    const attribution = this.attribution();
    const symbols = this.symbols();
    const snapshotAt = clock.now();

    // 1. the open list
    const open: OrderReport[] = [];
    for await (const items of walkPages((c) => adapter.openOrders({ symbols }, c, opts))) open.push(...items);
    const openIds = new Set(open.map((o) => o.orderId));
    const signature = AccountState.signature(open);

    // 2. orders that left the list, and orders robots told us about that never showed in it
    //    (a market order fills before any poll): their state, looked up (invariant 5: never assumed)
    // (an order a push told us of after the list was read is not missing from it)
    const vanished = [...this.state.open.values()].filter((o) => o.seenAt < snapshotAt && !openIds.has(o.orderId) && !this.state.unresolvable.has(o.orderId));
    // (an order already known, open or closed — by the list or a push — needs no lookup)
    const refs = [...this.state.pendingRefs.values()].filter(
      (r) =>
        !(r.orderId && (openIds.has(r.orderId) || this.state.open.has(r.orderId) || this.state.knownClosed(r.orderId))) &&
        !(r.orderLinkId && open.some((o) => o.orderLinkId === r.orderLinkId)),
    );
    this.state.pendingRefs.clear();
    const lookups = [
      ...vanished.map((v) => ({ orderId: v.orderId, symbol: v.symbol, orderLinkId: v.orderLinkId })),
      ...refs.filter((r) => r.orderId && !vanished.some((v) => v.orderId === r.orderId)).map((r) => ({ orderId: r.orderId!, symbol: r.symbol ?? symbols[0] ?? '', orderLinkId: r.orderLinkId ?? null })),
    ];
    const resolved: OrderReport[] = [];
    for (const ref of lookups) {
      const r = await adapter.order(ref, opts);
      if (r) resolved.push(r);
      else if (this.state.open.has(ref.orderId)) {
        // The exchange positively does not know it: leave the stored row alone, stop asking.
        this.state.unresolvable.add(ref.orderId);
        this.d.logger.warn('order left the open list and the exchange does not know it', { orderId: ref.orderId, symbol: ref.symbol });
      }
    }
    // a robot event naming only an orderLinkId we could not place: fall back to a full look
    const unresolvedRefs = refs.some((r) => !r.orderId && r.orderLinkId);

    const now = clock.now();
    const changed = signature !== this.state.openSignature || resolved.length > 0;
    // (pushes carry positions, liquidations included, while the stream is healthy)
    const positionsDue = now - this.state.lastPositionsAt >= (job.streamCovers ? this.d.options.streamFullCheckMs : this.d.options.idleIntervalMs);
    // Executions and positions move only when something filled. The open list and the lookups
    // show every fill of the orders we know of (cumExecQty grew); only what we cannot see
    // (an event without ids, a reconnect gap, a manual request, a liquidation between position
    // checks) calls for the full look regardless.
    const filled = [...open, ...resolved].some((o) => compareDecimal(o.cumExecQty, this.state.knownCum(o.orderId)) > 0);
    const full =
      (!job.streamCovers && (filled || unresolvedRefs || this.state.needFull)) ||
      positionsDue ||
      !this.state.lastFullAt ||
      [...job.reasons].some((r) => FULL_REASONS.has(r)) ||
      FULL_REASONS.has(job.priority);
    this.state.needFull = false;

    const orders: { report: OrderReport; robotId: string | null }[] = [...open, ...resolved].map((report) => ({
      report,
      robotId: attribution.forOrder(report, this.state.hintFor(report)),
    }));

    let executions: { report: ExecutionReport; robotId: string | null }[] = [];
    let positions: PositionReport[] = [];
    const cursors: CursorAdvance[] = [];
    let apply: ApplyResult | null = null;

    if (full) {
      // 3. executions since the cursor (older 7-day windows committed on their own, oldest first)
      const execs = await this.#executionsSinceCursor(opts, snapshotAt, attribution);
      executions = execs.last;
      if (execs.cursor) cursors.push(execs.cursor);

      // Orders that came and went between two looks (a market order nobody told us of) show
      // only as fills: look them up so their order row is there too, not just the history run's.
      const seenIds = new Set([...openIds, ...resolved.map((r) => r.orderId)]);
      const strangers = [
        ...new Map(
          executions
            .filter((e) => isFill(e.report.execType) && e.report.orderId && !seenIds.has(e.report.orderId) && !this.state.open.has(e.report.orderId) && !this.state.knownClosed(e.report.orderId))
            .map((e) => [e.report.orderId, e.report] as const),
        ).values(),
      ].slice(0, MAX_STRANGER_LOOKUPS);
      for (const e of strangers) {
        const r = await adapter.order({ orderId: e.orderId, symbol: e.symbol, orderLinkId: e.orderLinkId }, opts);
        if (r) orders.push({ report: r, robotId: attribution.forOrder(r, this.state.hintFor(r)) });
      }

      // 4. positions: one call for every non-zero one, a targeted call for those that went flat
      for await (const items of walkPages((c) => adapter.positions({ symbols }, c, opts))) positions.push(...items);
      const seen = new Set(positions.map((p) => `${p.symbol}:${p.positionIdx}`));
      const wentFlat = [...new Set([...this.state.positions.values()].filter((p) => !seen.has(`${p.symbol}:${p.positionIdx}`)).map((p) => p.symbol))];
      for (const symbol of wentFlat) positions.push(...(await adapter.position({ symbol }, opts)));
    }

    // Nothing to write on a quiet light tick: no DB round trip at all.
    if (full || orders.length) {
      const batch: SyncBatch = {
        exchange: this.d.exchange,
        accountId: this.d.accountId,
        now: clock.now(),
        orders: changed || full ? orders : [],
        executions,
        positions,
        cursors,
      };
      if (batch.orders!.length || executions.length || positions.length || cursors.length) apply = await store.applySync(batch);
    }

    // Memory follows only what was committed.
    const notedAt = clock.now();
    for (const o of orders) this.state.noteOrder(o.report, o.robotId, notedAt);
    const stillOpen = new Set(resolved.filter((r) => isOpenStatus(r.status)).map((r) => r.orderId));
    for (const [id, o] of [...this.state.open]) if (o.seenAt < snapshotAt && !openIds.has(id) && !stillOpen.has(id)) this.state.open.delete(id);
    if (full) {
      for (const p of positions) this.state.notePosition(p);
      this.state.lastPositionsAt = snapshotAt;
      this.state.lastFullAt = snapshotAt;
    }
    this.state.openSignature = signature;
    this.state.lastSuccessAt = snapshotAt;

    return {
      mode: full ? 'full' : 'light',
      snapshotAt,
      committedAt: apply?.committedAt ?? clock.now(),
      apply,
      ...this.#exposure(attribution),
    };
  }

  /** Writes what the private stream pushed, like a sync would (same upserts, same rules). */
  async applyPush(p: { orders?: OrderReport[]; executions?: ExecutionReport[]; positions?: PositionReport[] }): Promise<{ apply: ApplyResult; openByRobot: Map<string, number>; nonZeroSymbols: Set<string> }> {
    const attribution = this.attribution();
    const orders = (p.orders ?? []).map((report) => ({ report, robotId: attribution.forOrder(report, this.state.hintFor(report)) }));
    const executions = (p.executions ?? []).map((report) => ({ report, robotId: this.#robotForExecution(report, attribution) }));
    const apply = await this.d.store.applySync({
      exchange: this.d.exchange,
      accountId: this.d.accountId,
      now: this.d.clock.now(),
      orders,
      executions,
      positions: p.positions ?? [],
    });
    const notedAt = this.d.clock.now();
    for (const o of orders) this.state.noteOrder(o.report, o.robotId, notedAt);
    for (const pos of p.positions ?? []) this.state.notePosition(pos);
    return { apply, ...this.#exposure(attribution) };
  }

  #exposure(attribution: Attribution): { openByRobot: Map<string, number>; nonZeroSymbols: Set<string> } {
    const openByRobot = new Map<string, number>();
    for (const o of this.state.open.values()) {
      const robotId = o.robotId ?? attribution.forOrder(o, this.state.hintFor(o));
      if (robotId) openByRobot.set(robotId, (openByRobot.get(robotId) ?? 0) + 1);
    }
    const nonZeroSymbols = new Set([...this.state.positions.values()].map((p) => p.symbol));
    return { openByRobot, nonZeroSymbols };
  }

  #robotForExecution(e: ExecutionReport, attribution: Attribution): string | null {
    const known = this.state.open.get(e.orderId);
    if (known?.robotId) return known.robotId;
    return attribution.forOrder({ orderId: e.orderId, symbol: e.symbol, orderLinkId: e.orderLinkId }, this.state.hintFor(e));
  }

  async #executionsSinceCursor(
    opts: CallOptions,
    until: number,
    attribution: Attribution,
  ): Promise<{ last: { report: ExecutionReport; robotId: string | null }[]; cursor: CursorAdvance | null }> {
    const { adapter, store } = this.d;
    const cursorRows = await store.getCursors(this.d.accountId);
    const cur = cursorRows.find((c) => c.stream === EXECUTIONS_STREAM && c.symbol === '');
    const from = Math.max(
      (cur?.time ?? until - this.d.options.initialLookbackMs) - this.d.options.overlapMs,
      until - adapter.info.historyFloorMs,
    );
    const windows = splitWindows({ start: from, end: until }, adapter.info.maxWindowMs, 'oldest-first');
    let last: { report: ExecutionReport; robotId: string | null }[] = [];
    let cursor: CursorAdvance | null = null;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const rows: { report: ExecutionReport; robotId: string | null }[] = [];
      for await (const items of walkPages((c) => adapter.executions({ range: w }, c, opts))) {
        for (const report of items) rows.push({ report, robotId: this.#robotForExecution(report, attribution) });
      }
      const advance: CursorAdvance = { stream: EXECUTIONS_STREAM, symbol: '', time: w.end, id: null, exchangeCursor: null };
      if (i < windows.length - 1) {
        // An older window: commit it with its cursor now, so a long catch-up is resumable.
        await store.applySync({ exchange: this.d.exchange, accountId: this.d.accountId, now: this.d.clock.now(), executions: rows, cursors: [advance] });
      } else {
        last = rows;
        cursor = advance;
      }
    }
    return { last, cursor };
  }
}
