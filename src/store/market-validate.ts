import { isTimeframe, type KlineRow, type TickerRow } from '../pricenode/types.js';
import { StoreInputError } from './errors.js';

/**
 * Market rows are checked before any SQL so a bad row (from an exchange or a remote node) is
 * refused with the field named, and nothing of its batch is written (DESIGN invariant 9).
 */

/** What PostgreSQL `numeric` accepts, minus NaN and Infinity. */
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function fail(where: string, field: string, expected: string, received: unknown): never {
  const got = received === undefined ? 'nothing' : JSON.stringify(received)?.slice(0, 60) ?? String(received);
  throw new StoreInputError(`${where}.${field}: expected ${expected}, received ${got}`, field);
}

function text(where: string, r: Record<string, unknown>, field: string): void {
  const v = r[field];
  if (typeof v !== 'string' || v.length === 0 || v.length > 64) fail(where, field, 'a non-empty string of at most 64 characters', v);
}

function time(where: string, r: Record<string, unknown>, field: string): void {
  const v = r[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(where, field, 'a time in ms since the epoch (integer >= 0)', v);
}

function decimal(where: string, r: Record<string, unknown>, field: string, nullable: boolean): void {
  const v = r[field];
  if (v === null && nullable) return;
  if (typeof v !== 'string' || !DECIMAL.test(v)) fail(where, field, nullable ? 'a decimal string or null' : 'a decimal string', v);
}

export function validateTickers(rows: readonly TickerRow[]): void {
  rows.forEach((row, i) => {
    const where = `tickers[${i}]`;
    const r = row as unknown as Record<string, unknown>;
    if (r === null || typeof r !== 'object') fail(where, '(row)', 'an object', r);
    text(where, r, 'exchange');
    text(where, r, 'symbol');
    time(where, r, 'time');
    decimal(where, r, 'price', false);
    for (const f of ['bid', 'ask', 'volume_24h', 'turnover_24h', 'change_24h', 'high_24h', 'low_24h']) decimal(where, r, f, true);
  });
}

export function validateKlines(rows: readonly KlineRow[]): void {
  rows.forEach((row, i) => {
    const where = `klines[${i}]`;
    const r = row as unknown as Record<string, unknown>;
    if (r === null || typeof r !== 'object') fail(where, '(row)', 'an object', r);
    text(where, r, 'exchange');
    text(where, r, 'symbol');
    if (!isTimeframe(r.timeframe)) fail(where, 'timeframe', "one of '1m', '5m', '1h', '1d'", r.timeframe);
    time(where, r, 'open_time');
    time(where, r, 'close_time');
    if ((r.close_time as number) < (r.open_time as number)) fail(where, 'close_time', `a time >= open_time (${String(r.open_time)})`, r.close_time);
    for (const f of ['open', 'high', 'low', 'close', 'volume']) decimal(where, r, f, false);
    for (const f of ['quote_volume', 'taker_buy_volume', 'taker_buy_quote_volume']) decimal(where, r, f, true);
    const n = r.trade_count;
    if (n !== null && (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 2_147_483_647)) fail(where, 'trade_count', 'a count (integer >= 0) or null', n);
  });
}
