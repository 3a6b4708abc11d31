import type { Engine } from '../engine.js';
import type { Priority } from '../domain/priority.js';
import { EngineStoppedError, NotFoundError } from '../errors.js';
import { endpointsFor } from '../exchanges/registry.js';
import { marketStore, type MarketStore } from '../store/market.js';
import type { TimerHandle } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { redactString, registerSecret } from '../util/redact.js';
import { Collector, type CollectResult } from './collector.js';
import { NodeAuthError } from './errors.js';
import { BybitMarketClient, type MarketClient } from './market-client.js';
import { PriceNodeMetrics } from './metrics.js';
import { NodeClient } from './node-client.js';
import { nodeInput } from './node-input.js';
import { NodeSyncer, type AfterPage, type NodeRunResult } from './node-sync.js';
import { nodeView, type NodeView } from './node-view.js';
import type { NodeRow, NodeStatusRow, SeriesInfo } from './types.js';

/**
 * Price nodes on top of an engine (issue #8): the collector and the node syncs run as engine
 * jobs (`pricenode:collect`, `pricenode:node:<id>`): single flight per key, one key per node, so
 * nodes run concurrently and a slow or dead node never holds up another. Timers decide when;
 * the node table (next_run_at, failures) remembers it across restarts.
 *
 * Scheduling: a node runs every `intervalMs` after its last run; after a run in which the node
 * itself failed (down, key refused) it waits retryMinMs * 2^(failures-1), capped at retryMaxMs;
 * a run stopped at the row cap is followed at once by another. Nodes due together are queued
 * in their priority order (1 first). The daemon re-reads the node table every `reloadMs` to see
 * nodes changed by the CLI or another process.
 */
const PREFIX = 'pricenode:';
const COLLECT_KEY = 'pricenode:collect';
const NODE_KEY = 'pricenode:node:';

export interface PriceNodeDeps {
  /** the market-data client for the collector (default: Bybit public REST from exchanges.bybit) */
  marketClient?: MarketClient;
  /** called after each committed page of a node sync (tests) */
  afterPage?: AfterPage;
}

export type NodeSyncOutcome = NodeRunResult & { skipped?: string; failures: number; nextRunAt: number | null };

export interface NodeTestResult {
  nodeId: number;
  name: string;
  baseUrl: string;
  reachable: boolean;
  latencyMs: number | null;
  version: string | null;
  /** ok: the key was accepted; refused: 401/403; not_required: no key set and the node let us in */
  auth: 'ok' | 'refused' | 'not_required' | 'unknown';
  /** (pair, data type) series the node offers */
  series: number | null;
  error: string | null;
}

export interface DataStatus {
  now: number;
  latest_ticker_time: number | null;
  latest_kline_time: Record<string, number | null>;
  totals: { tickers: number; klines: number; by_timeframe: Record<string, number> };
  series: SeriesInfo[];
  collector: { enabled: boolean; last_run: CollectResult | null };
}

export class PriceNodes {
  readonly market: MarketStore;
  readonly #engine: Engine;
  readonly #log: Logger;
  readonly #syncer: NodeSyncer;
  readonly #collector: Collector | null;
  readonly #metrics: PriceNodeMetrics;
  readonly #timers = new Map<string, { at: number; handle: TimerHandle }>();
  readonly #running = new Set<number>();
  /** re-sync starts asked for by the next run of a node (syncNode's `since`) */
  readonly #since = new Map<number, number>();
  #abort = new AbortController();
  #started = false;
  #lastCollect: CollectResult | null = null;

