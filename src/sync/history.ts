import type { Priority } from '../domain/priority.js';
import { Attribution } from '../domain/attribution.js';
import type { ClosedPnlReport, ExchangeName, ExecutionReport, OrderReport, PositionReport } from '../domain/types.js';
import { isZero } from '../domain/types.js';
import type { CallOptions, ExchangeAdapter, HistoryStream, Page, TimeRange } from '../exchanges/adapter.js';
import { splitWindows, walkPages } from '../exchanges/walk.js';
import type { ApplyResult, CursorAdvance, RobotRow, Store, SyncBatch } from '../store/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

export interface HistoryOptions {
  /** incremental fetches start this far before the cursor, for rows the exchange writes late */
  overlapMs: number;
  /** first sight of an account: how far back to look */
  initialLookbackMs: number;
}

export interface HistoryDeps {
  exchange: ExchangeName;
  accountId: string;
  adapter: ExchangeAdapter;
  store: Store;
  clock: Clock;
  logger: Logger;
  robots: () => RobotRow[];
  options: HistoryOptions;
}

export interface StreamCounts {
  stream: HistoryStream;
  windows: number;
  pages: number;
  rowsNew: number;
  rowsUpdated: number;
  rowsSkipped: number;
}

export interface WindowProgress {
  stream: HistoryStream;
  window: TimeRange;
  index: number;
  of: number;
  rows: number;
}

/** The cursor a backfill keeps apart from the incremental one, so both can resume. */
export const backfillStream = (s: HistoryStream) => `${s}:backfill`;

/**
 * An account's history streams (S000, S001/S003 done without their gaps): each stream is
 * incremental from its cursor minus an overlap, pages to the end, walks the exchange's time
 * windows oldest first, and commits every window together with its cursor (DESIGN invariant 3),
 * so an interrupted run resumes where it stopped. Funding and other non-fill exec types are
 * stored with their exec_type, apart from fills.
 */
export class HistorySyncer {
  constructor(private readonly d: HistoryDeps) {}

