import type {
  AdapterFactory,
  AdapterInfo,
  CallOptions,
  ExchangeAdapter,
  Page,
  PlaceOrderRequest,
  PrivateStream,
  TimeRange,
} from '../adapter.js';
import type { ClosedPnlReport, ExecutionReport, OrderReport, PositionReport } from '../../domain/types.js';
import { isZero } from '../../domain/types.js';
import { ExchangeUnavailableError } from '../../errors.js';
import { registerSecret } from '../../util/redact.js';
import { BYBIT_PATHS, bybitBudgets, type BybitEndpoint } from './budgets.js';
import { decodeGroupCursor, encodeGroupCursor, groupSymbols } from './groups.js';
import { BYBIT_PRIVATE_WS_PATH, resolveBybitHosts } from './hosts.js';
import { mapClosedPnl, mapExecution, mapOrder, mapPosition } from './map.js';
import { BybitRest } from './rest.js';
import { BybitPrivateStream } from './stream.js';

const DAY = 86_400_000;
/** History, executions and closed PnL accept at most 7 days per query (A.4.2). */
export const BYBIT_MAX_WINDOW_MS = 7 * DAY;
/** ...and reach back 2 years. */
export const BYBIT_HISTORY_FLOOR_MS = 730 * DAY;
/** Page sizes at each endpoint's maximum: fewer calls per row (A.4). */
const LIMITS = { openOrders: 50, orderHistory: 50, executions: 100, closedPnl: 100, positions: 200 } as const;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_RECV_WINDOW_MS = 5_000;
const DEFAULT_HEARTBEAT_MS = 20_000;
const CATEGORY = 'linear';