  constructor(engine: Engine, deps: PriceNodeDeps = {}) {
    this.#engine = engine;
    this.#log = engine.logger.child({ component: 'pricenode' });
    this.market = marketStore(engine.store);
    this.#metrics = new PriceNodeMetrics(engine.metricsRegistry);
    const cfg = engine.config.pricenode;
    this.#syncer = new NodeSyncer({ market: this.market, clock: engine.clock, logger: this.#log, config: cfg, afterPage: deps.afterPage });
    let collector: Collector | null = null;
    if (cfg.collector.enabled || deps.marketClient) {
      const ex = engine.config.exchanges[cfg.collector.exchange];
      const client = deps.marketClient ?? new BybitMarketClient({ ...endpointsFor(cfg.collector.exchange, ex), timeoutMs: ex.timeoutMs }, engine.clock);
      collector = new Collector({ client, market: this.market, clock: engine.clock, logger: this.#log, config: cfg });
    }
    this.#collector = collector;
    engine.registerJobKind(PREFIX, (key, job) => this.#runJob(key, job.reasons));
  }

  get #cfg() {
    return this.#engine.config.pricenode;
  }

  /** Starts the timers (collector when enabled, node syncs when enabled). Needs a running engine. Idempotent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#abort = new AbortController();
    if (this.#collector && this.#cfg.collector.enabled) this.#arm(COLLECT_KEY, 0, () => this.#collectTick());
    if (this.#cfg.sync.enabled) await this.#reload();
    this.#log.info('price nodes started', { collector: !!this.#collector && this.#cfg.collector.enabled, sync: this.#cfg.sync.enabled });
  }

  /** Clears the timers and asks running passes to stop after their current page. Call before engine.stop(). */
  stop(): void {
    this.#started = false;
    this.#abort.abort(new Error('price nodes stopped'));
    for (const t of this.#timers.values()) this.#engine.clock.clearTimeout(t.handle);
    this.#timers.clear();
  }

  // ---- scheduling ----

  #arm(key: string, delayMs: number, fn: () => void): void {
    const clock = this.#engine.clock;
    const at = clock.now() + Math.max(0, delayMs);
    const prev = this.#timers.get(key);
    if (prev) clock.clearTimeout(prev.handle);
    const handle = clock.setTimeout(() => {
      this.#timers.delete(key);
      if (this.#started) fn();
    }, Math.max(0, delayMs));
    this.#timers.set(key, { at, handle });
  }

  /** engine.runJob, with its synchronous refusal (engine not running) as a rejection: timers must not throw. */
  #queue(key: string, req: { reason: string; priority: Priority }): Promise<unknown> {
    return new Promise((resolve) => resolve(this.#engine.runJob(key, req)));
  }

  /** The engine stopped under us (an embedder forgot stop()): stop quietly instead of retrying forever. */
  #engineGone(err: unknown): boolean {
    if (!(err instanceof EngineStoppedError)) return false;
    this.stop();
    return true;
  }

  #collectTick(): void {
    this.#queue(COLLECT_KEY, { reason: 'interval', priority: 'idle' })
      .catch((err: unknown) => this.#engineGone(err) || this.#log.warn('price collector run failed', { error: redactString(String(err)) }))
      .finally(() => {
        if (this.#started) this.#arm(COLLECT_KEY, this.#cfg.collector.intervalMs, () => this.#collectTick());
      });
  }

  /** Re-reads the node table: arms due nodes (in priority order), disarms removed or paused ones. */
  async #reload(): Promise<void> {
    try {
      const nodes = await this.market.listNodes();
      const now = this.#engine.clock.now();
      const live = new Set<string>();
      for (const n of nodes) {
        registerSecret(n.apiKey);
        const key = NODE_KEY + n.id;
        if (!n.active) continue;
        live.add(key);
        if (this.#running.has(n.id)) continue;
        const due = Math.max(now, n.nextRunAt ?? now);
        const armed = this.#timers.get(key);
        if (!armed || armed.at > due) this.#arm(key, due - now, () => this.#nodeTick(n.id, 'interval'));
      }
      for (const [key, t] of this.#timers) {
        if (key.startsWith(NODE_KEY) && !live.has(key)) {
          this.#engine.clock.clearTimeout(t.handle);
          this.#timers.delete(key);
        }
      }
    } catch (err) {
      this.#log.warn('could not read the price node table', { error: redactString(String(err)) });
    } finally {
      if (this.#started) this.#arm('reload', this.#cfg.sync.reloadMs, () => void this.#reload());
    }
  }

  #nodeTick(id: number, reason: string): void {
    const priority = reason === 'catch-up' ? 'backfill' : 'idle';
    (this.#queue(NODE_KEY + id, { reason, priority }) as Promise<NodeSyncOutcome>).then(
      (r) => this.#rearm(id, r),
      (err: unknown) => {
        if (this.#engineGone(err)) return;
        this.#log.warn('price node run failed', { node: id, error: redactString(String(err)) });
        // The store or the engine failed, not the node: try again after the minimum backoff.
        if (this.#started) this.#arm(NODE_KEY + id, this.#cfg.sync.retryMinMs, () => this.#nodeTick(id, 'retry'));
      },
    );
  }

  #rearm(id: number, r: NodeSyncOutcome): void {
    if (!this.#started || r.skipped === 'deleted' || r.skipped === 'inactive' || r.nextRunAt === null) return;
    const delay = r.nextRunAt - this.#engine.clock.now();
    this.#arm(NODE_KEY + id, delay, () => this.#nodeTick(id, r.more ? 'catch-up' : 'interval'));
  }

  // ---- jobs (run by the engine's queue) ----

  async #runJob(key: string, reasons: string[]): Promise<unknown> {
    if (key === COLLECT_KEY) return this.#runCollect();
    if (key.startsWith(NODE_KEY)) return this.#runNode(Number(key.slice(NODE_KEY.length)), reasons);
    throw new Error(`unknown price-node job ${JSON.stringify(key)}`);
  }

  async #runCollect(): Promise<CollectResult> {
    if (!this.#collector) throw new Error('the price collector is not configured (pricenode.collector.enabled)');
    const r = await this.#collector.run(this.#abort.signal);
    this.#lastCollect = r;
    this.#metrics.rows.inc({ source: 'collector', data: 'tickers' }, r.tickers);
    this.#metrics.rows.inc({ source: 'collector', data: 'klines' }, r.klines.inserted + r.klines.updated);
    this.#metrics.runs.inc({ kind: 'collector', outcome: r.ok ? 'ok' : r.tickers + r.klines.inserted + r.klines.updated > 0 ? 'partial' : 'failed' });
    this.#log.debug('price collector run', { tickers: r.tickers, klines: r.klines, apiCalls: r.apiCalls, errors: r.errors.length });
    return r;
  }

  async #runNode(id: number, reasons: string[]): Promise<NodeSyncOutcome> {
    const clock = this.#engine.clock;
    const node = await this.market.getNode(id);
    const now = clock.now();
    const skip = (why: string): NodeSyncOutcome => ({ nodeId: id, name: node?.name ?? '', ok: false, nodeError: null, more: false, aborted: false, startedAt: now, finishedAt: now, streams: [], skipped: why, failures: node?.failures ?? 0, nextRunAt: null });
    if (!node) return skip('deleted');
    const manual = reasons.includes('manual');
    if (!node.active && !manual) return skip('inactive');
    registerSecret(node.apiKey);
    this.#running.add(id);
    try {
      const client = new NodeClient({ baseUrl: node.baseUrl, apiKey: node.apiKey, timeoutMs: this.#cfg.sync.timeoutMs, signal: this.#abort.signal });
      const since = this.#since.get(id);
      this.#since.delete(id);
      const r = await this.#syncer.run(node, client, { signal: this.#abort.signal, since });
      const end = clock.now();
      if (r.aborted) {
        // Stopped, not failed: the node keeps its failure count and is due again at once.
        await this.market.recordNodeRun(id, { lastRunAt: end, lastSuccessAt: null, lastError: node.lastError, failures: node.failures, nextRunAt: end });
        this.#log.info('price node sync stopped before it finished', { node: node.name });
        return { ...r, failures: node.failures, nextRunAt: null };
      }
      const failures = r.nodeError ? node.failures + 1 : 0;
      const nextRunAt = r.nodeError ? end + this.#backoff(failures) : r.more ? end : end + node.intervalMs;
      const lastError = r.nodeError ?? (r.ok ? null : r.streams.find((s) => s.error)?.error ?? null);
      await this.market.recordNodeRun(id, { lastRunAt: end, lastSuccessAt: r.nodeError ? null : end, lastError, failures, nextRunAt });
      const rows = r.streams.reduce((n, s) => n + s.written, 0);
      for (const data of ['tickers', 'klines'] as const) {
        this.#metrics.rows.inc({ source: 'node', data }, r.streams.filter((s) => (s.stream === 'tickers') === (data === 'tickers')).reduce((n, s) => n + s.written, 0));
      }
      this.#metrics.runs.inc({ kind: 'node', outcome: r.nodeError ? 'failed' : r.ok ? 'ok' : 'partial' });
      this.#metrics.failures.set({ node: node.name }, failures);
      if (r.nodeError) this.#log.warn('price node sync failed', { node: node.name, error: r.nodeError, failures, retryInMs: nextRunAt - end });
      // A pass that brought nothing is routine at short intervals: keep it out of the info log.
      else (rows > 0 || !r.ok ? this.#log.info : this.#log.debug).call(this.#log, 'price node synced', { node: node.name, rows, streams: r.streams.length, ms: end - r.startedAt, more: r.more, ok: r.ok });
      return { ...r, failures, nextRunAt };
    } finally {
      this.#running.delete(id);
    }
  }

  /** retryMinMs doubling per consecutive failure, capped at retryMaxMs (S002: 1 minute, always). */
  #backoff(failures: number): number {
    const { retryMinMs, retryMaxMs } = this.#cfg.sync;
    return Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(30, failures - 1));
  }

  // ---- what the API and the CLI call ----

  async nodes(): Promise<{ nodes: (NodeView & { running: boolean })[]; status: NodeStatusRow[] }> {
    const [nodes, status] = await Promise.all([this.market.listNodes(), this.market.statuses()]);
    for (const n of nodes) registerSecret(n.apiKey);
    return { nodes: nodes.map((n) => ({ ...nodeView(n), running: this.#running.has(n.id) })), status };
  }

  async node(id: number): Promise<{ node: NodeView & { running: boolean }; status: NodeStatusRow[] }> {
    const n = await this.#get(id);
    return { node: { ...nodeView(n), running: this.#running.has(n.id) }, status: await this.market.statuses(id) };
  }

  async #get(id: number): Promise<NodeRow> {
    const n = Number.isSafeInteger(id) ? await this.market.getNode(id) : null;
    if (!n) throw new NotFoundError(`node ${id} is not registered`);
    registerSecret(n.apiKey);
    return n;
  }

  async addNode(body: unknown): Promise<NodeView> {
    const input = nodeInput(body, { defaultIntervalMs: this.#cfg.sync.defaultIntervalMs });
    registerSecret(input.apiKey);
    const n = await this.market.insertNode(input, this.#engine.clock.now());
    this.#log.info('price node added', { node: n.name, baseUrl: n.baseUrl });
    if (this.#started && n.active) this.#arm(NODE_KEY + n.id, 0, () => this.#nodeTick(n.id, 'added'));
    return nodeView(n);
  }

  async updateNode(id: number, body: unknown): Promise<NodeView> {
    const current = await this.#get(id);
    const input = nodeInput(body, { defaultIntervalMs: this.#cfg.sync.defaultIntervalMs, current });
    registerSecret(input.apiKey);
    const n = await this.market.updateNode(id, input, this.#engine.clock.now());
    if (!n) throw new NotFoundError(`node ${id} is not registered`);
    if (this.#started) {
      if (n.active && !this.#running.has(id)) this.#arm(NODE_KEY + id, 0, () => this.#nodeTick(id, 'updated'));
      if (!n.active) this.#disarm(NODE_KEY + id);
    }
    return nodeView(n);
  }

  async removeNode(id: number): Promise<void> {
    const n = await this.#get(id);
    await this.market.deleteNode(id);
    this.#metrics.failures.remove({ node: n.name });
    this.#disarm(NODE_KEY + id);
  }

  #disarm(key: string): void {
    const t = this.#timers.get(key);
    if (t) this.#engine.clock.clearTimeout(t.handle);
    this.#timers.delete(key);
  }

  /**
   * One pass now, through the engine's queue at manual priority; resolves with its result.
   * `since`: pull from that time instead of the cursors (rows a node filled in behind them).
   */
  async syncNode(id: number, opts: { since?: number } = {}): Promise<NodeSyncOutcome> {
    await this.#get(id);
    if (opts.since !== undefined) this.#since.set(id, opts.since);
    const r = (await this.#engine.runJob(NODE_KEY + id, { reason: 'manual', priority: 'manual' })) as NodeSyncOutcome;
    this.#rearm(id, r);
    return r;
  }

  /** One collector run now (manual priority). */
  async collectNow(): Promise<CollectResult> {
    return (await this.#engine.runJob(COLLECT_KEY, { reason: 'manual', priority: 'manual' })) as CollectResult;
  }

  /** Reachability (/healthz), version (/api/v1/version) and auth (the data status with the key). */
  async testNode(id: number): Promise<NodeTestResult> {
    const n = await this.#get(id);
    const client = new NodeClient({ baseUrl: n.baseUrl, apiKey: n.apiKey, timeoutMs: this.#cfg.sync.timeoutMs });
    const out: NodeTestResult = { nodeId: n.id, name: n.name, baseUrl: n.baseUrl, reachable: false, latencyMs: null, version: null, auth: 'unknown', series: null, error: null };
    const text = (err: unknown) => redactString(err instanceof Error ? err.message : String(err));
    try {
      const h = await client.health();
      out.reachable = h.ok;
      out.latencyMs = h.latencyMs;
      if (!h.ok) out.error = '/healthz did not answer {"ok": true}';
    } catch (err) {
      out.error = text(err);
      return out;
    }
    try {
      const v = await client.version();
      out.version = v ? `${v.name} ${v.version}` : null;
    } catch (err) {
      out.error ??= text(err);
    }
    try {
      out.series = (await client.series()).length;
      out.auth = n.apiKey ? 'ok' : 'not_required';
    } catch (err) {
      out.auth = err instanceof NodeAuthError ? 'refused' : 'unknown';
      out.error = text(err);
    }
    return out;
  }

  /** This node's own data: newest times and row counts (GET /api/v1/data/sync/status). */
  async dataStatus(): Promise<DataStatus> {
    const series = await this.market.series();
    const latestKline: Record<string, number | null> = {};
    const byTf: Record<string, number> = {};
    for (const tf of this.#cfg.sync.timeframes) {
      latestKline[tf] = null;
      byTf[tf] = 0;
    }
    let latestTicker: number | null = null;
    let tickers = 0;
    let klines = 0;
    for (const s of series) {
      if (s.stream === 'tickers') {
        latestTicker = Math.max(latestTicker ?? 0, s.last_time);
        tickers += s.rows;
        continue;
      }
      const tf = s.stream.slice('klines:'.length);
      latestKline[tf] = Math.max(latestKline[tf] ?? 0, s.last_time);
      byTf[tf] = (byTf[tf] ?? 0) + s.rows;
      klines += s.rows;
    }
    return {
      now: this.#engine.clock.now(),
      latest_ticker_time: latestTicker,
      latest_kline_time: latestKline,
      totals: { tickers, klines, by_timeframe: byTf },
      series,
      collector: { enabled: !!this.#collector && this.#cfg.collector.enabled, last_run: this.#lastCollect },
    };
  }
}

const services = new WeakMap<Engine, PriceNodes>();

/** The price-node service of an engine (one per engine; made on first use). */
export function priceNodesOf(engine: Engine, deps?: PriceNodeDeps): PriceNodes {
  let s = services.get(engine);
  // Dependencies given after the service exists would be silently ignored: refuse instead.
  if (s && deps) throw new Error('priceNodesOf: the price-node service of this engine already exists; pass deps on first use');
  if (!s) services.set(engine, (s = new PriceNodes(engine, deps)));
  return s;
}
