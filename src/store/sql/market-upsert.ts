import type { KlineRow, TickerRow, UpsertResult } from '../../pricenode/types.js';
import { chunks, run, type Db } from './query.js';

/**
 * Batched market-data writes: one statement per chunk that inserts the rows AND advances the
 * per-series summary (market_series: newest time, row count), so the summary is exactly as
 * committed as the rows. Data-modifying CTEs always run to completion, read or not.
 *
 * Tickers are snapshots: a second copy of (exchange, symbol, time) changes nothing.
 * Klines are replaced when a value differs (the forming bar changes until it closes); an
 * identical replay writes nothing. Rows are inserted in key order so two writers of the same
 * keys lock them in the same order instead of deadlocking.
 *
 * TICKERS_SQL
 *   ?1 rows: JSON array of {e exchange, s symbol, t time, p price, b bid, a ask, v volume_24h,
 *      q turnover_24h, c change_24h, h high_24h, l low_24h}, one per key
 *   ?2 updated_at (ms) for market_series
 *   returns one row: inserted
 * KLINES_SQL
 *   ?1 rows: JSON array of {e exchange, s symbol, f timeframe, o open_time, x close_time,
 *      op open, hi high, lo low, cl close, v volume, q quote_volume, n trade_count,
 *      tb taker_buy_volume, tq taker_buy_quote_volume}, one per key
 *   ?2 updated_at (ms)
 *   returns one row: inserted, updated
 */
const SERIES_UPSERT = `
insert into market_series as m (exchange, symbol, stream, first_time, last_time, row_count, updated_at)
select exchange, symbol, stream, first_time, last_time, n, ? from agg
order by exchange, symbol, stream
on conflict (exchange, symbol, stream) do update set
  first_time = least(m.first_time, excluded.first_time),
  last_time = greatest(m.last_time, excluded.last_time),
  row_count = m.row_count + excluded.row_count,
  updated_at = excluded.updated_at
returning 1`;

const TICKERS_SQL = `
with ins as (
  insert into tickers (exchange, symbol, time, price, bid, ask, volume_24h, turnover_24h, change_24h, high_24h, low_24h)
  select t.e, t.s, t.t, t.p, t.b, t.a, t.v, t.q, t.c, t.h, t.l
  from json_to_recordset(?::json) as t(e text, s text, t bigint, p numeric, b numeric, a numeric, v numeric,
    q numeric, c numeric, h numeric, l numeric)
  order by t.e, t.s, t.t
  on conflict (exchange, symbol, time) do nothing
  returning exchange, symbol, time
), agg as (
  select exchange, symbol, 'tickers'::text as stream, min(time) as first_time, max(time) as last_time, count(*) as n
  from ins group by exchange, symbol
), series as (${SERIES_UPSERT})
select (select count(*) from ins)::int as inserted`;

const KLINES_SQL = `
with ins as (
  insert into klines as k (exchange, symbol, timeframe, open_time, close_time, open, high, low, close, volume,
    quote_volume, trade_count, taker_buy_volume, taker_buy_quote_volume)
  select t.e, t.s, t.f, t.o, t.x, t.op, t.hi, t.lo, t.cl, t.v, t.q, t.n, t.tb, t.tq
  from json_to_recordset(?::json) as t(e text, s text, f text, o bigint, x bigint, op numeric, hi numeric,
    lo numeric, cl numeric, v numeric, q numeric, n int, tb numeric, tq numeric)
  order by t.e, t.s, t.f, t.o
  on conflict (exchange, symbol, timeframe, open_time) do update set
    close_time = excluded.close_time, open = excluded.open, high = excluded.high, low = excluded.low,
    close = excluded.close, volume = excluded.volume, quote_volume = excluded.quote_volume,
    trade_count = excluded.trade_count, taker_buy_volume = excluded.taker_buy_volume,
    taker_buy_quote_volume = excluded.taker_buy_quote_volume
  where (k.close_time, k.open, k.high, k.low, k.close, k.volume, k.quote_volume, k.trade_count,
         k.taker_buy_volume, k.taker_buy_quote_volume)
    is distinct from (excluded.close_time, excluded.open, excluded.high, excluded.low, excluded.close,
         excluded.volume, excluded.quote_volume, excluded.trade_count, excluded.taker_buy_volume,
         excluded.taker_buy_quote_volume)
  returning exchange, symbol, timeframe, open_time, (k.xmax = 0) as inserted
), agg as (
  select exchange, symbol, 'klines:' || timeframe as stream, min(open_time) as first_time,
    max(open_time) as last_time, count(*) as n
  from ins where inserted group by exchange, symbol, timeframe
), series as (${SERIES_UPSERT})
select (select count(*) from ins where inserted)::int as inserted, (select count(*) from ins where not inserted)::int as updated`;

/** Rows per statement: JSON of 10k klines is ~2.5 MB, well inside one round trip. */
export const MARKET_CHUNK = 10_000;

const tickerKey = (r: TickerRow) => `${r.exchange}\u0000${r.symbol}\u0000${r.time}`;
const klineKey = (r: KlineRow) => `${r.exchange}\u0000${r.symbol}\u0000${r.timeframe}\u0000${r.open_time}`;

/** One row per key, the last one winning (ON CONFLICT DO UPDATE refuses a key twice per statement). */
function lastPerKey<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const m = new Map<string, T>();
  for (const r of rows) m.set(key(r), r);
  return [...m.values()];
}

export async function upsertTickers(db: Db, rows: readonly TickerRow[], now: number): Promise<UpsertResult> {
  const unique = lastPerKey(rows, tickerKey);
  let inserted = 0;
  for (const chunk of chunks(unique, MARKET_CHUNK)) {
    const json = JSON.stringify(
      chunk.map((r) => ({ e: r.exchange, s: r.symbol, t: r.time, p: r.price, b: r.bid, a: r.ask, v: r.volume_24h, q: r.turnover_24h, c: r.change_24h, h: r.high_24h, l: r.low_24h })),
    );
    const [res] = await run<{ inserted: number }>(db, TICKERS_SQL, [json, now]);
    inserted += Number(res?.inserted ?? 0);
  }
  return { inserted, updated: 0, unchanged: rows.length - inserted };
}

export async function upsertKlines(db: Db, rows: readonly KlineRow[], now: number): Promise<UpsertResult> {
  const unique = lastPerKey(rows, klineKey);
  let inserted = 0;
  let updated = 0;
  for (const chunk of chunks(unique, MARKET_CHUNK)) {
    const json = JSON.stringify(
      chunk.map((r) => ({
        e: r.exchange,
        s: r.symbol,
        f: r.timeframe,
        o: r.open_time,
        x: r.close_time,
        op: r.open,
        hi: r.high,
        lo: r.low,
        cl: r.close,
        v: r.volume,
        q: r.quote_volume,
        n: r.trade_count,
        tb: r.taker_buy_volume,
        tq: r.taker_buy_quote_volume,
      })),
    );
    const [res] = await run<{ inserted: number; updated: number }>(db, KLINES_SQL, [json, now]);
    inserted += Number(res?.inserted ?? 0);
    updated += Number(res?.updated ?? 0);
  }
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}
