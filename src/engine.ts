import type { ConfigInput } from './config/schema.js';
import { type ResolvedConfig, loadConfig } from './config/load.js';
import type { AccountConfig } from './config/schema.js';
import { EventBus, INBOUND_EVENTS, type InboundEventName, type OutboundEventName, type OutboundEvents, type RobotEvent, type SyncSummary, type Tier } from './bus/events.js';
import { validateRobotEvent, validateRobot } from './bus/validate.js';
import type { Priority } from './domain/priority.js';
import { isFill, type ExchangeName, type ExecutionReport, type OrderReport, type PositionReport } from './domain/types.js';
import type { AdapterFactory, ExchangeAdapter, PrivateStream, RequestGate } from './exchanges/adapter.js';
import { BadEventError, EngineStoppedError, NotFoundError, RateLimitedError } from './errors.js';
import { BudgetRegistry } from './limits/gate.js';
import { Metrics } from './metrics/metrics.js';
import { LiveStats, type LiveSnapshot } from './metrics/live.js';
import { Ticker } from './scheduler/ticker.js';
import { type Job, WorkQueue } from './scheduler/work-queue.js';
import type { ApplyResult, RobotRow, Store } from './store/types.js';
import { AccountSyncer } from './sync/account-sync.js';
import { HistorySyncer, type StreamCounts, type WindowProgress } from './sync/history.js';
import { SYNC_HEARTBEAT_STREAM } from './sync/heartbeat.js';
import type { HistoryStream } from './exchanges/adapter.js';
import { type Clock, systemClock } from './util/clock.js';
import { type Logger, createLogger } from './util/logger.js';
import { defaultAdapterFactories, endpointsFor } from './exchanges/registry.js';
import { createStore } from './store/index.js';

export interface EngineDeps {
  clock?: Clock;
  logger?: Logger;
  /** an open store to use instead of the configured database (the engine will not close it) */
  store?: Store;
  adapters?: Partial<Record<ExchangeName, AdapterFactory>>;
  random?: () => number;
  /**
   * false: start() opens the store and the accounts but runs no tickers, streams or history
   * (CLI commands such as backfill and status). Default true.
   */
  schedule?: boolean;
  /** raw lag samples as they are measured (the benchmark collects them) */
  observer?: { eventLag?(ms: number): void; detectionLag?(kind: 'order' | 'fill', ms: number): void };
}

export interface HistoryAccountResult {
  kind: 'history';
  accountId: string;
  ok: boolean;
  streams: StreamCounts[];
  apiCalls: number;
  error?: string;
}

export interface BackfillRequest {
  accountId: string;
  streams?: HistoryStream[];
  /** ms timestamp to reach back to (clamped to the exchange's floor) */
  since: number;
  onWindow?: (p: WindowProgress) => void;
  signal?: AbortSignal;
}

export interface BackfillResult {
  accountId: string;
  runId: number | null;
  ok: boolean;
  streams: StreamCounts[];
  apiCalls: number;
  durationMs: number;
  error?: string;
}

type JobResult = SyncSummary | HistoryAccountResult | BackfillResult | unknown;

/** Work other parts (price nodes) run through the engine's queue: single flight per key, priorities, budgets' order. */
export type JobRunner = (key: string, job: { reasons: string[]; priority: Priority; enqueuedAt: number }) => Promise<unknown>;

export type EngineInput = ConfigInput | { configFile: string; overrides?: ConfigInput };

export type SyncTarget = { robotId: string } | { accountId: string } | { all: true };

export interface SyncAllSummary {
  ok: boolean;
  runId: number | null;
  startedAt: number;
  finishedAt: number;
  accounts: SyncSummary[];
}

export interface RobotStatus {
  robotId: string;
  accountId: string;
  exchange: ExchangeName;
  symbols: string[];
  orderLinkPrefix: string | null;
  status: 'active' | 'paused';
  tier: Tier;
  openOrders: number;
  lastSuccessAt: number | null;
  stalenessMs: number;
  lastError: string | null;
  queued: boolean;
  running: boolean;
}

export interface AccountStatus {
  accountId: string;
  exchange: ExchangeName;
  label: string | null;
  robots: number;
  tier: 'hot' | 'idle' | 'off';
  intervalMs: number | null;
  nextSyncAt: number | null;
  lastSuccessAt: number | null;
  stalenessMs: number;
  lastError: string | null;
  lastErrorAt: number | null;
  consecutiveFailures: number;
  stream: 'off' | 'connected' | 'disconnected';
  queued: boolean;
  running: boolean;
}

export interface EngineStatus {
  state: 'created' | 'running' | 'stopping' | 'stopped';
  startedAt: number | null;
  now: number;
  robots: RobotStatus[];
  accounts: AccountStatus[];
  queue: { byPriority: Record<Priority, number>; running: number };
}

interface AccountRuntime {
  config: AccountConfig;
  exchange: ExchangeName;
  key: string;
  adapter: ExchangeAdapter;
  syncer: AccountSyncer;
  stream: PrivateStream | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  failures: number;
  apiCalls: number;
  /** pushes are applied one batch after another per account */
  pushChain: Promise<void>;
  pushing: boolean;
  pushQueue: { orders: OrderReport[]; executions: ExecutionReport[]; positions: PositionReport[] };
  /** order ids / link ids a push committed recently -> commit time (event lag under WS) */
  recentPushed: Map<string, number>;
  /** robot events waiting for the stream to show their effect */
  awaitingPush: Map<string, { emittedAt: number; fallback: ReturnType<Clock['setTimeout']> }>;
  history: HistorySyncer;
  /** fills stored since the last history run: orders history and closed PnL have news */
  historyDirty: boolean;
  lastHistoryFullAt: number;
  historyFailures: number;
  historyRetryAt: number;
  lastHistoryError: string | null;
}

interface RobotRuntime {
  row: RobotRow;
  tier: Tier;
  openOrders: number;
  registeredAt: number;
}

const ACCOUNT_KEY = 'account:';
const HISTORY_KEY = 'history:';
const BACKFILL_KEY = 'backfill:';
/** the ticker key of the periodic history run over all accounts */
const HISTORY_RUN = 'history-run';
/** quiet accounts still get their orders history and closed PnL checked this often (x interval) */
const HISTORY_FULL_EVERY = 10;
/** how often each account's last successful sync is recorded in the database (robosync status) */
const HEARTBEAT_MS = 5000;
/** executions overlap of robot syncs (the history run keeps history.overlapMs) */
const SYNC_OVERLAP_MS = 30_000;
/** how long a robot event waits for the private stream before a REST sync is sent after it */
const STREAM_GRACE_MS = 1500;
const RECENT_PUSH_MAX = 2000;

