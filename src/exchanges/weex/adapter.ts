import type { AdapterFactory, AdapterInfo, CallOptions, ExchangeAdapter, Page, PlaceOrderRequest, TimeRange } from '../adapter.js';
import type { ClosedPnlReport, ExecutionReport, OrderReport, PositionReport } from '../../domain/types.js';
import { isZero } from '../../domain/types.js';
import { ExchangeRejectedError, ExchangeUnavailableError } from '../../errors.js';
import { registerSecret } from '../../util/redact.js';
import { WEEX_PATHS, weexBudgets } from './budgets.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { resolveWeexBaseUrl } from './hosts.js';
import { flatPosition, mapFill, mapOrder, mapPosition } from './map.js';
import { firstWindow, narrow, type TimedRow, type WindowState } from './narrow.js';
import { resolveWeexOptions } from './options.js';
import { placeOrderBody, readCancelReply, readPlaceReply } from './orders.js';
import { WeexRest } from './rest.js';
import { toWeexSymbol } from './symbols.js';
import { asArray, asObject } from './wire.js';

const DAY = 86_400_000;
/** /order/history only accepts a createDate within the last 90 days (B.4.4). */
export const WEEX_HISTORY_FLOOR_MS = 90 * DAY;
/** Page sizes at each endpoint's documented maximum: fewer calls per row. */
const LIMITS = { openOrders: 100, fills: 100 } as const;
const DEFAULT_TIMEOUT_MS = 10_000;

