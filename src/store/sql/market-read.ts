import type { KlineRow, MarketStream, SeriesInfo, TickerRow, Timeframe } from '../../pricenode/types.js';
import { run, toMs, type Db } from './query.js';
import type { Row } from './rows.js';

/**
 * Keyset pages of the export API and the series summary.
 *
 * A page is one range scan of the primary key (exchange, symbol[, timeframe], time):
 *   where exchange = ? and symbol = ? [and timeframe = ?] and time >= ?from and time < ?to
 *   order by time limit ?n
 * where `from` is max(start, last key + 1) (times are integer ms, so "> last" is ">= last + 1").
 * The cost of page 1000 is the cost of page 1, and rows inserted while a reader pages move no
 * boundary: a page starts strictly after the last key the reader saw, whatever came in before it.
 * The caller asks for one row more than it returns, to know whether there is more.
 *
 * TICKERS_PAGE  ?1 exchange, ?2 symbol, ?3 from (ms, inclusive), ?4 to (ms, exclusive), ?5 limit
 * KLINES_PAGE   ?1 exchange, ?2 symbol, ?3 timeframe, ?4 from, ?5 to, ?6 limit
 * SERIES        no parameters
 */
const TICKER_COLUMNS = 'exchange, symbol, time, price, bid, ask, volume_24h, turnover_24h, change_24h, high_24h, low_24h';
const KLINE_COLUMNS =
  'exchange, symbol, timeframe, open_time, close_time, open, high, low, close, volume, quote_volume, trade_count, taker_buy_volume, taker_buy_quote_volume';

const TICKERS_PAGE = `select ${TICKER_COLUMNS} from tickers
where exchange = ? and symbol = ? and time >= ? and time < ?
order by time limit ?`;

const KLINES_PAGE = `select ${KLINE_COLUMNS} from klines
where exchange = ? and symbol = ? and timeframe = ? and open_time >= ? and open_time < ?
order by open_time limit ?`;

const SERIES = `select exchange, symbol, stream, first_time, last_time, row_count from market_series
order by exchange, symbol, stream`;

export interface PageRange {
  exchange: string;
  symbol: string;
  /** inclusive ms */
  from: number;
  /** exclusive ms */
  to: number;
  limit: number;
}

const s = (v: unknown): string => String(v);
const sOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function tickerFromRow(r: Row): TickerRow {
  return {
    exchange: s(r.exchange),
    symbol: s(r.symbol),
    time: toMs(r.time),
    price: s(r.price),
    bid: sOrNull(r.bid),
    ask: sOrNull(r.ask),
    volume_24h: sOrNull(r.volume_24h),
    turnover_24h: sOrNull(r.turnover_24h),
    change_24h: sOrNull(r.change_24h),
    high_24h: sOrNull(r.high_24h),
    low_24h: sOrNull(r.low_24h),
  };
}

export function klineFromRow(r: Row): KlineRow {
  return {
    exchange: s(r.exchange),
    symbol: s(r.symbol),
    timeframe: s(r.timeframe) as Timeframe,
    open_time: toMs(r.open_time),
    close_time: toMs(r.close_time),
    open: s(r.open),
    high: s(r.high),
    low: s(r.low),
    close: s(r.close),
    volume: s(r.volume),
    quote_volume: sOrNull(r.quote_volume),
    trade_count: r.trade_count === null || r.trade_count === undefined ? null : Number(r.trade_count),
    taker_buy_volume: sOrNull(r.taker_buy_volume),
    taker_buy_quote_volume: sOrNull(r.taker_buy_quote_volume),
  };
}

export async function tickersPage(db: Db, q: PageRange): Promise<TickerRow[]> {
  const rows = await run<Row>(db, TICKERS_PAGE, [q.exchange, q.symbol, q.from, q.to, q.limit]);
  return rows.map(tickerFromRow);
}

export async function klinesPage(db: Db, q: PageRange & { timeframe: Timeframe }): Promise<KlineRow[]> {
  const rows = await run<Row>(db, KLINES_PAGE, [q.exchange, q.symbol, q.timeframe, q.from, q.to, q.limit]);
  return rows.map(klineFromRow);
}

export async function listSeries(db: Db): Promise<SeriesInfo[]> {
  const rows = await run<Row>(db, SERIES);
  return rows.map((r) => ({
    exchange: s(r.exchange),
    symbol: s(r.symbol),
    stream: s(r.stream) as MarketStream,
    first_time: toMs(r.first_time),
    last_time: toMs(r.last_time),
    rows: toMs(r.row_count),
  }));
}
