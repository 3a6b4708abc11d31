import { makeAccounts } from './core/accounts-gen.js';
import { parseDecimalText } from './core/decimal.js';
import { Engine } from './core/engine.js';
import { CoreError } from './core/errors.js';
import { FaultInjector } from './core/faults.js';
import { generateHistory } from './core/history-gen.js';
import type { SimOrder } from './core/records.js';
import { ScenarioRunner } from './core/scenario.js';
import { AdminApi } from './admin.js';
import { BybitFront } from './bybit/front.js';
import { BybitPrivateStream, PRIVATE_PATH } from './bybit/ws.js';
import { WeexFront } from './weex/front.js';
import type { ExchangeFront } from './front.js';
import { DEFAULT_FAULTS, resolveFaults, resolveOptions, type ResolvedOptions } from './options.js';
import { SimHttpServer } from './server.js';
import { StatsCollector } from './stats.js';
import type {
  DirectCancelRequest,
  DirectOrderRequest,
  FaultConfig,
  GroundTruth,
  HistoryRequest,
  HistoryResult,
  ScenarioRequest,
  ScenarioStatus,
  SimAccountInfo,
  SimulatorHandle,
  SimulatorInfo,
  SimulatorOptions,
  SimulatorStats,
  TruthPart,
  TruthQuery,
  TruthRow,
} from './types.js';

/** The running simulator: engine + one exchange front + HTTP/WS server + timers. */
class Simulator implements SimulatorHandle {
  readonly exchange: 'bybit' | 'weex';
  url = '';
  wsUrl = '';
  readonly accounts: SimAccountInfo[];
  readonly symbols: string[];
  readonly #o: ResolvedOptions;
  readonly #engine: Engine;
  readonly #faults: FaultInjector;
  readonly #front: ExchangeFront;
  readonly #stream?: BybitPrivateStream;
  readonly #http: SimHttpServer;
  readonly #stats = new StatsCollector();
  readonly #scenario: ScenarioRunner;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #historyCalls = 0;
  #closed?: Promise<void>;