export const createWeexAdapter: AdapterFactory = (account, endpoints, deps) => {
  const { apiKey, apiSecret, passphrase } = account.credentials;
  if (!apiKey || !apiSecret || !passphrase) throw new Error(`weex account ${account.id}: credentials need apiKey, apiSecret and passphrase`);
  registerSecret(apiKey);
  registerSecret(apiSecret);
  registerSecret(passphrase);
  const options = resolveWeexOptions(endpoints.options);
  const rest = new WeexRest({
    baseUrl: resolveWeexBaseUrl(endpoints),
    credentials: { apiKey, apiSecret, passphrase },
    timeoutMs: endpoints.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    gate: deps.gate,
    clock: deps.clock,
    options,
  });
  const logger = deps.logger.child({ exchange: 'weex', account: account.id });
  const notFound = new Set(options.orderNotFoundCodes);

  const info: AdapterInfo = {
    exchange: 'weex',
    maxWindowMs: options.maxWindowMs,
    historyFloorMs: WEEX_HISTORY_FLOOR_MS,
    // V2 has no closed-PnL endpoint (realised PnL rides on each fill as realizePnl).
    streams: ['executions', 'orders', 'positions'],
    budgets: weexBudgets(options.rateLimitWindowLimit),
    // The V2 private WebSocket was not researched (exchange-apis.md B.6).
    privateStream: false,
  };

  function checkRange(what: string, range: TimeRange): void {
    if (!Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end) || range.start > range.end) {
      throw new Error(`weex ${what}: range must be integer ms with start <= end, received ${range.start}..${range.end}`);
    }
    if (options.maxWindowMs !== null && range.end - range.start > options.maxWindowMs) {
      throw new Error(`weex ${what}: range spans ${range.end - range.start} ms, more than options.maxWindowMs (${options.maxWindowMs} ms); split it with splitWindows`);
    }
  }

  /** One page of a window-narrowing walk (see narrow.ts). */
  async function windowPage<T>(
    what: string,
    q: { symbol?: string; range: TimeRange },
    cursor: string | null,
    fetch: (s: WindowState) => Promise<{ rows: TimedRow<T>[]; more: boolean }>,
    order: 'auto' | 'desc' | 'asc',
    clampStart = q.range.start,
  ): Promise<Page<T>> {
    checkRange(what, q.range);
    const key = `${what}|${q.symbol ?? ''}|${q.range.start}|${q.range.end}`;
    const state: WindowState = cursor === null ? firstWindow({ start: Math.max(q.range.start, clampStart), end: q.range.end }) : { ...decodeCursor(key, 'window', cursor) };
    if (state.lo > state.hi) return { items: [], next: null };
    const { rows, more } = await fetch(state);
    const r = narrow(state, rows, more, order);
    if (r.stalled) {
      logger.warn('weex: a whole page shares one millisecond; rows of that millisecond beyond the page cannot be fetched by time', { endpoint: what, lo: state.lo, hi: state.hi, rows: rows.length });
    }
    const next = r.next ? encodeCursor(key, { kind: 'window', ...r.next }) : null;
    return { items: r.items, next };
  }

  async function openPage(symbols: string[], cursor: string | null, opts: CallOptions): Promise<{ page: Page<OrderReport>; raw: unknown[] }> {
    const wanted = new Set(symbols);
    // One symbol: ask for it. Several or none: one call for the whole account, filtered here.
    const symbol = symbols.length === 1 ? toWeexSymbol(symbols[0]!) : undefined;
    const key = `open|${[...wanted].sort().join(',')}`;
    const page = cursor === null ? options.pageBase : decodeCursor(key, 'page', cursor).page;
    const payload = await rest.get(WEEX_PATHS.openOrders, { symbol, limit: LIMITS.openOrders, page }, opts);
    const list = listOf(payload, WEEX_PATHS.openOrders);
    const orders = list.map(mapOrder);
    const items = wanted.size > 1 ? orders.filter((o) => wanted.has(o.symbol)) : orders;
    // Offset paging: an order closing between two pages shifts the rest up by one, so one may be
    // missed this walk. The engine resolves any order that left the list by id (invariant 5).
    const next = list.length >= LIMITS.openOrders ? encodeCursor(key, { kind: 'page', page: page + 1 }) : null;
    return { page: { items, next }, raw: list };
  }

  const adapter: ExchangeAdapter = {
    info,

    async openOrders(q, cursor, opts): Promise<Page<OrderReport>> {
      return (await openPage(q.symbols, cursor, opts)).page;
    },

    async order(ref, opts): Promise<OrderReport | null> {
      if (!ref.orderId) {
        if (!ref.orderLinkId) throw new Error('weex order(): orderId or orderLinkId is required');
        return byClientId(ref.orderLinkId, ref.symbol, opts);
      }
      let payload: unknown;
      try {
        payload = await rest.get(WEEX_PATHS.orderDetail, { orderId: ref.orderId }, opts);
      } catch (err) {
        if (err instanceof ExchangeRejectedError && notFound.has(String(err.code))) return null;
        throw err;
      }
      // An empty success answer is the exchange saying it has nothing under that id.
      if (payload === null || payload === undefined || (Array.isArray(payload) && payload.length === 0)) return null;
      if (typeof payload === 'object' && !Array.isArray(payload) && Object.keys(payload).length === 0) return null;
      const rows = Array.isArray(payload) ? payload : [payload];
      const hit = rows.map(mapOrder).find((o) => o.orderId === ref.orderId);
      // Another order than the one asked for: no answer about this one; never guess "not found".
      if (!hit) throw new ExchangeUnavailableError(`GET ${WEEX_PATHS.orderDetail}: the answer is about another order`);
      return hit;
    },

    orderHistory(q, cursor, opts): Promise<Page<OrderReport>> {
      const pageSize = options.historyPageSize;
      const floor = deps.clock.now() - WEEX_HISTORY_FLOOR_MS + 60_000;
      return windowPage(
        WEEX_PATHS.orderHistory,
        q,
        cursor,
        async (s) => {
          const symbol = q.symbol ? toWeexSymbol(q.symbol) : undefined;
          const payload = await rest.get(WEEX_PATHS.orderHistory, { symbol, pageSize, createDate: s.lo, endCreateDate: s.hi }, opts);
          const list = listOf(payload, WEEX_PATHS.orderHistory);
          const rows = list.map((raw) => {
            const item = mapOrder(raw);
            return { time: item.createdTime, id: item.orderId, item };
          });
          return { rows, more: list.length >= pageSize };
        },
        options.historyOrder,
        floor,
      );
    },

    executions(q, cursor, opts): Promise<Page<ExecutionReport>> {
      return windowPage(
        WEEX_PATHS.fills,
        q,
        cursor,
        async (s) => {
          const symbol = q.symbol ? toWeexSymbol(q.symbol) : undefined;
          const payload = await rest.get(WEEX_PATHS.fills, { symbol, startTime: s.lo, endTime: s.hi, limit: LIMITS.fills }, opts);
          const body = asObject(payload, `${WEEX_PATHS.fills} answer`);
          const list = asArray(body.list, `${WEEX_PATHS.fills} list`);
          const rows = list.map((raw) => {
            const item = mapFill(raw);
            return { time: item.execTime, id: item.execId, item };
          });
          // Without nextFlag a full page is taken to mean "maybe more": one extra call at worst.
          const more = typeof body.nextFlag === 'boolean' ? body.nextFlag : list.length >= LIMITS.fills;
          return { rows, more };
        },
        options.fillsOrder,
      );
    },

    async closedPnl(): Promise<Page<ClosedPnlReport>> {
      throw new Error("weex: closed PnL is not offered by the WEEX v2 API (info.streams has no 'closed_pnl'; realised PnL is on each fill's raw realizePnl)");
    },

    async positions(q, cursor, opts): Promise<Page<PositionReport>> {
      if (cursor !== null) throw new Error('weex: page cursor is not one this adapter issued (positions come in one page)');
      // One symbol: singlePosition weighs 2/3 against allPosition's 10/15.
      const list =
        q.symbols.length === 1
          ? listOf(await rest.get(WEEX_PATHS.singlePosition, { symbol: toWeexSymbol(q.symbols[0]!) }, opts), WEEX_PATHS.singlePosition)
          : listOf(await rest.get(WEEX_PATHS.allPositions, {}, opts), WEEX_PATHS.allPositions);
      return { items: list.map(mapPosition).filter((p) => !isZero(p.size)), next: null };
    },

    async position(q, opts): Promise<PositionReport[]> {
      const list = listOf(await rest.get(WEEX_PATHS.singlePosition, { symbol: toWeexSymbol(q.symbol) }, opts), WEEX_PATHS.singlePosition);
      const rows = list.map(mapPosition).filter((p) => p.symbol === q.symbol);
      // WEEX lists open sides only [U]; the contract wants flat rows too, so a store holding
      // the side that just closed sees it go to zero.
      for (const idx of [1, 2] as const) if (!rows.some((p) => p.positionIdx === idx)) rows.push(flatPosition(q.symbol, idx));
      return rows.sort((a, b) => a.positionIdx - b.positionIdx);
    },

    async placeOrder(req: PlaceOrderRequest, opts): Promise<{ orderId: string; orderLinkId: string | null }> {
      const body = placeOrderBody(req, deps.clock.now());
      const reply = await rest.post(WEEX_PATHS.placeOrder, body, opts);
      return readPlaceReply(reply, body.client_oid);
    },

    async cancelOrder(req, opts): Promise<void> {
      if (!req.orderId && !req.orderLinkId) throw new Error('weex cancelOrder(): orderId or orderLinkId is required');
      const body: Record<string, unknown> = { symbol: toWeexSymbol(req.symbol) };
      if (req.orderId) body.orderId = req.orderId;
      else body.clientOid = req.orderLinkId;
      readCancelReply(await rest.post(WEEX_PATHS.cancelOrder, body, opts));
    },

    async close(): Promise<void> {
      // Nothing held open: no stream, and fetch's keep-alive pool is process-wide.
    },
  };

  /** Only open orders can be found by client id (detail takes an orderId): walk the open list. */
  async function byClientId(clientOid: string, symbol: string, opts: CallOptions): Promise<OrderReport | null> {
    let cursor: string | null = null;
    do {
      const { page } = await openPage([symbol], cursor, opts);
      const hit = page.items.find((o) => o.orderLinkId === clientOid);
      if (hit) return hit;
      cursor = page.next;
    } while (cursor !== null);
    throw new Error(`weex order(): order with client id ${clientOid} is not open, and WEEX v2 looks up closed orders by orderId only`);
  }

  return adapter;
};

/** Bare arrays per the V2 docs; tolerate `{list:[...]}` too. */
function listOf(payload: unknown, path: string): unknown[] {
  if (Array.isArray(payload)) return payload;
  if (payload && typeof payload === 'object' && Array.isArray((payload as { list?: unknown }).list)) return (payload as { list: unknown[] }).list;
  // An empty answer body (null data) is an empty list.
  if (payload === null) return [];
  throw new ExchangeUnavailableError(`GET ${path}: answer is not a list`);
}

