import type { Logger } from '../util/logger.js';
import type { JournalEntry } from './core/records.js';

export type ExchangeName = 'bybit' | 'weex';

/** Limits fault injection to some accounts (ids) and/or endpoints (paths like /v5/order/realtime). */
export interface FaultFilter {
  accounts?: string[];
  endpoints?: string[];
}

/**
 * Faults, settable at start (`--faults FILE`) and at any time (admin API, `setFaults`).
 * Rates are probabilities 0..1 drawn from the seeded RNG.
 */
export interface FaultConfig {
  /** Added to every REST answer (on top of `latencyMs` of the options). */
  latencyMs: number;
  /** Uniform extra 0..jitter ms. */
  latencyJitterMs: number;
  /** HTTP 500/502/503/504 instead of the answer; the request has no effect. */
  http5xxRate: number;
  /** The request takes effect but no answer is ever sent (the socket is held open). */
  timeoutRate: number;
  /** Spurious rate-limit answer (Bybit retCode 10006, WEEX HTTP 429); no effect. */
  rateLimitRate: number;
  /** The request takes effect; the answer body is cut short (invalid JSON). */
  malformedRate: number;
  /** Private WS connections are dropped this many ms after they open (0 = never). */
  wsDropEveryMs: number;
  /** A private WS push is silently not sent. */
  wsDropMessageRate: number;
  /** A `Filled` order push is followed by a second one (cancelType CancelByUser, EC_OrigClOrdIDDoesNotExist). */
  wsDuplicateFilledRate: number;
  /** The simulator's clock runs ahead (+) or behind (-) by this much. Global. */
  clockSkewMs: number;
  /** History endpoints show the state as of now - lag (written asynchronously). Global. */
  historyLagMs: number;
  /** When set, the request/WS faults above apply only to matching accounts/endpoints. */
  only?: FaultFilter;
}

export interface LimitConfig {
  /** false disables every rate limit (handy for scenario tests). */
  enabled: boolean;
  /** Bybit: requests per IP per window, then HTTP 403 and a ban. */
  ipLimit: number;
  ipWindowMs: number;
  ipBanMs: number;
  /** Bybit: per UID per endpoint, rolling window. */
  uidReadPerSec: number;
  uidWritePerSec: number;
  uidWindowMs: number;
  /** WEEX: weight budget per IP and per UID per window (docs mirrors disagree: 500 or 1000). */
  weexIpWeight: number;
  weexUidWeight: number;
  weexWindowMs: number;
  /** WEEX: place/cancel requests per second per UID. */
  weexOrderPerSec: number;
  /** Take the client IP from X-Forwarded-For (lets one test process act as several IPs). */
  trustForwardedFor: boolean;
  /** Bybit private WS: disconnect after this long without a client message (max_active_time may lower it). */
  wsIdleMs: number;
}

/** Market model and behaviours the facts file marks as unverified [U]. */
export interface BehaviourConfig {
  /** Probability that a crossing fills only part of the leaves quantity. */
  partialFillRate: number;
  /** A taker order fills in 1..this many executions (same execTime, same seq). */
  maxFillsPerMatch: number;
  makerFeeRate: string;
  takerFeeRate: string;
  /** Funding rate level; each funding event varies it deterministically around this. */
  fundingRate: string;
  /** Bybit openOnly=1: closed orders kept per account. */
  closedOrderCacheSize: number;
  /** [U] A history query reaching before the 2-year floor: clamp (empty) or retCode 10001. */
  historyFloor: 'clamp' | 'error';
  /** [U] Whether /v5/order/history also lists open orders (New/PartiallyFilled). */
  historyIncludesOpen: boolean;
  /** [U] The recvWindow text Bybit concatenates when the header is absent. */
  missingRecvWindowText: string;
  /** [U] Wrap WEEX read answers in {code:"00000",msg,requestTime,data}. */
  weexWrapReads: boolean;
  /** [U] Order of WEEX fills: newest first (default) or oldest first. */
  weexFillsOrder: 'desc' | 'asc';
  /** Ground-truth journal entries kept (oldest dropped first). */
  journalMax: number;
}

export interface AccountSpec {
  id?: string;
  apiKey?: string;
  apiSecret?: string;
  passphrase?: string;
}

export interface SimulatorOptions {
  exchange?: ExchangeName;
  host?: string;
  port?: number;
  /** Same seed => same accounts/keys/price path shape. */
  seed?: number;
  accounts?: number | AccountSpec[];
  /** Bybit form; the WEEX front maps BTCUSDT to cmt_btcusdt. */
  symbols?: string[];
  /** Fixed added latency per REST answer. */
  latencyMs?: number;
  faults?: Partial<FaultConfig>;
  /** Price path sampling period (matching runs on each sample). */
  priceTickMs?: number;
  /** Periodic Funding executions for open positions. */
  fundingIntervalMs?: number;
  limits?: Partial<LimitConfig>;
  behaviour?: Partial<BehaviourConfig>;
  /** Simulator clock; the clockSkewMs fault adds on top. */
  now?: () => number;
  logger?: Logger;
}

