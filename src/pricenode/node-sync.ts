import type { PricenodeConfig } from '../config/schema.js';
import { StoreInputError } from '../store/errors.js';
import type { MarketStore } from '../store/market.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { redactString } from '../util/redact.js';
import { NodeAnswerError, isNodeWide } from './errors.js';
import type { ExportPage, NodeClient } from './node-client.js';
import { TIMEFRAME_MS, klineStream, timeframeOf, type KlineRow, type MarketStream, type NodeRow, type NodeStatusRow, type SeriesInfo, type TickerRow } from './types.js';

/**
 * One sync pass for one node: for each (pair, data type) the node offers (restricted to the
 * node's symbols when it has some, and to the configured timeframes), pull the export pages
 * from the stored cursor (or the first-sync lookback), each page written together with the
 * cursor that covers it. At most `maxRowsPerRun` rows per (pair, data type): the rest is left
 * `pending` and the caller queues the next pass at once.
 *
 * A failure of the node itself (down, key refused) marks this and every remaining (pair, data
 * type) failed with the reason and ends the pass: the caller backs the node off. A failure of one
 * (pair, data type) (the node refused that request, sent a bad row) marks only it failed.
 */
export interface StreamResult {
  exchange: string;
  symbol: string;
  stream: MarketStream;
  state: NodeStatusRow['state'];
  /** rows the node sent in this pass */
  fetched: number;
  /** rows that were new or changed here */
  written: number;
  pages: number;
  lastTime: number | null;
  error: string | null;
}

export interface NodeRunResult {
  nodeId: number;
  name: string;
  ok: boolean;
  /** the node itself failed (down, auth): the caller backs off */
  nodeError: string | null;
  /** some (pair, data type) stopped at the row cap: run again soon */
  more: boolean;
  /** the pass was stopped (daemon shutdown) before it finished: not a failure of the node */
  aborted: boolean;
  startedAt: number;
  finishedAt: number;
  streams: StreamResult[];
}

/** Called after each committed page (tests use it to change the node between two pages). */
export type AfterPage = (e: { node: NodeRow; stream: MarketStream; symbol: string; page: number; times: number[] }) => Promise<void> | void;

export interface NodeSyncDeps {
  market: MarketStore;
  clock: Clock;
  logger: Logger;
  config: Pick<PricenodeConfig, 'sync' | 'lookbacks'>;
  afterPage?: AfterPage;
}

/** The export's own limits per request (S002's: tickers 5,000, klines 10,000). */
const MAX_LIMIT = { tickers: 5000, klines: 10_000 } as const;
const MAX_ERROR = 500;

function errorText(err: unknown): string {
  const s = redactString(err instanceof Error ? err.message : String(err));
  return s.length > MAX_ERROR ? `${s.slice(0, MAX_ERROR)}…` : s;
}

export class NodeSyncer {
  readonly #d: NodeSyncDeps;

  constructor(deps: NodeSyncDeps) {
    this.#d = deps;
  }

