import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { Priority } from '../domain/priority.js';
import type {
  ClosedPnlReport,
  ExchangeName,
  ExecutionReport,
  OrderReport,
  PositionReport,
  Side,
} from '../domain/types.js';

/**
 * The adapter contract: the wire (signing, endpoints, paging, error mapping, private stream) on
 * one side, normalized reports on the other. Adapters know nothing of the database, the
 * scheduler or other accounts. Every HTTP call goes through the injected RequestGate, which owns
 * the budgets. Errors are the named classes of src/errors.ts.
 */

export interface Credentials {
  apiKey: string;
  apiSecret: string;
  /** WEEX only. */
  passphrase?: string;
}

export interface TimeRange {
  /** inclusive, ms */
  start: number;
  /** inclusive, ms */
  end: number;
}

/** One page; `next` is an opaque token for the following page, null on the last. */
export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface CallOptions {
  priority: Priority;
  signal?: AbortSignal;
}

/**
 * Rate budgets of an exchange. Buckets with scope 'account' exist once per account (UID);
 * 'ip' buckets are shared by every account of the exchange behind one egress IP.
 * `endpoints[endpoint][bucket] = weight` (a weight above the bucket's limit is a config error).
 */
export interface BudgetSpec {
  buckets: Record<string, { scope: 'account' | 'ip'; limit: number; windowMs: number }>;
  endpoints: Record<string, Record<string, number>>;
}

export interface BudgetFeedback {
  limit?: number;
  remaining?: number;
  /** ms timestamp when the exchange says the window resets */
  resetAt?: number;
}

/**
 * Owned by the engine (src/limits). `schedule` waits until every bucket of the endpoint has
 * room (higher priority first), runs `fn`, and counts the call. A RateLimitedError thrown by
 * `fn` pauses the bucket until its reset time; the gate may retry it. `feedback` passes the
 * exchange's remaining-budget headers back.
 */
export interface RequestGate {
  schedule<T>(call: { endpoint: string; priority: Priority; signal?: AbortSignal }, fn: () => Promise<T>): Promise<T>;
  feedback(endpoint: string, info: BudgetFeedback): void;
}

export type HistoryStream = 'executions' | 'orders' | 'closed_pnl' | 'positions';

export interface AdapterInfo {
  exchange: ExchangeName;
  /** Longest time range one history query accepts (Bybit: 7 days); null when unbounded. */
  maxWindowMs: number | null;
  /** How far back history reaches (Bybit: 2 years; WEEX: 90 days). */
  historyFloorMs: number;
  /** The history streams the exchange offers. */
  streams: HistoryStream[];
  budgets: BudgetSpec;
  /** Whether openStream() is available. */
  privateStream: boolean;
}

export interface PlaceOrderRequest {
  symbol: string;
  side: Side;
  orderType: 'Limit' | 'Market';
  qty: string;
  price?: string;
  orderLinkId?: string;
  reduceOnly?: boolean;
  timeInForce?: 'GTC' | 'IOC' | 'FOK' | 'PostOnly';
}

export interface ExchangeAdapter {
  readonly info: AdapterInfo;

  /** Open orders on the given symbols (empty = every symbol of the account), one page. */
  openOrders(q: { symbols: string[] }, cursor: string | null, opts: CallOptions): Promise<Page<OrderReport>>;

  /**
   * One order's current state, open or closed, looked up by id (realtime first, then history).
   * Resolves null only when the exchange positively answers that it does not know the order.
   */
  order(ref: { orderId: string; symbol: string; orderLinkId?: string | null }, opts: CallOptions): Promise<OrderReport | null>;

  /** Closed/any orders in a time range (range no longer than info.maxWindowMs). */
  orderHistory(q: { symbol?: string; range: TimeRange }, cursor: string | null, opts: CallOptions): Promise<Page<OrderReport>>;

  /** Executions (fills and non-fill exec types such as Funding) in a time range. */
  executions(q: { symbol?: string; range: TimeRange }, cursor: string | null, opts: CallOptions): Promise<Page<ExecutionReport>>;

  /** Closed PnL rows (one per closing order) in a time range. */
  closedPnl(q: { symbol?: string; range: TimeRange }, cursor: string | null, opts: CallOptions): Promise<Page<ClosedPnlReport>>;

  /** Non-zero positions on the given symbols (empty = all); may include other symbols. */
  positions(q: { symbols: string[] }, cursor: string | null, opts: CallOptions): Promise<Page<PositionReport>>;

  /** One symbol's positions, flat rows included (size '0', side ''). */
  position(q: { symbol: string }, opts: CallOptions): Promise<PositionReport[]>;

  placeOrder(req: PlaceOrderRequest, opts: CallOptions): Promise<{ orderId: string; orderLinkId: string | null }>;
  cancelOrder(req: { symbol: string; orderId?: string; orderLinkId?: string }, opts: CallOptions): Promise<void>;

  /** The private push stream, when info.privateStream. Not started until start(). */
  openStream?(): PrivateStream;

  close(): Promise<void>;
}

export interface PrivateStreamEvents {
  /** Authenticated and subscribed. Anything that happened while not connected was missed. */
  open: (info: { reconnect: boolean }) => void;
  close: (info: { reason: string }) => void;
  /** A heartbeat answered: every push the exchange sent before `at` (ms, local clock) has arrived. */
  heartbeat: (at: number) => void;
  orders: (orders: OrderReport[]) => void;
  executions: (executions: ExecutionReport[]) => void;
  positions: (positions: PositionReport[]) => void;
  error: (err: Error) => void;
}

export interface PrivateStream extends EventEmitter<PrivateStreamEvents> {
  readonly connected: boolean;
  start(): void;
  stop(): Promise<void>;
}

export interface ExchangeEndpoints {
  /** REST base URL, e.g. https://api.bybit.com */
  baseUrl: string;
  /** WebSocket base, e.g. wss://stream.bybit.com (private stream path added by the adapter) */
  wsUrl?: string;
  recvWindowMs?: number;
  timeoutMs?: number;
  /** WEEX [U] switches; see README */
  options?: Record<string, unknown>;
}

export interface AdapterDeps {
  gate: RequestGate;
  clock: Clock;
  logger: Logger;
}

export type AdapterFactory = (
  account: { id: string; credentials: Credentials },
  endpoints: ExchangeEndpoints,
  deps: AdapterDeps,
) => ExchangeAdapter;
