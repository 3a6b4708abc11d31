/**
 * Price-node vocabulary (issue #8, S002). Rows travel in the export API's wire shape
 * (snake_case, S002's field names): decimals as strings, times as epoch ms numbers.
 */

/** The kline timeframes robosync collects and syncs (S002's set). */
export const TIMEFRAMES = ['1m', '5m', '1h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '1h': 3_600_000,
  '1d': 86_400_000,
};

export function isTimeframe(s: unknown): s is Timeframe {
  return typeof s === 'string' && (TIMEFRAMES as readonly string[]).includes(s);
}

/** A data type of a pair: `tickers` or `klines:<timeframe>` (DESIGN vocabulary "stream"). */
export type MarketStream = 'tickers' | `klines:${Timeframe}`;

export function klineStream(tf: Timeframe): MarketStream {
  return `klines:${tf}`;
}

/** The timeframe of a kline stream, null for tickers or anything unknown. */
export function timeframeOf(stream: string): Timeframe | null {
  if (!stream.startsWith('klines:')) return null;
  const tf = stream.slice('klines:'.length);
  return isTimeframe(tf) ? tf : null;
}

export function isMarketStream(s: unknown): s is MarketStream {
  return s === 'tickers' || (typeof s === 'string' && timeframeOf(s) !== null);
}

export interface TickerRow {
  exchange: string;
  symbol: string;
  time: number;
  price: string;
  bid: string | null;
  ask: string | null;
  volume_24h: string | null;
  turnover_24h: string | null;
  change_24h: string | null;
  high_24h: string | null;
  low_24h: string | null;
}

export interface KlineRow {
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  open_time: number;
  close_time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quote_volume: string | null;
  trade_count: number | null;
  taker_buy_volume: string | null;
  taker_buy_quote_volume: string | null;
}

/** The newest time and row count of one (exchange, symbol, stream). */
export interface SeriesInfo {
  exchange: string;
  symbol: string;
  stream: MarketStream;
  first_time: number;
  last_time: number;
  rows: number;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** A remote robosync whose export API this one pulls from. */
export interface NodeRow {
  id: number;
  name: string;
  baseUrl: string;
  /** the stored key; only ever leaves through `maskKey` */
  apiKey: string | null;
  intervalMs: number;
  priority: number;
  active: boolean;
  symbols: string[];
  createdAt: number;
  updatedAt: number;
  lastRunAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  failures: number;
  nextRunAt: number | null;
}

export type NodeInput = Pick<NodeRow, 'name' | 'baseUrl' | 'apiKey' | 'intervalMs' | 'priority' | 'active' | 'symbols'>;

export type SyncState = 'pending' | 'syncing' | 'completed' | 'failed';

export interface NodeStatusRow {
  nodeId: number;
  exchange: string;
  symbol: string;
  stream: MarketStream;
  lastTime: number | null;
  state: SyncState;
  error: string | null;
  rowsTotal: number;
  lastRunRows: number;
  updatedAt: number;
}