  /** `since`: pull every (pair, data type) from this time instead of its cursor (a re-sync; rows are upserted). */
  async run(node: NodeRow, client: NodeClient, opts: { signal?: AbortSignal; since?: number } = {}): Promise<NodeRunResult> {
    const { signal, since } = opts;
    const { market, clock } = this.#d;
    const startedAt = clock.now();
    const result: NodeRunResult = { nodeId: node.id, name: node.name, ok: true, nodeError: null, more: false, aborted: false, startedAt, finishedAt: startedAt, streams: [] };
    const known = new Map((await market.statuses(node.id)).map((s) => [key(s), s]));

    let offered: SeriesInfo[];
    try {
      offered = await client.series();
    } catch (err) {
      if (signal?.aborted) return { ...result, aborted: true, finishedAt: clock.now() };
      const message = errorText(err);
      result.ok = false;
      result.nodeError = message;
      // Everything this node had, and the pairs it was asked for, are now failed with the reason;
      // cursors stay where they were.
      const rows = new Map(known);
      for (const symbol of node.symbols) {
        const exchange = [...known.values()].find((s) => s.symbol === symbol)?.exchange ?? 'bybit';
        for (const stream of this.#streams()) {
          const k = key({ exchange, symbol, stream });
          if (!rows.has(k)) rows.set(k, { nodeId: node.id, exchange, symbol, stream, lastTime: null, state: 'pending', error: null, rowsTotal: 0, lastRunRows: 0, updatedAt: startedAt });
        }
      }
      const failed = [...rows.values()].map((s) => ({ ...s, state: 'failed' as const, error: message, lastRunRows: 0 }));
      await market.saveStatuses(failed, clock.now());
      result.streams = failed.map((s) => streamResult(s, 0, 0, 0));
      result.finishedAt = clock.now();
      return result;
    }

    const targets = this.#targets(node, offered, known);
    const unavailable = targets.filter((t) => t.missing);
    await market.saveStatuses(
      targets.map((t) => (t.missing ? { ...t.status, state: 'failed' as const, error: 'the node offers no such data' } : { ...t.status, state: 'syncing' as const, error: null })),
      clock.now(),
    );
    for (const t of unavailable) result.streams.push(streamResult({ ...t.status, state: 'failed', error: 'the node offers no such data' }, 0, 0, 0));
    if (unavailable.length) result.ok = false;

    const todo = targets.filter((t) => !t.missing);
    for (let i = 0; i < todo.length; i++) {
      const t = todo[i]!;
      if (signal?.aborted) {
        await this.#leavePending(node, todo.slice(i).map((x) => x.status));
        result.aborted = true;
        break;
      }
      try {
        const r = await this.#pull(node, client, t.status, since, signal);
        if (r.state === 'pending') result.more = true;
        result.streams.push(r);
      } catch (err) {
        if (signal?.aborted) {
          // Stopped mid-pass: what was not finished waits for the next pass, nothing failed.
          await this.#leavePending(node, todo.slice(i).map((x) => x.status));
          result.aborted = true;
          break;
        }
        const message = errorText(err);
        result.ok = false;
        // Pages committed before the failure moved the cursor: keep it, change only the state.
        const latest = new Map((await market.statuses(node.id).catch(() => [] as NodeStatusRow[])).map((s) => [key(s), s]));
        const wide = isNodeWide(err);
        // The node itself went away: this and every (pair, data type) not yet pulled fail with it.
        const hit = (wide ? todo.slice(i) : [t]).map((x) => ({ ...(latest.get(key(x.status)) ?? x.status), state: 'failed' as const, error: message }));
        await market.saveStatuses(hit, clock.now()).catch(() => undefined);
        result.streams.push(...hit.map((s) => streamResult(s, 0, 0, 0)));
        if (wide) {
          result.nodeError = message;
          break;
        }
        this.#d.logger.warn('node sync failed for one data type', { node: node.name, symbol: t.status.symbol, stream: t.status.stream, error: message });
      }
    }
    result.finishedAt = clock.now();
    return result;
  }

  /** Marks (pair, data type)s `pending`, keeping the cursors pages already committed. */
  async #leavePending(node: NodeRow, rows: NodeStatusRow[]): Promise<void> {
    const latest = new Map((await this.#d.market.statuses(node.id).catch(() => [] as NodeStatusRow[])).map((s) => [key(s), s]));
    await this.#d.market.saveStatuses(rows.map((r) => ({ ...(latest.get(key(r)) ?? r), state: 'pending' as const, error: null })), this.#d.clock.now()).catch(() => undefined);
  }

  /** The data types pulled: tickers and the configured kline timeframes. */
  #streams(): MarketStream[] {
    return ['tickers', ...this.#d.config.sync.timeframes.map(klineStream)];
  }

  /** What to pull: offered series (filtered), plus requested symbols the node does not offer. */
  #targets(node: NodeRow, offered: SeriesInfo[], known: Map<string, NodeStatusRow>): { status: NodeStatusRow; missing: boolean }[] {
    const streams = this.#streams();
    const wanted = (s: { symbol: string; stream: string }) => (node.symbols.length === 0 || node.symbols.includes(s.symbol)) && (streams as string[]).includes(s.stream);
    const now = this.#d.clock.now();
    const blank = (exchange: string, symbol: string, stream: MarketStream): NodeStatusRow =>
      known.get(key({ exchange, symbol, stream })) ?? { nodeId: node.id, exchange, symbol, stream, lastTime: null, state: 'pending', error: null, rowsTotal: 0, lastRunRows: 0, updatedAt: now };
    const out = new Map<string, { status: NodeStatusRow; missing: boolean }>();
    for (const s of offered.filter(wanted)) out.set(key(s), { status: blank(s.exchange, s.symbol, s.stream), missing: false });
    // Symbols asked for by name that the node does not have at all are reported, not ignored.
    const exchanges = [...new Set(offered.map((s) => s.exchange))];
    for (const symbol of node.symbols) {
      if (offered.some((s) => s.symbol === symbol)) continue;
      for (const stream of streams) {
        const exchange = exchanges.length === 1 ? exchanges[0]! : 'bybit';
        out.set(key({ exchange, symbol, stream }), { status: blank(exchange, symbol, stream), missing: true });
      }
    }
    return [...out.values()].sort((a, b) => (key(a.status) < key(b.status) ? -1 : 1));
  }