  /** Incremental run of the given streams. */
  async run(streams: HistoryStream[], priority: Priority, signal?: AbortSignal): Promise<StreamCounts[]> {
    const now = this.d.clock.now();
    const cursors = await this.d.store.getCursors(this.d.accountId);
    const out: StreamCounts[] = [];
    for (const stream of streams) {
      if (!this.d.adapter.info.streams.includes(stream)) continue;
      if (stream === 'positions') {
        out.push(await this.#positions(priority, signal));
        continue;
      }
      const cur = cursors.find((c) => c.stream === stream && c.symbol === '');
      const start = cur?.time != null ? cur.time - this.d.options.overlapMs : now - this.d.options.initialLookbackMs;
      out.push(await this.#walk(stream, stream, { start: this.#floor(start, now), end: now }, priority, signal));
    }
    return out;
  }

  /**
   * Backfill down to `since` (clamped to the exchange's floor), window by window, oldest first.
   * Resumable: its own cursor records how far it got; a rerun continues from there. When done,
   * the incremental cursor is moved up to where the backfill ended if it was behind.
   */
  async backfill(
    streams: HistoryStream[],
    since: number,
    opts: { signal?: AbortSignal; onWindow?: (p: WindowProgress) => void } = {},
  ): Promise<StreamCounts[]> {
    const now = this.d.clock.now();
    const cursors = await this.d.store.getCursors(this.d.accountId);
    const out: StreamCounts[] = [];
    for (const stream of streams) {
      if (!this.d.adapter.info.streams.includes(stream)) continue;
      if (stream === 'positions') {
        out.push(await this.#positions('backfill', opts.signal));
        continue;
      }
      const bf = cursors.find((c) => c.stream === backfillStream(stream) && c.symbol === '');
      const from = this.#floor(since, now);
      // resume: a previous backfill over the same start got up to bf.time
      const start = bf?.time != null && bf.id !== null && Number(bf.id) <= from ? Math.max(from, bf.time - this.d.options.overlapMs) : from;
      const counts = await this.#walk(stream, backfillStream(stream), { start, end: now }, 'backfill', opts.signal, opts.onWindow, String(from));
      const inc = cursors.find((c) => c.stream === stream && c.symbol === '');
      if (inc?.time == null || inc.time < now) {
        await this.d.store.applySync({ exchange: this.d.exchange, accountId: this.d.accountId, now: this.d.clock.now(), cursors: [{ stream, symbol: '', time: now, id: null, exchangeCursor: null }] });
      }
      out.push(counts);
    }
    return out;
  }

  #floor(t: number, now: number): number {
    return Math.max(t, now - this.d.adapter.info.historyFloorMs + 60_000);
  }

  async #walk(
    stream: Exclude<HistoryStream, 'positions'>,
    cursorName: string,
    range: TimeRange,
    priority: Priority,
    signal?: AbortSignal,
    onWindow?: (p: WindowProgress) => void,
    cursorId: string | null = null,
  ): Promise<StreamCounts> {
    const counts: StreamCounts = { stream, windows: 0, pages: 0, rowsNew: 0, rowsUpdated: 0, rowsSkipped: 0 };
    const windows = splitWindows(range, this.d.adapter.info.maxWindowMs, 'oldest-first');
    const opts: CallOptions = { priority, signal };
    const attribution = new Attribution(this.d.robots());
    for (let i = 0; i < windows.length; i++) {
      signal?.throwIfAborted();
      const w = windows[i]!;
      const fetchPage = (c: string | null): Promise<Page<OrderReport | ExecutionReport | ClosedPnlReport>> =>
        stream === 'executions'
          ? this.d.adapter.executions({ range: w }, c, opts)
          : stream === 'orders'
            ? this.d.adapter.orderHistory({ range: w }, c, opts)
            : this.d.adapter.closedPnl({ range: w }, c, opts);
      const batch: SyncBatch = { exchange: this.d.exchange, accountId: this.d.accountId, now: this.d.clock.now() };
      let rows = 0;
      for await (const items of walkPages(fetchPage)) {
        counts.pages++;
        rows += items.length;
        if (stream === 'executions') {
          (batch.executions ??= []).push(...(items as ExecutionReport[]).map((report) => ({ report, robotId: attribution.forOrder(report) })));
        } else if (stream === 'orders') {
          (batch.orders ??= []).push(...(items as OrderReport[]).map((report) => ({ report, robotId: attribution.forOrder(report) })));
        } else {
          (batch.closedPnl ??= []).push(...(items as ClosedPnlReport[]).map((report) => ({ report, robotId: attribution.forOrder({ symbol: report.symbol, orderLinkId: null }) })));
        }
      }
      const cursor: CursorAdvance = { stream: cursorName, symbol: '', time: w.end, id: cursorId, exchangeCursor: null };
      batch.cursors = [cursor];
      const r = await this.d.store.applySync(batch);
      add(counts, r);
      counts.windows++;
      onWindow?.({ stream, window: w, index: i, of: windows.length, rows });
    }
    return counts;
  }

  async #positions(priority: Priority, signal?: AbortSignal): Promise<StreamCounts> {
    const opts: CallOptions = { priority, signal };
    const counts: StreamCounts = { stream: 'positions', windows: 1, pages: 0, rowsNew: 0, rowsUpdated: 0, rowsSkipped: 0 };
    const positions: PositionReport[] = [];
    for await (const items of walkPages((c) => this.d.adapter.positions({ symbols: [] }, c, opts))) {
      counts.pages++;
      positions.push(...items);
    }
    const seen = new Set(positions.map((p) => `${p.symbol}:${p.positionIdx}`));
    const stored = await this.d.store.positions(this.d.exchange, this.d.accountId);
    const wentFlat = new Set(stored.filter((p) => !isZero(p.size) && !seen.has(`${p.symbol}:${p.positionIdx}`)).map((p) => p.symbol));
    for (const symbol of wentFlat) {
      positions.push(...(await this.d.adapter.position({ symbol }, opts)));
      counts.pages++;
    }
    const r = await this.d.store.applySync({ exchange: this.d.exchange, accountId: this.d.accountId, now: this.d.clock.now(), positions, cursors: [{ stream: 'positions', symbol: '', time: this.d.clock.now(), id: null, exchangeCursor: null }] });
    add(counts, r);
    return counts;
  }
}

function add(c: StreamCounts, r: ApplyResult): void {
  c.rowsNew += r.orders.inserted + r.executions.inserted + r.closedPnl.inserted + r.positions.inserted;
  c.rowsUpdated += r.orders.updated + r.positions.updated;
  c.rowsSkipped += r.orders.unchanged + r.executions.unchanged + r.closedPnl.unchanged + r.positions.unchanged;
}