export const createBybitAdapter: AdapterFactory = (account, endpoints, deps) => {
  const { apiKey, apiSecret } = account.credentials;
  if (!apiKey || !apiSecret) throw new Error(`bybit account ${account.id}: credentials need apiKey and apiSecret`);
  registerSecret(apiKey);
  registerSecret(apiSecret);
  const hosts = resolveBybitHosts(endpoints);
  const options = endpoints.options ?? {};
  const rest = new BybitRest({
    baseUrl: hosts.baseUrl,
    apiKey,
    apiSecret,
    recvWindowMs: endpoints.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
    timeoutMs: endpoints.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    gate: deps.gate,
    clock: deps.clock,
  });
  const logger = deps.logger.child({ exchange: 'bybit', account: account.id });
  const streams = new Set<PrivateStream>();

  const info: AdapterInfo = {
    exchange: 'bybit',
    maxWindowMs: BYBIT_MAX_WINDOW_MS,
    historyFloorMs: BYBIT_HISTORY_FLOOR_MS,
    streams: ['executions', 'orders', 'closed_pnl', 'positions'],
    budgets: bybitBudgets(),
    privateStream: true,
  };

  async function groupedPage<T>(
    path: BybitEndpoint,
    symbols: string[],
    cursor: string | null,
    limit: number,
    opts: CallOptions,
    map: (raw: unknown) => T,
  ): Promise<Page<T>> {
    const groups = groupSymbols(symbols);
    const at = decodeGroupCursor(groups, cursor);
    const g = groups[at.group]!;
    const r = await rest.getList(path, { category: CATEGORY, [g.by]: g.value, limit, cursor: at.inner || undefined }, opts);
    const items = r.list.map(map);
    let next: string | null = null;
    if (r.next) next = encodeGroupCursor(groups, { group: at.group, inner: r.next });
    else if (at.group + 1 < groups.length) next = encodeGroupCursor(groups, { group: at.group + 1, inner: '' });
    return { items, next };
  }

  async function rangedPage<T>(
    path: BybitEndpoint,
    q: { symbol?: string; range: TimeRange },
    cursor: string | null,
    limit: number,
    opts: CallOptions,
    map: (raw: unknown) => T,
  ): Promise<Page<T>> {
    checkRange(path, q.range);
    const r = await rest.getList(
      path,
      { category: CATEGORY, symbol: q.symbol, startTime: q.range.start, endTime: q.range.end, limit, cursor: cursor ?? undefined },
      opts,
    );
    return { items: r.list.map(map), next: r.next };
  }

  /** One id lookup. Returns the order, or null when the list came back empty. */
  async function lookup(path: BybitEndpoint, ref: { orderId: string; symbol: string; orderLinkId?: string | null }, opts: CallOptions): Promise<OrderReport | null> {
    const byId = ref.orderId !== '';
    const r = await rest.getList(
      path,
      { category: CATEGORY, symbol: ref.symbol, orderId: byId ? ref.orderId : undefined, orderLinkId: byId ? undefined : (ref.orderLinkId ?? undefined) },
      opts,
    );
    if (r.list.length === 0) return null;
    const orders = r.list.map(mapOrder);
    const hit = orders.find((o) => (byId ? o.orderId === ref.orderId : o.orderLinkId === ref.orderLinkId));
    // Rows that are not the order asked for mean the filter was not applied: that is no answer
    // about this order, and "not found" must never be guessed (DESIGN invariant 5).
    if (!hit) throw new ExchangeUnavailableError(`GET ${path}: the answer did not honour the order id filter`);
    return hit;
  }

  const adapter: ExchangeAdapter = {
    info,

    openOrders(q, cursor, opts): Promise<Page<OrderReport>> {
      return groupedPage(BYBIT_PATHS.openOrders, q.symbols, cursor, LIMITS.openOrders, opts, mapOrder);
    },

    async order(ref, opts): Promise<OrderReport | null> {
      if (!ref.orderId && !ref.orderLinkId) throw new Error('bybit order(): orderId or orderLinkId is required');
      // Realtime also holds recently closed orders and has no history write lag (A.4.1, A.4.2).
      const live = await lookup(BYBIT_PATHS.openOrders, ref, opts);
      if (live) return live;
      return lookup(BYBIT_PATHS.orderHistory, ref, opts);
    },

    orderHistory(q, cursor, opts): Promise<Page<OrderReport>> {
      return rangedPage(BYBIT_PATHS.orderHistory, q, cursor, LIMITS.orderHistory, opts, mapOrder);
    },

    executions(q, cursor, opts): Promise<Page<ExecutionReport>> {
      return rangedPage(BYBIT_PATHS.executions, q, cursor, LIMITS.executions, opts, mapExecution);
    },

    closedPnl(q, cursor, opts): Promise<Page<ClosedPnlReport>> {
      return rangedPage(BYBIT_PATHS.closedPnl, q, cursor, LIMITS.closedPnl, opts, mapClosedPnl);
    },

    async positions(q, cursor, opts): Promise<Page<PositionReport>> {
      const page = await groupedPage(BYBIT_PATHS.positions, q.symbols, cursor, LIMITS.positions, opts, (raw) => mapPosition(raw, 'rest'));
      // settleCoin queries already omit flat rows; a symbol-only group would include them.
      return { items: page.items.filter((p) => !isZero(p.size)), next: page.next };
    },

    async position(q, opts): Promise<PositionReport[]> {
      const r = await rest.getList(BYBIT_PATHS.positions, { category: CATEGORY, symbol: q.symbol }, opts);
      return r.list.map((raw) => mapPosition(raw, 'rest'));
    },

    async placeOrder(req: PlaceOrderRequest, opts): Promise<{ orderId: string; orderLinkId: string | null }> {
      const body: Record<string, unknown> = { category: CATEGORY, symbol: req.symbol, side: req.side, orderType: req.orderType, qty: req.qty };
      if (req.price !== undefined) body.price = req.price;
      if (req.timeInForce !== undefined) body.timeInForce = req.timeInForce;
      if (req.orderLinkId !== undefined) body.orderLinkId = req.orderLinkId;
      if (req.reduceOnly !== undefined) body.reduceOnly = req.reduceOnly;
      const result = (await rest.post(BYBIT_PATHS.placeOrder, body, opts)) as { orderId?: unknown; orderLinkId?: unknown } | null;
      if (!result || typeof result.orderId !== 'string' || result.orderId === '') {
        throw new ExchangeUnavailableError('POST /v5/order/create: answer has no orderId');
      }
      return { orderId: result.orderId, orderLinkId: typeof result.orderLinkId === 'string' && result.orderLinkId !== '' ? result.orderLinkId : null };
    },

    async cancelOrder(req, opts): Promise<void> {
      if (!req.orderId && !req.orderLinkId) throw new Error('bybit cancelOrder(): orderId or orderLinkId is required');
      const body: Record<string, unknown> = { category: CATEGORY, symbol: req.symbol };
      if (req.orderId) body.orderId = req.orderId;
      else body.orderLinkId = req.orderLinkId;
      await rest.post(BYBIT_PATHS.cancelOrder, body, opts);
    },

    openStream(): PrivateStream {
      const stream = new BybitPrivateStream({
        url: `${hosts.wsUrl}${BYBIT_PRIVATE_WS_PATH}`,
        apiKey,
        apiSecret,
        clock: deps.clock,
        logger,
        heartbeatMs: positiveNumber(options.heartbeatMs, 'heartbeatMs') ?? DEFAULT_HEARTBEAT_MS,
        pongTimeoutMs: positiveNumber(options.pongTimeoutMs, 'pongTimeoutMs'),
        reconnectMinMs: positiveNumber(options.reconnectMinMs, 'reconnectMinMs'),
        reconnectMaxMs: positiveNumber(options.reconnectMaxMs, 'reconnectMaxMs'),
        recvWindowMs: endpoints.recvWindowMs ?? DEFAULT_RECV_WINDOW_MS,
      });
      streams.add(stream);
      return stream;
    },

    async close(): Promise<void> {
      await Promise.all([...streams].map((s) => s.stop()));
      streams.clear();
    },
  };
  return adapter;
};

/** The caller walks longer ranges window by window (splitWindows); sending one would be 10001. */
function checkRange(path: string, range: TimeRange): void {
  if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start > range.end) {
    throw new Error(`bybit ${path}: range must be integer ms with start <= end, received ${range.start}..${range.end}`);
  }
  if (range.end - range.start > BYBIT_MAX_WINDOW_MS) {
    throw new Error(`bybit ${path}: range spans ${range.end - range.start} ms, more than the 7-day maximum (${BYBIT_MAX_WINDOW_MS} ms); split it with splitWindows`);
  }
}

function positiveNumber(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !(v > 0)) throw new Error(`bybit endpoints.options.${name}: expected a positive number of ms, received ${JSON.stringify(v)}`);
  return v;
}