export interface SimAccountInfo {
  id: string;
  uid: string;
  apiKey: string;
  apiSecret: string;
  passphrase?: string;
}

/** What `robosync simulator` prints as its first line. */
export interface SimulatorInfo {
  exchange: ExchangeName;
  url: string;
  wsUrl: string;
  accounts: { id: string; apiKey: string; apiSecret: string; passphrase?: string }[];
  symbols: string[];
}

/** A request to place an order directly (Bybit vocabulary for both fronts). */
export interface DirectOrderRequest {
  symbol: string;
  side: 'Buy' | 'Sell';
  orderType: 'Limit' | 'Market';
  qty: string;
  price?: string;
  timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'PostOnly';
  orderLinkId?: string;
  reduceOnly?: boolean;
}

export interface DirectCancelRequest {
  symbol?: string;
  orderId?: string;
  orderLinkId?: string;
}

/** Rows in the exchange's own wire shape plus `accountId` and `changedAt` (ms, simulator clock). */
export type TruthRow = Record<string, unknown> & { accountId: string; changedAt: number };

export type TruthPart = 'orders' | 'executions' | 'positions' | 'closedPnl' | 'journal';

export interface TruthQuery {
  accountId?: string;
  since?: number;
  include?: TruthPart[];
}

export interface GroundTruth {
  exchange: ExchangeName;
  now: number;
  orders: TruthRow[];
  executions: TruthRow[];
  positions: TruthRow[];
  closedPnl: TruthRow[];
  journal: JournalEntry[];
}

export interface HistoryRequest {
  /** One account; all accounts share the work when omitted. */
  accountId?: string;
  days: number;
  /** Trade executions to generate in total (Funding rows come on top). */
  executions: number;
  /** End of the generated span (default: now - 1 minute). */
  endAt?: number;
  symbols?: string[];
}

export interface HistoryResult {
  orders: number;
  executions: number;
  closedPnl: number;
  funding: number;
}

export interface ScenarioRequest {
  /** Account ids, or the first N accounts; default all. */
  accounts?: string[] | number;
  ordersPerSecond: number;
  /** Probability an action cancels one of the account's open orders. */
  cancelRate?: number;
  /** Probability an action is a market order (closing reduce-only when a position exists). */
  marketRate?: number;
  /** Stop after this long (default: until stopped). */
  durationMs?: number;
  symbols?: string[];
}

export interface ScenarioStatus {
  running: boolean;
  startedAt?: number;
  placed: number;
  cancelled: number;
  market: number;
  errors: number;
}

export interface SimulatorStats {
  requests: Record<string, number>;
  byAccount: Record<string, Record<string, number>>;
  rateLimitAnswers: number;
  ipBans: number;
  /** Open private WS connections now. */
  wsConnections: number;
  wsConnectionsTotal: number;
  wsMessages: number;
}

export interface SimulatorHandle {
  readonly exchange: ExchangeName;
  readonly url: string;
  readonly wsUrl: string;
  readonly accounts: SimAccountInfo[];
  readonly symbols: string[];
  info(): SimulatorInfo;
  /** Ground truth, optionally for one account, changes at/after `since`, some parts only (default all). */
  truth(q?: TruthQuery): GroundTruth;
  faults(): FaultConfig;
  /** Merges into the current faults (validated; throws SimulatorConfigError). */
  setFaults(f: Partial<FaultConfig>): void;
  /** Back to no faults. */
  resetFaults(): void;
  setPrice(symbol: string, price: string): void;
  price(symbol: string): string;
  placeOrder(accountId: string, req: DirectOrderRequest): Promise<TruthRow>;
  cancelOrder(accountId: string, req: DirectCancelRequest): Promise<TruthRow>;
  cancelAll(accountId: string, symbol?: string): Promise<TruthRow[]>;
  generateHistory(q: HistoryRequest): HistoryResult;
  startScenario(q: ScenarioRequest): ScenarioStatus;
  stopScenario(): ScenarioStatus;
  scenarioStatus(): ScenarioStatus;
  /** Runs funding for open positions now (as the periodic timer does). */
  runFunding(): number;
  /** "Service restart": wipes the openOnly=1 closed-order cache. */
  restart(): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Forgets rate-limit windows and IP bans. */
  resetLimits(): void;
  /** The simulator clock (options.now + clockSkewMs). */
  now(): number;
  close(): Promise<void>;
}