/**
 * The facade: builds the parts and wires them. Flow is one way: events and ticks -> work queue
 * (single flight per account) -> account sync (adapter through the budget gate) -> store ->
 * change events and metrics. start() and stop() are idempotent and safe to call concurrently.
 */
export class Engine {
  readonly config: ResolvedConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly robots = {
    register: (r: { id: string; accountId: string; symbols: string[]; orderLinkPrefix?: string | null; status?: 'active' | 'paused' }) => this.#registerRobot(r),
    update: (id: string, patch: { symbols?: string[]; orderLinkPrefix?: string | null; status?: 'active' | 'paused' }) => this.#updateRobot(id, patch),
    pause: (id: string) => this.#updateRobot(id, { status: 'paused' }),
    resume: (id: string) => this.#updateRobot(id, { status: 'active' }),
    unregister: (id: string) => this.#unregisterRobot(id),
    get: (id: string): RobotRow | null => this.#robots.get(id)?.row ?? null,
    list: (): RobotRow[] => [...this.#robots.values()].map((r) => r.row),
  };
  readonly accounts = {
    list: () => [...this.#accounts.values()].map((a) => ({ id: a.config.id, exchange: a.exchange, label: a.config.label ?? null })),
  };

  readonly #store: Store;
  readonly #ownsStore: boolean;
  readonly #bus: EventBus;
  readonly #metrics: Metrics;
  readonly #live: LiveStats;
  readonly #budgets: BudgetRegistry;
  readonly #queue: WorkQueue<JobResult>;
  readonly #schedule: boolean;
  readonly #backfills = new Map<string, BackfillRequest>();
  readonly #jobKinds = new Map<string, JobRunner>();
  readonly #ticker: Ticker;
  readonly #accounts = new Map<string, AccountRuntime>();
  readonly #robots = new Map<string, RobotRuntime>();
  readonly #robotIdsByAccount = new Map<string, Set<string>>();
  readonly #random: () => number;
  readonly #observer: NonNullable<EngineDeps['observer']>;
  readonly #adapters: Record<string, AdapterFactory>;
  #state: EngineStatus['state'] = 'created';
  #heartbeat: ReturnType<Clock['setTimeout']> | null = null;
  readonly #persistedFresh = new Map<string, number>();
  #startedAt: number | null = null;
  #starting: Promise<void> | null = null;
  #stopping: Promise<void> | null = null;

  /** Use createEngine(). */
  constructor(config: ResolvedConfig, store: Store, ownsStore: boolean, deps: EngineDeps) {
    this.config = config;
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? createLogger({ level: config.logging.level, format: config.logging.format });
    this.#random = deps.random ?? Math.random;
    this.#schedule = deps.schedule ?? true;
    this.#observer = deps.observer ?? {};
    this.#store = store;
    this.#ownsStore = ownsStore;
    this.#adapters = { ...defaultAdapterFactories(), ...deps.adapters };
    this.#bus = new EventBus(this.logger);
    this.#live = new LiveStats(this.clock);
    this.#metrics = new Metrics({
      staleness: () => this.#activeStaleness(),
      queueDepth: () => this.#queue.depth().byPriority,
    });
    this.#budgets = new BudgetRegistry({
      clock: this.clock,
      share: config.limits.share,
      observer: {
        call: (e) => {
          this.#metrics.apiRequests.inc({ exchange: e.exchange, endpoint: e.endpoint, outcome: e.outcome });
          this.#live.apiCall(e.outcome === 'rate_limited' || e.outcome === 'ip_banned');
          if (e.outcome === 'rate_limited' || e.outcome === 'ip_banned') this.#metrics.rateLimitAnswers.inc({ exchange: e.exchange, scope: e.outcome === 'ip_banned' ? 'ip' : 'account' });
          const acct = this.#accounts.get(e.accountId);
          if (acct) acct.apiCalls++;
        },
        waited: (e) => this.#metrics.rateLimitWait.observe({ exchange: e.exchange, priority: e.priority }, e.waitMs / 1000),
        exhausted: (e) => {
          this.logger.warn('exchange budget exhausted', e);
          this.#bus.safeEmit('budget.exhausted', e);
        },
      },
    });
    this.#queue = new WorkQueue<JobResult>({ concurrency: config.scheduler.concurrency, clock: this.clock, run: (job) => this.#runJob(job) });
    this.#ticker = new Ticker({
      clock: this.clock,
      hotIntervalMs: config.scheduler.hotIntervalMs,
      idleIntervalMs: config.scheduler.idleIntervalMs,
      jitter: config.scheduler.jitter,
      random: this.#random,
      onDue: (key, tier) => {
        if (key === HISTORY_RUN) void this.#historyRun();
        else this.#queue.enqueue(key, { reason: 'tick', priority: tier });
      },
    });
    for (const a of config.accounts) this.#addAccount(a);
    const now = this.clock.now();
    for (const r of config.robots) {
      this.#putRobot({ row: { id: r.id, accountId: r.accountId, symbols: [...r.symbols], orderLinkPrefix: r.orderLinkPrefix ?? null, status: r.status }, tier: r.status === 'paused' ? 'paused' : 'idle', openOrders: 0, registeredAt: now });
    }
  }

  get store(): Store {
    return this.#store;
  }

  get state(): EngineStatus['state'] {
    return this.#state;
  }

  on<E extends OutboundEventName>(event: E, listener: OutboundEvents[E]): this {
    this.#bus.on(event, listener as never);
    return this;
  }

  off<E extends OutboundEventName>(event: E, listener: OutboundEvents[E]): this {
    this.#bus.off(event, listener as never);
    return this;
  }

  once<E extends OutboundEventName>(event: E, listener: OutboundEvents[E]): this {
    this.#bus.once(event, listener as never);
    return this;
  }

  /**
   * A robot event: validated (BadEventError names the field), then an immediate sync of the
   * robot's account is queued at `event` priority. Returns without waiting for the sync.
   */
  emit(name: InboundEventName, payload: RobotEvent): void {
    if (!(INBOUND_EVENTS as readonly string[]).includes(name)) {
      throw new BadEventError(`event: expected one of ${INBOUND_EVENTS.join(', ')}, received ${JSON.stringify(name)}`, 'event');
    }
    const ev = validateRobotEvent(payload);
    const robot = this.#robots.get(ev.robotId);
    if (!robot) throw new BadEventError(`robotId: expected a registered robot, received ${JSON.stringify(ev.robotId)}`, 'robotId');
    if (this.#state === 'stopping' || this.#state === 'stopped') throw new EngineStoppedError('engine is stopped');
    const acct = this.#accounts.get(robot.row.accountId);
    if (!acct) throw new BadEventError(`robotId: robot ${ev.robotId} belongs to unknown account ${robot.row.accountId}`, 'robotId');
    const now = this.clock.now();
    if (ev.orderId) acct.syncer.state.hint(ev.orderId, ev.robotId);
    if (ev.orderLinkId) acct.syncer.state.hint(ev.orderLinkId, ev.robotId);
    acct.syncer.state.noteEvent({ orderId: ev.orderId, orderLinkId: ev.orderLinkId, symbol: ev.symbol ?? robot.row.symbols[0] });

    // With a healthy private stream the exchange pushes the effect: wait for it briefly.
    const ref = ev.orderId ?? ev.orderLinkId;
    if (ref && this.#streamHealthy(acct, now)) {
      const pushedAt = acct.recentPushed.get(ref);
      if (pushedAt !== undefined) {
        this.#observeEventLag(Math.max(0, pushedAt - now));
        return;
      }
      if (!acct.awaitingPush.has(ref)) {
        const fallback = this.clock.setTimeout(() => {
          acct.awaitingPush.delete(ref);
          this.#requestSync(acct, { reason: name, priority: 'event', emittedAt: now });
        }, STREAM_GRACE_MS);
        acct.awaitingPush.set(ref, { emittedAt: now, fallback });
      }
      return;
    }
    this.#requestSync(acct, { reason: name, priority: 'event', emittedAt: now });
  }

  /** Syncs now (manual priority) and resolves with the result; never rejects for exchange errors. */
  async syncNow(target: SyncTarget): Promise<SyncSummary | SyncAllSummary> {
    this.#assertRunning();
    if ('all' in target) {
      const startedAt = this.clock.now();
      const runId = await this.#store.startRun('manual:all', startedAt).catch(() => null);
      const accounts = (await Promise.all([...this.#accounts.values()].map((a) => this.#queue.request(a.key, { reason: 'manual', priority: 'manual' })))) as SyncSummary[];
      const finishedAt = this.clock.now();
      const ok = accounts.every((a) => a.ok);
      if (runId !== null) await this.#finishRun(runId, accounts, finishedAt).catch(() => undefined);
      return { ok, runId, startedAt, finishedAt, accounts };
    }
    let accountId: string;
    if ('robotId' in target) {
      const robot = this.#robots.get(target.robotId);
      if (!robot) throw new NotFoundError(`robot ${JSON.stringify(target.robotId)} is not registered`);
      accountId = robot.row.accountId;
    } else accountId = target.accountId;
    const acct = this.#accounts.get(accountId);
    if (!acct) throw new NotFoundError(`account ${JSON.stringify(accountId)} is not configured`);
    const startedAt = this.clock.now();
    const runId = await this.#store.startRun(`manual:account:${accountId}`, startedAt).catch(() => null);
    const summary = await this.#requestSync(acct, { reason: 'manual', priority: 'manual' }, true);
    if (runId !== null) await this.#finishRun(runId, [summary], this.clock.now()).catch(() => undefined);
    return summary;
  }

  status(): EngineStatus {
    const now = this.clock.now();
    const robots: RobotStatus[] = [];
    for (const r of this.#robots.values()) {
      const acct = this.#accounts.get(r.row.accountId);
      const q = acct ? this.#queue.state(acct.key) : { queued: false, running: false };
      const fresh = acct ? this.#freshAt(acct, now) : null;
      robots.push({
        robotId: r.row.id,
        accountId: r.row.accountId,
        exchange: acct?.exchange ?? 'bybit',
        symbols: r.row.symbols,
        orderLinkPrefix: r.row.orderLinkPrefix,
        status: r.row.status,
        tier: r.tier,
        openOrders: r.openOrders,
        lastSuccessAt: acct?.lastSuccessAt ?? null,
        stalenessMs: now - (fresh ?? r.registeredAt),
        lastError: acct?.lastError ?? null,
        queued: q.queued,
        running: q.running,
      });
    }
    const accounts: AccountStatus[] = [...this.#accounts.values()].map((a) => {
      const q = this.#queue.state(a.key);
      const fresh = this.#freshAt(a, now);
      const tier = this.#ticker.tierOf(a.key);
      return {
        accountId: a.config.id,
        exchange: a.exchange,
        label: a.config.label ?? null,
        robots: this.#robotsOf(a.config.id).length,
        tier: tier ?? 'off',
        intervalMs: this.#ticker.intervalOf(a.key),
        nextSyncAt: this.#ticker.dueAt(a.key),
        lastSuccessAt: a.lastSuccessAt,
        stalenessMs: fresh === null ? (this.#startedAt === null ? 0 : now - this.#startedAt) : now - fresh,
        lastError: a.lastError,
        lastErrorAt: a.lastErrorAt,
        consecutiveFailures: a.failures,
        stream: a.stream ? (a.syncer.state.streamConnected ? 'connected' : 'disconnected') : 'off',
        queued: q.queued,
        running: q.running,
      };
    });
    return { state: this.#state, startedAt: this.#startedAt, now, robots, accounts, queue: this.#queue.depth() };
  }

  /** Rolling numbers of the last minute: lags, API calls/min, syncs/s, plus queue and staleness now. */
  live(): LiveSnapshot & { queueDepth: number; running: number; stalenessMaxMs: { hot: number; idle: number }; robots: { hot: number; idle: number; paused: number } } {
    const st = this.#activeStaleness();
    const d = this.#queue.depth();
    const max = (tier: 'hot' | 'idle') => st.filter((s) => s.tier === tier).reduce((m, s) => Math.max(m, s.ms), 0);
    let paused = 0;
    for (const r of this.#robots.values()) if (r.row.status === 'paused') paused++;
    return {
      ...this.#live.snapshot(),
      queueDepth: Object.values(d.byPriority).reduce((a, b) => a + b, 0),
      running: d.running,
      stalenessMaxMs: { hot: max('hot'), idle: max('idle') },
      robots: { hot: st.filter((s) => s.tier === 'hot').length, idle: st.filter((s) => s.tier === 'idle').length, paused },
    };
  }

  #observeEventLag(ms: number): void {
    this.#metrics.eventLag.observe(ms / 1000);
    this.#live.eventLag(ms);
    this.#observer.eventLag?.(ms);
  }

  #observeDetectionLag(kind: 'order' | 'fill', ms: number): void {
    this.#metrics.detectionLag.observe({ kind }, Math.max(0, ms) / 1000);
    this.#live.detectionLag(Math.max(0, ms));
    this.#observer.detectionLag?.(kind, Math.max(0, ms));
  }

  /** Prometheus text of this engine's registry. */
  metrics(): Promise<string> {
    return this.#metrics.text();
  }

  get metricsRegistry(): Metrics['registry'] {
    return this.#metrics.registry;
  }

  start(): Promise<void> {
    if (this.#stopping) return Promise.reject(new EngineStoppedError('engine was stopped; create a new one'));
    return (this.#starting ??= this.#start());
  }

  stop(): Promise<void> {
    return (this.#stopping ??= this.#stop());
  }

  async #start(): Promise<void> {
    await this.#store.migrate();
    for (const a of this.#accounts.values()) await this.#store.upsertAccount({ id: a.config.id, exchange: a.exchange, label: a.config.label ?? null });
    for (const r of this.config.robots) await this.#store.upsertRobot(this.#robots.get(r.id)!.row);
    // Robots registered at runtime in an earlier run come back too.
    const now = this.clock.now();
    for (const row of await this.#store.listRobots()) {
      if (!this.#robots.has(row.id) && this.#accounts.has(row.accountId)) {
        this.#putRobot({ row, tier: row.status === 'paused' ? 'paused' : 'idle', openOrders: 0, registeredAt: now });
      }
    }
    this.#startedAt = now;
    this.#state = 'running';
    if (this.#schedule) {
      for (const a of this.#accounts.values()) {
        this.#track(a);
        this.#openStream(a);
      }
      if (this.config.history.enabled && this.#accounts.size) this.#ticker.track(HISTORY_RUN, 'idle', this.config.history.intervalMs);
      this.#armHeartbeat();
    }
    this.logger.info('engine started', { accounts: this.#accounts.size, robots: this.#robots.size, database: this.#store.kind });
  }

  async #stop(): Promise<void> {
    await this.#starting?.catch(() => undefined);
    this.#state = 'stopping';
    this.#ticker.stop();
    if (this.#heartbeat) this.clock.clearTimeout(this.#heartbeat);
    for (const a of this.#accounts.values()) {
      for (const w of a.awaitingPush.values()) this.clock.clearTimeout(w.fallback);
      a.awaitingPush.clear();
    }
    await Promise.all([...this.#accounts.values()].map((a) => a.stream?.stop().catch(() => undefined)));
    await this.#queue.drain();
    await Promise.all([...this.#accounts.values()].map((a) => a.pushChain));
    await this.#budgets.stop();
    await this.#writeHeartbeat().catch(() => undefined);
    await Promise.all([...this.#accounts.values()].map((a) => a.adapter.close().catch(() => undefined)));
    if (this.#ownsStore) await this.#store.close();
    this.#state = 'stopped';
    this.logger.info('engine stopped');
  }

  #armHeartbeat(): void {
    if (!this.#store.saveCursors) return;
    this.#heartbeat = this.clock.setTimeout(() => {
      this.#writeHeartbeat()
        .catch((err: unknown) => this.logger.debug('could not record sync heartbeat', { error: errorText(err) }))
        .finally(() => {
          if (this.#state === 'running') this.#armHeartbeat();
        });
    }, HEARTBEAT_MS);
  }

  /** One statement for every account whose freshness moved since the last write. */
  async #writeHeartbeat(): Promise<void> {
    if (!this.#store.saveCursors) return;
    const now = this.clock.now();
    const rows = [];
    for (const a of this.#accounts.values()) {
      const fresh = this.#freshAt(a, now);
      if (fresh === null || this.#persistedFresh.get(a.config.id) === fresh) continue;
      rows.push({ accountId: a.config.id, stream: SYNC_HEARTBEAT_STREAM, symbol: '', time: fresh, id: null, exchangeCursor: null });
    }
    if (!rows.length) return;
    await this.#store.saveCursors(rows, now);
    for (const r of rows) this.#persistedFresh.set(r.accountId, r.time);
  }

  #assertRunning(): void {
    if (this.#state !== 'running') throw new EngineStoppedError(`engine is ${this.#state}; call start() first`);
  }

  #addAccount(a: AccountConfig): AccountRuntime {
    const exCfg = this.config.exchanges[a.exchange];
    const factory = this.#adapters[a.exchange];
    if (!factory) throw new Error(`no adapter for exchange ${a.exchange}`);
    const logger = this.logger.child({ account: a.id, exchange: a.exchange });
    // The adapter declares its budgets; the gate it calls through is bound right after it exists.
    let gate: RequestGate | null = null;
    const adapter = factory(
      { id: a.id, credentials: { apiKey: a.apiKey, apiSecret: a.apiSecret, passphrase: a.passphrase } },
      endpointsFor(a.exchange, exCfg),
      {
        gate: {
          schedule: (call, fn) => gate!.schedule(call, fn),
          feedback: (endpoint, info) => gate?.feedback(endpoint, info),
        },
        clock: this.clock,
        logger,
      },
    );
    gate = this.#budgets.gate(a.exchange, a.id, a.ip, adapter.info.budgets, exCfg.budgets);
    const shared = { exchange: a.exchange, accountId: a.id, adapter, store: this.#store, clock: this.clock, logger, robots: () => this.#robotsOf(a.id) };
    const syncer = new AccountSyncer({
      ...shared,
      extraSymbols: a.symbols,
      options: {
        idleIntervalMs: this.config.scheduler.idleIntervalMs,
        streamFullCheckMs: exCfg.streamFullCheckMs,
        // Robot syncs poll often: a short overlap covers rows the exchange writes a little late;
        // the history run's periodic full pass re-reads executions with the full overlap.
        overlapMs: Math.min(this.config.history.overlapMs, SYNC_OVERLAP_MS),
        initialLookbackMs: this.config.history.initialLookback,
      },
    });
    const rt: AccountRuntime = {
      config: a,
      exchange: a.exchange,
      key: ACCOUNT_KEY + a.id,
      adapter,
      syncer,
      stream: null,
      lastSuccessAt: null,
      lastError: null,
      lastErrorAt: null,
      failures: 0,
      apiCalls: 0,
      pushChain: Promise.resolve(),
      pushing: false,
      pushQueue: { orders: [], executions: [], positions: [] },
      recentPushed: new Map(),
      awaitingPush: new Map(),
      history: new HistorySyncer({ ...shared, options: { overlapMs: this.config.history.overlapMs, initialLookbackMs: this.config.history.initialLookback } }),
      historyDirty: true,
      lastHistoryFullAt: 0,
      historyFailures: 0,
      historyRetryAt: 0,
      lastHistoryError: null,
    };
    this.#accounts.set(a.id, rt);
    return rt;
  }

  #putRobot(rt: RobotRuntime): void {
    this.#robots.set(rt.row.id, rt);
    let ids = this.#robotIdsByAccount.get(rt.row.accountId);
    if (!ids) this.#robotIdsByAccount.set(rt.row.accountId, (ids = new Set()));
    ids.add(rt.row.id);
  }

  /** The account's robots (an index, not a scan: status() and every sync ask for it). */
  #robotsOf(accountId: string): RobotRow[] {
    const out: RobotRow[] = [];
    for (const id of this.#robotIdsByAccount.get(accountId) ?? []) out.push(this.#robots.get(id)!.row);
    return out;
  }

  #requestSync(acct: AccountRuntime, req: { reason: string; priority: Priority; emittedAt?: number }): void;
  #requestSync(acct: AccountRuntime, req: { reason: string; priority: Priority; emittedAt?: number }, wait: true): Promise<SyncSummary>;
  #requestSync(acct: AccountRuntime, req: { reason: string; priority: Priority; emittedAt?: number }, wait?: true): Promise<SyncSummary> | void {
    this.#ticker.busy(acct.key);
    if (wait) return this.#queue.request(acct.key, req) as Promise<SyncSummary>;
    this.#queue.enqueue(acct.key, req);
  }

  /** Keeps the account on the ticker at its tier; off when it has nothing to watch. */
  #track(acct: AccountRuntime): void {
    if (this.#state !== 'running' || !this.#schedule) return;
    const robots = this.#robotsOf(acct.config.id).map((r) => this.#robots.get(r.id)!);
    const active = robots.filter((r) => r.row.status === 'active');
    if (!active.length && !acct.config.symbols.length) {
      this.#ticker.untrack(acct.key);
      return;
    }
    const tier = active.some((r) => r.tier === 'hot') ? 'hot' : 'idle';
    // A live private stream covers changes as they happen; REST polls only as the safety net.
    const interval = this.#streamHealthy(acct, this.clock.now()) ? this.config.scheduler.idleIntervalMs : null;
    this.#ticker.track(acct.key, tier, interval);
  }

  /**
   * Extension point: jobs whose key starts with `prefix` run `runner` through the engine's work
   * queue (single flight per key, merged reasons, priorities). Used by the price-node sync.
   */
  registerJobKind(prefix: string, runner: JobRunner): void {
    if ([ACCOUNT_KEY, HISTORY_KEY, BACKFILL_KEY].some((p) => prefix.startsWith(p) || p.startsWith(prefix))) {
      throw new Error(`job prefix ${JSON.stringify(prefix)} collides with the engine's own`);
    }
    this.#jobKinds.set(prefix, runner);
  }

  /** Queues a job of a registered kind and resolves with its result. */
  runJob(key: string, req: { reason: string; priority: Priority }): Promise<unknown> {
    this.#assertRunning();
    if (![...this.#jobKinds.keys()].some((p) => key.startsWith(p))) throw new Error(`no job kind registered for ${JSON.stringify(key)}`);
    return this.#queue.request(key, req);
  }

  #runJob(job: Job): Promise<JobResult> {
    for (const [prefix, runner] of this.#jobKinds) {
      if (job.key.startsWith(prefix)) return runner(job.key, { reasons: [...job.reasons], priority: job.priority, enqueuedAt: job.enqueuedAt });
    }
    if (job.key.startsWith(HISTORY_KEY)) return this.#runHistoryJob(job);
    if (job.key.startsWith(BACKFILL_KEY)) return this.#runBackfillJob(job);
    return this.#runAccountJob(job);
  }

  async #runAccountJob(job: Job): Promise<SyncSummary> {
    const accountId = job.key.slice(ACCOUNT_KEY.length);
    const acct = this.#accounts.get(accountId);
    const startedAt = job.startedAt ?? this.clock.now();
    const reasons = [...job.reasons];
    const base = {
      key: job.key,
      accountId,
      robotIds: this.#robotsOf(accountId).map((r) => r.id),
      reasons,
      priority: job.priority,
      queueWaitMs: startedAt - job.enqueuedAt,
      orders: { inserted: 0, updated: 0, unchanged: 0 },
      executions: { inserted: 0, unchanged: 0 },
      positions: { inserted: 0, updated: 0, unchanged: 0 },
    };
    if (!acct) return { ...base, mode: 'light', ok: false, startedAt, finishedAt: startedAt, apiCalls: 0, error: 'account removed' };
    const callsBefore = acct.apiCalls;
    try {
      const r = await acct.syncer.sync({ priority: job.priority, reasons, streamCovers: this.#streamHealthy(acct, this.clock.now()) });
      const finishedAt = this.clock.now();
      acct.lastSuccessAt = r.snapshotAt;
      acct.lastError = null;
      acct.failures = 0;
      if (r.apply) this.#publish(acct, r.apply);
      this.#updateTiers(acct, r.openByRobot, r.nonZeroSymbols);
      for (const at of job.emittedAts) this.#observeEventLag(Math.max(0, r.committedAt - at));
      this.#live.sync(true);
      this.#metrics.syncDuration.observe({ reason: job.priority }, (finishedAt - startedAt) / 1000);
      this.#ticker.done(job.key, { ok: true, startedAt: r.snapshotAt });
      this.#track(acct);
      const summary: SyncSummary = {
        ...base,
        mode: r.mode,
        ok: true,
        startedAt,
        finishedAt,
        apiCalls: acct.apiCalls - callsBefore,
        orders: counts(r.apply?.orders),
        executions: { inserted: r.apply?.executions.inserted ?? 0, unchanged: r.apply?.executions.unchanged ?? 0 },
        positions: counts(r.apply?.positions),
      };
      this.#bus.safeEmit('sync.completed', summary);
      return summary;
    } catch (err) {
      const finishedAt = this.clock.now();
      acct.failures++;
      const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      acct.lastError = message;
      acct.lastErrorAt = finishedAt;
      const retryInMs = this.#backoff(acct.failures, err, finishedAt);
      this.#metrics.syncFailures.inc({ reason: job.priority });
      this.#live.sync(false);
      this.#ticker.done(job.key, { ok: false, startedAt, retryInMs });
      if (!(err instanceof EngineStoppedError)) this.logger.warn('sync failed', { account: accountId, error: message, retryInMs, failures: acct.failures });
      const summary: SyncSummary = { ...base, mode: 'full', ok: false, startedAt, finishedAt, apiCalls: acct.apiCalls - callsBefore, error: message };
      this.#bus.safeEmit('sync.failed', { ...summary, error: message, retryInMs });
      return summary;
    }
  }

  /**
   * Backfills an account's history streams down to `since`, window by window, through the queue
   * and budgets at backfill priority (robot syncs go first). Resumable from its cursors.
   */
  async backfill(req: BackfillRequest): Promise<BackfillResult> {
    this.#assertRunning();
    const acct = this.#accounts.get(req.accountId);
    if (!acct) throw new NotFoundError(`account ${JSON.stringify(req.accountId)} is not configured`);
    const key = BACKFILL_KEY + req.accountId;
    if (this.#backfills.has(key)) throw new BadEventError(`accountId: a backfill of ${req.accountId} is already running`, 'accountId');
    this.#backfills.set(key, req);
    try {
      return (await this.#queue.request(key, { reason: 'backfill', priority: 'backfill' })) as BackfillResult;
    } finally {
      this.#backfills.delete(key);
    }
  }

  async #runBackfillJob(job: Job): Promise<BackfillResult> {
    const req = this.#backfills.get(job.key)!;
    const acct = this.#accounts.get(req.accountId)!;
    const startedAt = this.clock.now();
    const callsBefore = acct.apiCalls;
    const runId = await this.#store.startRun(`backfill:${req.accountId}`, startedAt);
    const streams = (req.streams ?? this.config.history.streams).filter((s) => acct.adapter.info.streams.includes(s));
    let counts: StreamCounts[] = [];
    let error: string | undefined;
    try {
      counts = await acct.history.backfill(streams, req.since, { signal: req.signal, onWindow: req.onWindow });
    } catch (err) {
      error = errorText(err);
    }
    const finishedAt = this.clock.now();
    const apiCalls = acct.apiCalls - callsBefore;
    await this.#store
      .finishRun(runId, {
        finishedAt,
        status: error ? 'error' : 'success',
        accountsOk: error ? 0 : 1,
        accountsFailed: error ? 1 : 0,
        ...sumCounts(counts),
        apiCalls,
        errorMessage: error ? `${req.accountId}: ${error}` : null,
      })
      .catch(() => undefined);
    return { accountId: req.accountId, runId, ok: !error, streams: counts, apiCalls, durationMs: finishedAt - startedAt, error };
  }

  /** Which history streams an account needs this run; the account sync already covers some. */
  #historyStreams(acct: AccountRuntime, now: number): { streams: HistoryStream[]; full: boolean } {
    const offered = this.config.history.streams.filter((s) => acct.adapter.info.streams.includes(s));
    const synced = this.#ticker.tierOf(acct.key) !== null;
    const full = !synced || now - acct.lastHistoryFullAt >= HISTORY_FULL_EVERY * this.config.history.intervalMs;
    const streams = offered.filter((s) => {
      if (!synced) return true;
      // Robot syncs fetch executions and positions of tracked accounts already; the periodic
      // full pass re-reads executions with the long overlap, for rows written late.
      if (s === 'positions') return false;
      if (s === 'executions') return full;
      // Order history and closed PnL only change when something filled (or, for unfilled
      // orders that came and went between two syncs, the periodic full pass catches them).
      return acct.historyDirty || full;
    });
    return { streams, full };
  }

  async #runHistoryJob(job: Job): Promise<HistoryAccountResult> {
    const accountId = job.key.slice(HISTORY_KEY.length);
    const acct = this.#accounts.get(accountId)!;
    const now = this.clock.now();
    const { streams, full } = this.#historyStreams(acct, now);
    const callsBefore = acct.apiCalls;
    const wasDirty = acct.historyDirty;
    acct.historyDirty = false;
    try {
      const counts = await acct.history.run(streams, job.priority);
      if (full) acct.lastHistoryFullAt = now;
      acct.historyFailures = 0;
      acct.historyRetryAt = 0;
      acct.lastHistoryError = null;
      return { kind: 'history', accountId, ok: true, streams: counts, apiCalls: acct.apiCalls - callsBefore };
    } catch (err) {
      acct.historyDirty = acct.historyDirty || wasDirty;
      acct.historyFailures++;
      const message = errorText(err);
      acct.lastHistoryError = message;
      acct.historyRetryAt = now + this.#backoff(acct.historyFailures, err, now);
      this.logger.warn('history sync failed', { account: accountId, error: message, failures: acct.historyFailures });
      return { kind: 'history', accountId, ok: false, streams: [], apiCalls: acct.apiCalls - callsBefore, error: message };
    }
  }

  /** One history run over every account (S000's 30-second cycle): one sync_runs row per run. */
  async #historyRun(): Promise<void> {
    const startedAt = this.clock.now();
    let ok = true;
    try {
      const due = [...this.#accounts.values()].filter((a) => a.historyRetryAt <= startedAt);
      if (!due.length) return;
      const runId = await this.#store.startRun('history', startedAt);
      const results = (await Promise.all(
        due.map((a) => this.#queue.request(HISTORY_KEY + a.config.id, { reason: 'history', priority: 'idle' }).catch((err: unknown) => ({ kind: 'history', accountId: a.config.id, ok: false, streams: [], apiCalls: 0, error: errorText(err) }) as HistoryAccountResult)),
      )) as HistoryAccountResult[];
      const failed = results.filter((r) => !r.ok);
      await this.#store.finishRun(runId, {
        finishedAt: this.clock.now(),
        status: failed.length === 0 ? 'success' : failed.length === results.length ? 'error' : 'partial',
        accountsOk: results.length - failed.length,
        accountsFailed: failed.length,
        ...sumCounts(results.flatMap((r) => r.streams)),
        apiCalls: results.reduce((n, r) => n + r.apiCalls, 0),
        errorMessage: failed.length ? failed.map((f) => `${f.accountId}: ${f.error}`).join('; ').slice(0, 2000) : null,
      });
    } catch (err) {
      ok = false;
      if (!(err instanceof EngineStoppedError)) this.logger.warn('history run failed', { error: errorText(err) });
    } finally {
      this.#ticker.done(HISTORY_RUN, ok ? { ok: true, startedAt } : { ok: false, startedAt, retryInMs: this.config.history.intervalMs });
    }
  }

  #backoff(failures: number, err: unknown, now: number): number {
    const { retryMinMs, retryMaxMs } = this.config.scheduler;
    const exp = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(20, failures - 1));
    let ms = Math.round(exp * (0.5 + 0.5 * this.#random()));
    if (err instanceof RateLimitedError) ms = Math.max(ms, err.resetAt - now);
    return Math.min(Math.max(ms, retryMinMs), Math.max(retryMaxMs, 1));
  }

  /** Change events from what the store actually committed; replays therefore publish nothing. */
  #publish(acct: AccountRuntime, apply: ApplyResult): void {
    const committedAt = apply.committedAt;
    const since = this.#startedAt ?? 0;
    for (const c of apply.orders.changes) {
      this.#bus.safeEmit('order.changed', { robotId: c.after.robotId, accountId: acct.config.id, exchange: acct.exchange, before: c.before, after: c.after, committedAt });
      if (c.after.updatedTime >= since) this.#observeDetectionLag('order', committedAt - c.after.updatedTime);
    }
    if (apply.executions.inserted > 0) acct.historyDirty = true;
    for (const e of apply.executions.insertedRows) {
      if (!isFill(e.execType)) continue;
      this.#bus.safeEmit('fill.received', { robotId: e.robotId, accountId: acct.config.id, exchange: acct.exchange, execution: e, committedAt });
      if (e.execTime >= since) this.#observeDetectionLag('fill', committedAt - e.execTime);
    }
    const attribution = acct.syncer.attribution();
    for (const c of apply.positions.changes) {
      const b = c.before;
      if (b && b.size === c.after.size && b.side === c.after.side && b.avgPrice === c.after.avgPrice) continue;
      this.#bus.safeEmit('position.changed', { robotIds: attribution.forSymbol(c.after.symbol), accountId: acct.config.id, exchange: acct.exchange, before: b, after: c.after, committedAt });
    }
    this.#metrics.storeRows.inc({ table: 'orders', outcome: 'inserted' }, apply.orders.inserted);
    this.#metrics.storeRows.inc({ table: 'orders', outcome: 'updated' }, apply.orders.updated);
    this.#metrics.storeRows.inc({ table: 'orders', outcome: 'unchanged' }, apply.orders.unchanged);
    this.#metrics.storeRows.inc({ table: 'executions', outcome: 'inserted' }, apply.executions.inserted);
    this.#metrics.storeRows.inc({ table: 'executions', outcome: 'unchanged' }, apply.executions.unchanged);
    this.#metrics.storeRows.inc({ table: 'positions', outcome: 'updated' }, apply.positions.updated + apply.positions.inserted);
  }

  #updateTiers(acct: AccountRuntime, openByRobot: Map<string, number>, nonZeroSymbols: Set<string>): void {
    const at = this.clock.now();
    for (const row of this.#robotsOf(acct.config.id)) {
      const r = this.#robots.get(row.id)!;
      r.openOrders = openByRobot.get(row.id) ?? 0;
      const next: Tier = row.status === 'paused' ? 'paused' : r.openOrders > 0 || row.symbols.some((s) => nonZeroSymbols.has(s)) ? 'hot' : 'idle';
      if (next !== r.tier) {
        const from = r.tier;
        r.tier = next;
        this.#bus.safeEmit('robot.tier_changed', { robotId: row.id, accountId: acct.config.id, from, to: next, at });
      }
    }
  }

  #openStream(acct: AccountRuntime): void {
    const exCfg = this.config.exchanges[acct.exchange];
    if (!exCfg.privateStream || !acct.adapter.info.privateStream || !acct.adapter.openStream) return;
    const stream = acct.adapter.openStream();
    acct.stream = stream;
    const state = acct.syncer.state;
    stream.on('open', ({ reconnect }) => {
      state.streamConnected = true;
      state.streamFreshAt = 0;
      this.#bus.safeEmit('stream.state', { accountId: acct.config.id, exchange: acct.exchange, state: 'open', reconnect });
      // Whatever happened while disconnected was not pushed: backfill from the cursors now.
      this.#requestSync(acct, { reason: reconnect ? 'stream.reconnect' : 'stream.open', priority: 'reconnect' });
    });
    stream.on('close', ({ reason }) => {
      state.streamConnected = false;
      this.#bus.safeEmit('stream.state', { accountId: acct.config.id, exchange: acct.exchange, state: 'closed', reason });
      this.#track(acct);
    });
    stream.on('heartbeat', (at) => {
      const wasHealthy = this.#streamHealthy(acct, this.clock.now());
      state.streamFreshAt = Math.max(state.streamFreshAt, at);
      if (!wasHealthy) this.#track(acct);
    });
    stream.on('error', (err) => this.logger.warn('private stream error', { account: acct.config.id, error: err.message }));
    stream.on('orders', (orders) => this.#push(acct, { orders }));
    stream.on('executions', (executions) => this.#push(acct, { executions }));
    stream.on('positions', (positions) => this.#push(acct, { positions }));
    stream.start();
  }

  /**
   * Pushes are written one batch at a time per account: whatever arrives while a write is in
   * flight is gathered and written next, in one transaction (the store keeps the most advanced
   * report per key), so a busy stream costs a few transactions, not one per message.
   */
  #push(acct: AccountRuntime, p: { orders?: OrderReport[]; executions?: ExecutionReport[]; positions?: PositionReport[] }): void {
    const q = acct.pushQueue;
    if (p.orders) q.orders.push(...p.orders);
    if (p.executions) q.executions.push(...p.executions);
    if (p.positions) q.positions.push(...p.positions);
    if (acct.pushing) return;
    acct.pushing = true;
    acct.pushChain = (async () => {
      while (q.orders.length + q.executions.length + q.positions.length > 0 && this.#state !== 'stopped') {
        const batch = { orders: q.orders.splice(0), executions: q.executions.splice(0), positions: q.positions.splice(0) };
        try {
          const r = await acct.syncer.applyPush(batch);
          this.#publish(acct, r.apply);
          this.#updateTiers(acct, r.openByRobot, r.nonZeroSymbols);
          this.#track(acct);
          for (const o of batch.orders) this.#notePushed(acct, o, r.apply.committedAt);
        } catch (err) {
          // The REST safety net will catch up; make it run soon.
          this.logger.warn('could not apply pushed changes', { account: acct.config.id, error: err instanceof Error ? err.message : String(err) });
          if (this.#state === 'running') this.#requestSync(acct, { reason: 'stream.apply_failed', priority: 'reconnect' });
        }
      }
      acct.pushing = false;
    })();
  }

  #notePushed(acct: AccountRuntime, o: OrderReport, committedAt: number): void {
    for (const ref of [o.orderId, o.orderLinkId]) {
      if (!ref) continue;
      const waiting = acct.awaitingPush.get(ref);
      if (waiting) {
        this.clock.clearTimeout(waiting.fallback);
        acct.awaitingPush.delete(ref);
        this.#observeEventLag(Math.max(0, committedAt - waiting.emittedAt));
      }
      if (acct.recentPushed.size >= RECENT_PUSH_MAX) acct.recentPushed.delete(acct.recentPushed.keys().next().value!);
      acct.recentPushed.set(ref, committedAt);
    }
  }

  #streamHealthy(acct: AccountRuntime, now: number): boolean {
    const s = acct.syncer.state;
    if (!acct.stream || !s.streamConnected || !s.streamFreshAt) return false;
    return now - s.streamFreshAt <= 2 * this.config.exchanges[acct.exchange].heartbeatMs + 1000;
  }

  /** The time up to which an account's data are known complete. */
  #freshAt(acct: AccountRuntime, now: number): number | null {
    const s = acct.syncer.state;
    const streamAt = this.#streamHealthy(acct, now) ? s.streamFreshAt : 0;
    const best = Math.max(acct.lastSuccessAt ?? 0, streamAt);
    return best || null;
  }

  #activeStaleness(): { tier: 'hot' | 'idle'; ms: number }[] {
    const now = this.clock.now();
    const out: { tier: 'hot' | 'idle'; ms: number }[] = [];
    for (const r of this.#robots.values()) {
      if (r.row.status !== 'active') continue;
      const acct = this.#accounts.get(r.row.accountId);
      const fresh = acct ? this.#freshAt(acct, now) : null;
      out.push({ tier: r.tier === 'hot' ? 'hot' : 'idle', ms: now - (fresh ?? Math.max(r.registeredAt, this.#startedAt ?? r.registeredAt)) });
    }
    return out;
  }

  async #registerRobot(input: { id: string; accountId: string; symbols: string[]; orderLinkPrefix?: string | null; status?: 'active' | 'paused' }): Promise<RobotRow> {
    const row = validateRobot(input, (id) => this.#accounts.has(id));
    const prev = this.#robots.get(row.id);
    if (prev && prev.row.accountId !== row.accountId) {
      throw new BadEventError(`accountId: robot ${row.id} is registered on account ${prev.row.accountId}; unregister it first`, 'accountId');
    }
    await this.#store.upsertRobot(row);
    this.#putRobot({ row, tier: row.status === 'paused' ? 'paused' : (prev?.tier ?? 'idle'), openOrders: prev?.openOrders ?? 0, registeredAt: prev?.registeredAt ?? this.clock.now() });
    const acct = this.#accounts.get(row.accountId)!;
    if (this.#state === 'running') {
      this.#track(acct);
      if (row.status === 'active') this.#requestSync(acct, { reason: 'robot.registered', priority: 'manual' });
    }
    return row;
  }

  async #updateRobot(id: string, patch: { symbols?: string[]; orderLinkPrefix?: string | null; status?: 'active' | 'paused' }): Promise<RobotRow> {
    const r = this.#robots.get(id);
    if (!r) throw new NotFoundError(`robot ${JSON.stringify(id)} is not registered`);
    const row = validateRobot({ ...r.row, ...patch, id, accountId: r.row.accountId }, (a) => this.#accounts.has(a));
    await this.#store.upsertRobot(row);
    const before = r.tier;
    r.row = row;
    if (row.status === 'paused') r.tier = 'paused';
    else if (r.tier === 'paused') r.tier = r.openOrders > 0 ? 'hot' : 'idle';
    if (before !== r.tier) this.#bus.safeEmit('robot.tier_changed', { robotId: id, accountId: row.accountId, from: before, to: r.tier, at: this.clock.now() });
    const acct = this.#accounts.get(row.accountId);
    if (acct) this.#track(acct);
    return row;
  }

  async #unregisterRobot(id: string): Promise<void> {
    const r = this.#robots.get(id);
    if (!r) throw new NotFoundError(`robot ${JSON.stringify(id)} is not registered`);
    await this.#store.deleteRobot(id);
    this.#robots.delete(id);
    this.#robotIdsByAccount.get(r.row.accountId)?.delete(id);
    const acct = this.#accounts.get(r.row.accountId);
    if (acct) this.#track(acct);
  }

  async #finishRun(runId: number, summaries: SyncSummary[], finishedAt: number): Promise<void> {
    const failed = summaries.filter((s) => !s.ok);
    await this.#store.finishRun(runId, {
      finishedAt,
      status: failed.length === 0 ? 'success' : failed.length === summaries.length ? 'error' : 'partial',
      accountsOk: summaries.length - failed.length,
      accountsFailed: failed.length,
      rowsNew: summaries.reduce((n, s) => n + s.orders.inserted + s.executions.inserted + s.positions.inserted, 0),
      rowsUpdated: summaries.reduce((n, s) => n + s.orders.updated + s.positions.updated, 0),
      rowsSkipped: summaries.reduce((n, s) => n + s.orders.unchanged + s.executions.unchanged + s.positions.unchanged, 0),
      apiCalls: summaries.reduce((n, s) => n + s.apiCalls, 0),
      errorMessage: failed.length ? failed.map((s) => `${s.accountId}: ${s.error}`).join('; ').slice(0, 2000) : null,
    });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function sumCounts(cs: StreamCounts[]): { rowsNew: number; rowsUpdated: number; rowsSkipped: number } {
  return {
    rowsNew: cs.reduce((n, c) => n + c.rowsNew, 0),
    rowsUpdated: cs.reduce((n, c) => n + c.rowsUpdated, 0),
    rowsSkipped: cs.reduce((n, c) => n + c.rowsSkipped, 0),
  };
}

function counts(c: { inserted: number; updated: number; unchanged: number } | undefined) {
  return { inserted: c?.inserted ?? 0, updated: c?.updated ?? 0, unchanged: c?.unchanged ?? 0 };
}

/** Loads and validates the configuration (throwing ConfigError before touching any database), opens the store, builds the engine. */
export async function createEngine(input: EngineInput = {}, deps: EngineDeps = {}): Promise<Engine> {
  const config =
    'configFile' in input && typeof input.configFile === 'string'
      ? loadConfig({ file: input.configFile, config: (input as { overrides?: ConfigInput }).overrides })
      : loadConfig({ config: input as ConfigInput, file: null });
  return engineFromConfig(config, deps);
}

/** Internal: an engine from a configuration already resolved (the CLI loads it once). */
export async function engineFromConfig(config: ResolvedConfig, deps: EngineDeps = {}): Promise<Engine> {
  const store = deps.store ?? (await createStore(config.database, { logger: deps.logger }));
  try {
    return new Engine(config, store, !deps.store, deps);
  } catch (err) {
    if (!deps.store) await store.close().catch(() => undefined);
    throw err;
  }
}
