import { defineEntity, p } from '@mikro-orm/core';

/**
 * Price-node tables (issue #8, S002): market data collected from an exchange's public endpoints
 * or pulled from another robosync's export API, and the registry of those remote nodes.
 * Same conventions as entities.ts: decimals are unconstrained `numeric` read back as strings,
 * times are `bigint` epoch ms, the natural key is the primary key and the `ON CONFLICT` target.
 *
 * The primary keys double as the export's keyset index: a page is
 *   where exchange = ? and symbol = ? [and timeframe = ?] and time > ?last order by time limit ?
 * i.e. one range scan of the primary key whatever the page number (constant cost per page).
 */

const decimal = () => p.decimal('string').columnType('numeric');
const ms = () => p.bigint('number');

export const Ticker = defineEntity({
  name: 'Ticker',
  tableName: 'tickers',
  properties: {
    exchange: p.text().primary(),
    symbol: p.text().primary(),
    /** the exchange's answer time (Bybit's envelope `time`): a ticker is a snapshot */
    time: ms().primary(),
    price: decimal(),
    bid: decimal().nullable(),
    ask: decimal().nullable(),
    volume24h: decimal().nullable().fieldName('volume_24h'),
    turnover24h: decimal().nullable().fieldName('turnover_24h'),
    /** fraction, not percent: Bybit's price24hPcnt ('0.0123' = +1.23 %) */
    change24h: decimal().nullable().fieldName('change_24h'),
    high24h: decimal().nullable().fieldName('high_24h'),
    low24h: decimal().nullable().fieldName('low_24h'),
  },
  primaryKeys: ['exchange', 'symbol', 'time'],
});

export const Kline = defineEntity({
  name: 'Kline',
  tableName: 'klines',
  properties: {
    exchange: p.text().primary(),
    symbol: p.text().primary(),
    /** '1m' | '5m' | '1h' | '1d' */
    timeframe: p.text().primary(),
    openTime: ms().primary(),
    /** last millisecond of the bar (open + length - 1) */
    closeTime: ms(),
    open: decimal(),
    high: decimal(),
    low: decimal(),
    close: decimal(),
    volume: decimal(),
    quoteVolume: decimal().nullable(),
    /** Bybit does not publish these three; kept for exchanges (and nodes) that do */
    tradeCount: p.integer().nullable(),
    takerBuyVolume: decimal().nullable(),
    takerBuyQuoteVolume: decimal().nullable(),
  },
  primaryKeys: ['exchange', 'symbol', 'timeframe', 'openTime'],
});

/**
 * One row per (exchange, symbol, stream) with its newest time and row count, maintained in the
 * same transaction as the rows (a count(*) over millions of rows per status call is not).
 * stream: 'tickers' or 'klines:<timeframe>'.
 */
export const MarketSeries = defineEntity({
  name: 'MarketSeries',
  tableName: 'market_series',
  properties: {
    exchange: p.text().primary(),
    symbol: p.text().primary(),
    stream: p.text().primary(),
    firstTime: ms(),
    lastTime: ms(),
    rowCount: p.bigint('number').default(0),
    updatedAt: ms(),
  },
  primaryKeys: ['exchange', 'symbol', 'stream'],
});

export const PriceNode = defineEntity({
  name: 'PriceNode',
  tableName: 'price_nodes',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.text().unique('price_nodes_name_unique'),
    baseUrl: p.text(),
    /** sent as `Authorization: Bearer`; never answered back in full (src/pricenode/mask.ts) */
    apiKey: p.text().nullable(),
    intervalMs: p.bigint('number'),
    /** 1 runs first when several nodes are due together, 10 last */
    priority: p.smallint().default(5),
    active: p.boolean().default(true),
    /** pairs to pull; empty: every pair the node offers */
    symbols: p.array().columnType('text[]').default('{}'),
    createdAt: ms(),
    updatedAt: ms(),
    lastRunAt: ms().nullable(),
    lastSuccessAt: ms().nullable(),
    lastError: p.text().nullable(),
    /** consecutive failed runs: the backoff exponent */
    failures: p.integer().default(0),
    nextRunAt: ms().nullable(),
  },
});

/** Sync state per (node, pair, data type): survives restarts, read by the status API and CLI. */
export const NodeSyncStatus = defineEntity({
  name: 'NodeSyncStatus',
  tableName: 'node_sync_status',
  properties: {
    nodeId: p.integer().primary(),
    exchange: p.text().primary(),
    symbol: p.text().primary(),
    stream: p.text().primary(),
    /** newest row time synced (ticker time / kline open time): the cursor */
    lastTime: ms().nullable(),
    state: p.enum(['pending', 'syncing', 'completed', 'failed']).default('pending'),
    error: p.text().nullable(),
    rowsTotal: p.bigint('number').default(0),
    lastRunRows: p.integer().default(0),
    updatedAt: ms(),
  },
  primaryKeys: ['nodeId', 'exchange', 'symbol', 'stream'],
});

export const MARKET_ENTITIES = [Ticker, Kline, MarketSeries, PriceNode, NodeSyncStatus];
export const MARKET_TABLES = ['tickers', 'klines', 'market_series', 'price_nodes', 'node_sync_status'] as const;