  constructor(o: ResolvedOptions) {
    this.#o = o;
    this.exchange = o.exchange;
    // Simulated credentials are printed on stdout by design and never logged; they are not put
    // in the process-wide redaction registry (1,000 accounts would slow every log line).
    const creds = makeAccounts(o.seed, o.exchange, o.accounts);
    this.#faults = new FaultInjector(o.faults, o.seed);
    const now = () => o.now() + this.#faults.config.clockSkewMs;
    this.#engine = new Engine({ seed: o.seed, idFormat: o.exchange === 'weex' ? 'int64' : 'uuid', symbols: o.symbols, accounts: creds, behaviour: o.behaviour, now });
    const deps = { engine: this.#engine, faults: this.#faults, limits: o.limits, behaviour: o.behaviour, now, logger: o.logger };
    this.#front = o.exchange === 'weex' ? new WeexFront(deps) : new BybitFront(deps);
    if (o.exchange === 'bybit') this.#stream = new BybitPrivateStream(deps);
    this.accounts = creds.map((c) => ({ id: c.id, uid: c.uid, apiKey: c.apiKey, apiSecret: c.apiSecret, ...(c.passphrase ? { passphrase: c.passphrase } : {}) }));
    this.symbols = o.symbols.map((s) => this.#front.exchangeSymbol(s));
    this.#scenario = new ScenarioRunner(this.#engine, o.seed);
    const admin = new AdminApi(this);
    this.#http = new SimHttpServer({
      exchange: (r) => this.#front.handle(r),
      admin: (r) => admin.handle(r),
      upgrade: (path, req, socket, head) => {
        if (!this.#stream || path !== PRIVATE_PATH) return false;
        this.#stream.handleUpgrade(req, socket, head);
        return true;
      },
      onReply: (r) => this.#stats.record(r),
      latencyMs: () => o.latencyMs,
      trustForwardedFor: () => o.limits.trustForwardedFor,
      logger: o.logger,
    });
  }

  async start(): Promise<void> {
    const port = await this.#http.listen(this.#o.host, this.#o.port);
    const host = this.#o.host.includes(':') ? `[${this.#o.host}]` : this.#o.host;
    this.url = `http://${host}:${port}`;
    this.wsUrl = `ws://${host}:${port}`;
    const tick = setInterval(() => this.#safe('tick', () => this.#engine.tick()), this.#o.priceTickMs);
    const funding = setInterval(() => this.#safe('funding', () => this.#engine.funding()), this.#o.fundingIntervalMs);
    for (const t of [tick, funding]) {
      t.unref();
      this.#timers.push(t);
    }
    this.#o.logger.info('simulator: listening', { exchange: this.exchange, url: this.url, accounts: this.accounts.length, symbols: this.symbols });
  }

  #safe(what: string, fn: () => unknown): void {
    try {
      fn();
    } catch (e) {
      this.#o.logger.error(`simulator: ${what} failed`, { error: e instanceof Error ? e.stack : String(e) });
    }
  }

  now(): number {
    return this.#engine.now();
  }

  info(): SimulatorInfo {
    return {
      exchange: this.exchange,
      url: this.url,
      wsUrl: this.wsUrl,
      accounts: this.accounts.map((a) => ({ id: a.id, apiKey: a.apiKey, apiSecret: a.apiSecret, ...(a.passphrase ? { passphrase: a.passphrase } : {}) })),
      symbols: this.symbols,
    };
  }

  truth(q: TruthQuery = {}): GroundTruth {
    const since = q.since ?? -Infinity;
    const want = new Set<TruthPart>(q.include ?? ['orders', 'executions', 'positions', 'closedPnl', 'journal']);
    const accts = q.accountId ? [this.#engine.account(q.accountId)] : [...this.#engine.accounts.values()];
    const f = this.#front.format;
    const out: GroundTruth = { exchange: this.exchange, now: this.now(), orders: [], executions: [], positions: [], closedPnl: [], journal: [] };
    const row = (accountId: string, changedAt: number, r: Record<string, unknown>): TruthRow => ({ ...r, accountId, changedAt });
    for (const a of accts) {
      if (want.has('orders')) for (const o of a.orders.items) if (o.changedAt >= since) out.orders.push(row(a.id, o.changedAt, f.order(o)));
      if (want.has('executions')) for (const e of a.executions.items) if (e.changedAt >= since) out.executions.push(row(a.id, e.changedAt, f.execution(e)));
      if (want.has('closedPnl')) for (const c of a.closedPnl.items) if (c.changedAt >= since) out.closedPnl.push(row(a.id, c.changedAt, f.closedPnl(c)));
      if (want.has('positions')) {
        for (const p of a.positions.values()) {
          if (p.changedAt >= since) out.positions.push(row(a.id, p.changedAt, f.position(p, this.#engine.market.price(p.symbol, out.now))));
        }
      }
    }
    if (want.has('journal')) out.journal = this.#engine.journal.since(q);
    return out;
  }

  faults(): FaultConfig {
    return structuredClone(this.#faults.config);
  }

  setFaults(f: Partial<FaultConfig>): void {
    this.#faults.config = resolveFaults(f, this.#faults.config);
  }

  resetFaults(): void {
    this.#faults.config = { ...DEFAULT_FAULTS };
  }

  #symbol(s: unknown): string {
    const core = typeof s === 'string' ? this.#front.coreSymbol(s) : undefined;
    if (!core) throw new CoreError('unknown_symbol', `symbol invalid: ${JSON.stringify(s)}`);
    return core;
  }

  setPrice(symbol: string, price: string): void {
    const p = parseDecimalText(price);
    if (!p) throw new CoreError('invalid', 'price: expected a positive decimal string');
    this.#engine.setPrice(this.#symbol(symbol), p);
  }

  price(symbol: string): string {
    return this.#engine.lastPrice(this.#symbol(symbol)).toFixed();
  }

  #row(o: SimOrder): TruthRow {
    return { ...this.#front.format.order(o), accountId: o.accountId, changedAt: o.changedAt };
  }

  async placeOrder(accountId: string, req: DirectOrderRequest): Promise<TruthRow> {
    if (!req || typeof req !== 'object') throw new CoreError('invalid', 'order: expected an object');
    if (req.side !== 'Buy' && req.side !== 'Sell') throw new CoreError('invalid', 'side: expected "Buy" or "Sell"');
    if (req.orderType !== 'Limit' && req.orderType !== 'Market') throw new CoreError('invalid', 'orderType: expected "Limit" or "Market"');
    if (req.timeInForce !== undefined && !['GTC', 'IOC', 'FOK', 'PostOnly'].includes(req.timeInForce)) throw new CoreError('invalid', 'timeInForce: expected GTC, IOC, FOK or PostOnly');
    if (req.orderLinkId !== undefined && (typeof req.orderLinkId !== 'string' || req.orderLinkId.length > 40)) throw new CoreError('invalid', 'orderLinkId: expected a string of at most 40 characters');
    const o = this.#engine.place(accountId, { ...req, qty: String(req.qty), price: req.price === undefined ? undefined : String(req.price), symbol: this.#symbol(req.symbol), reduceOnly: req.reduceOnly === true });
    return this.#row(o);
  }

  async cancelOrder(accountId: string, req: DirectCancelRequest): Promise<TruthRow> {
    const symbol = req.symbol === undefined ? undefined : this.#symbol(req.symbol);
    return this.#row(this.#engine.cancel(accountId, { symbol, orderId: req.orderId, orderLinkId: req.orderLinkId }));
  }

  async cancelAll(accountId: string, symbol?: string): Promise<TruthRow[]> {
    const s = symbol === undefined ? undefined : this.#symbol(symbol);
    return this.#engine.cancelAll(accountId, s ? { symbol: s } : {}).map((o) => this.#row(o));
  }

  generateHistory(q: HistoryRequest): HistoryResult {
    const symbols = q.symbols?.map((s) => this.#symbol(s));
    return generateHistory(this.#engine, { ...q, symbols }, this.#o.seed, ++this.#historyCalls);
  }

  startScenario(q: ScenarioRequest): ScenarioStatus {
    return this.#scenario.start({ ...q, symbols: q.symbols?.map((s) => this.#symbol(s)) });
  }

  stopScenario(): ScenarioStatus {
    return this.#scenario.stop();
  }

  scenarioStatus(): ScenarioStatus {
    return this.#scenario.status();
  }

  runFunding(): number {
    return this.#engine.funding();
  }

  restart(): void {
    this.#engine.restart();
  }

  resetLimits(): void {
    this.#front.resetLimits();
  }

  stats(): SimulatorStats {
    return this.#stats.snapshot(this.#stream?.stats ?? { connections: 0, connectionsTotal: 0, messages: 0 });
  }

  resetStats(): void {
    this.#stats.reset();
    if (this.#stream) {
      this.#stream.stats.connectionsTotal = this.#stream.stats.connections;
      this.#stream.stats.messages = 0;
    }
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#scenario.stop();
      for (const t of this.#timers) clearInterval(t);
      await this.#stream?.close();
      await this.#http.close();
      this.#o.logger.info('simulator: closed', { exchange: this.exchange });
    })();
    return this.#closed;
  }
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = new Simulator(resolveOptions(opts));
  try {
    await sim.start();
  } catch (e) {
    await sim.close().catch(() => undefined);
    throw e;
  }
  return sim;
}