  async #pull(node: NodeRow, client: NodeClient, start: NodeStatusRow, since: number | undefined, signal?: AbortSignal): Promise<StreamResult> {
    const { market, clock, config } = this.#d;
    const tf = timeframeOf(start.stream);
    const kind = tf ? 'klines' : 'tickers';
    const lookback = tf ? config.lookbacks[tf] : config.lookbacks.tickers;
    // Inclusive from the cursor: the last bar may have been the forming one and changed since.
    // A first sync starts at the bar containing now - lookback, as the collector does.
    const first = tf ? Math.floor((clock.now() - lookback) / TIMEFRAME_MS[tf]) * TIMEFRAME_MS[tf] : clock.now() - lookback;
    const from = Math.max(0, since ?? (start.lastTime !== null ? start.lastTime - config.sync.overlapMs : first));
    const limit = Math.min(config.sync.pageSize, MAX_LIMIT[kind]);
    let status: NodeStatusRow = { ...start, state: 'syncing', error: null, lastRunRows: 0 };
    let next: string | null = null;
    let fetched = 0;
    let written = 0;
    let pages = 0;
    let more = false;
    for (;;) {
      if (signal?.aborted) {
        more = true;
        break;
      }
      const q = { exchange: start.exchange, symbol: start.symbol, timeframe: tf ?? undefined, startTime: from, limit, next };
      const page: ExportPage<TickerRow | KlineRow> = kind === 'klines' ? await client.klines(q) : await client.tickers(q);
      pages++;
      const rows = page.data;
      if (rows.some((r) => (r as { symbol?: unknown }).symbol !== start.symbol || (r as { exchange?: unknown }).exchange !== start.exchange)) {
        throw new NodeAnswerError(`${kind} export: the node sent rows of another pair than ${start.exchange}/${start.symbol}`);
      }
      if (rows.length === 0 && page.has_more) throw new NodeAnswerError(`${kind} export: an empty page that says it has more`);
      const times = rows.map((r) => (kind === 'klines' ? (r as KlineRow).open_time : (r as TickerRow).time));
      const newest = times.reduce<number | null>((m, t) => (typeof t === 'number' && (m === null || t > m) ? t : m), status.lastTime);
      fetched += rows.length;
      let w = 0;
      try {
        const applied = await market.applyNodePage(kind === 'klines' ? { klines: rows as KlineRow[] } : { tickers: rows as TickerRow[] }, { ...status, lastTime: newest }, clock.now());
        w = applied.inserted + applied.updated;
      } catch (err) {
        if (err instanceof StoreInputError) throw new NodeAnswerError(`${kind} export: the node sent a bad row: ${err.message}`);
        throw err;
      }
      written += w;
      status = { ...status, lastTime: newest, rowsTotal: status.rowsTotal + w, lastRunRows: status.lastRunRows + w };
      await this.#d.afterPage?.({ node, stream: start.stream, symbol: start.symbol, page: pages, times });
      if (!page.has_more) break;
      if (fetched >= config.sync.maxRowsPerRun) {
        more = true;
        break;
      }
      next = page.next;
    }
    status = { ...status, state: more ? 'pending' : 'completed', error: null };
    await market.saveStatuses([status], clock.now());
    return streamResult(status, fetched, written, pages);
  }
}

function key(s: { exchange: string; symbol: string; stream: string }): string {
  return `${s.exchange}\u0000${s.symbol}\u0000${s.stream}`;
}

function streamResult(s: NodeStatusRow, fetched: number, written: number, pages: number): StreamResult {
  return { exchange: s.exchange, symbol: s.symbol, stream: s.stream, state: s.state, fetched, written, pages, lastTime: s.lastTime, error: s.error };
}
