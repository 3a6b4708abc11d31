import { ExchangeUnavailableError } from '../errors.js';
import { checkAnswer } from '../exchanges/bybit/errors.js';
import { resolveBybitHosts } from '../exchanges/bybit/hosts.js';
import { httpRequest } from '../exchanges/http.js';
import type { ExchangeEndpoints } from '../exchanges/adapter.js';
import type { Clock } from '../util/clock.js';
import { TIMEFRAME_MS, type KlineRow, type TickerRow, type Timeframe } from './types.js';

/**
 * Bybit V5 public market REST: `/v5/market/tickers` and `/v5/market/kline` (linear). Public
 * endpoints take no signature. Answers are mapped to rows with decimals kept as the exchange's
 * strings; an answer that is not the documented shape is an ExchangeUnavailableError naming
 * the field (retried next run, never stored).
 */

/** Bybit's interval names (`1`, `5`, `60`, `D`) for our timeframes. */
const BYBIT_INTERVAL: Record<Timeframe, string> = { '1m': '1', '5m': '5', '1h': '60', '1d': 'D' };
/** /v5/market/kline answers at most 1,000 bars per call. */
export const KLINE_PAGE = 1000;

export interface MarketClient {
  readonly exchange: string;
  /** One snapshot per symbol, timed by the exchange's answer. */
  tickers(symbols: readonly string[]): Promise<TickerRow[]>;
  /** Bars with open time in [start, end], oldest first, at most KLINE_PAGE. */
  klines(symbol: string, tf: Timeframe, start: number, end: number): Promise<KlineRow[]>;
}

const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function malformed(where: string, field: string, v: unknown): never {
  const got = v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)).slice(0, 40);
  throw new ExchangeUnavailableError(`${where}: answer is malformed: ${field} expected a decimal string, received ${got}`);
}

function dec(where: string, field: string, v: unknown): string {
  if (typeof v !== 'string' || !DECIMAL.test(v)) malformed(where, field, v);
  return v;
}

/** Bybit sends '' for a side of the book that is empty. */
function decOrNull(where: string, field: string, v: unknown): string | null {
  if (v === '' || v === undefined || v === null) return null;
  return dec(where, field, v);
}

export class BybitMarketClient implements MarketClient {
  readonly exchange = 'bybit';
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #clock: Clock;

  constructor(endpoints: Pick<ExchangeEndpoints, 'baseUrl' | 'options'> & { timeoutMs: number }, clock: Clock) {
    this.#baseUrl = resolveBybitHosts(endpoints).baseUrl;
    this.#timeoutMs = endpoints.timeoutMs;
    this.#clock = clock;
  }

  async #get(path: string, query: Record<string, string>): Promise<{ result: Record<string, unknown>; time: number }> {
    const qs = new URLSearchParams(query).toString();
    const answer = await httpRequest({ method: 'GET', url: `${this.#baseUrl}${path}?${qs}`, timeoutMs: this.#timeoutMs });
    const env = checkAnswer(`GET ${path}`, answer, this.#clock.now());
    const result = env.result;
    if (!result || typeof result !== 'object') throw new ExchangeUnavailableError(`GET ${path}: answer is malformed: result expected an object`);
    return { result: result as Record<string, unknown>, time: env.time ?? this.#clock.now() };
  }

  async tickers(symbols: readonly string[]): Promise<TickerRow[]> {
    if (!symbols.length) return [];
    // One symbol: ask for it alone; several: one call for the whole category beats N calls.
    const { result, time } = await this.#get('/v5/market/tickers', symbols.length === 1 ? { category: 'linear', symbol: symbols[0]! } : { category: 'linear' });
    const list = result.list;
    if (!Array.isArray(list)) throw new ExchangeUnavailableError('GET /v5/market/tickers: answer is malformed: result.list expected a list');
    const wanted = new Set(symbols);
    const out: TickerRow[] = [];
    list.forEach((t: Record<string, unknown>, i) => {
      if (!t || typeof t !== 'object' || typeof t.symbol !== 'string' || !wanted.has(t.symbol)) return;
      const w = `GET /v5/market/tickers`;
      const f = (name: string) => `result.list[${i}].${name}`;
      out.push({
        exchange: this.exchange,
        symbol: t.symbol,
        time,
        price: dec(w, f('lastPrice'), t.lastPrice),
        bid: decOrNull(w, f('bid1Price'), t.bid1Price),
        ask: decOrNull(w, f('ask1Price'), t.ask1Price),
        volume_24h: decOrNull(w, f('volume24h'), t.volume24h),
        turnover_24h: decOrNull(w, f('turnover24h'), t.turnover24h),
        change_24h: decOrNull(w, f('price24hPcnt'), t.price24hPcnt),
        high_24h: decOrNull(w, f('highPrice24h'), t.highPrice24h),
        low_24h: decOrNull(w, f('lowPrice24h'), t.lowPrice24h),
      });
    });
    return out;
  }

  async klines(symbol: string, tf: Timeframe, start: number, end: number): Promise<KlineRow[]> {
    const { result } = await this.#get('/v5/market/kline', {
      category: 'linear',
      symbol,
      interval: BYBIT_INTERVAL[tf],
      start: String(start),
      end: String(end),
      limit: String(KLINE_PAGE),
    });
    const list = result.list;
    const w = 'GET /v5/market/kline';
    if (!Array.isArray(list)) throw new ExchangeUnavailableError(`${w}: answer is malformed: result.list expected a list`);
    const len = TIMEFRAME_MS[tf];
    const out: KlineRow[] = [];
    list.forEach((bar: unknown, i) => {
      if (!Array.isArray(bar) || bar.length < 6) throw new ExchangeUnavailableError(`${w}: answer is malformed: result.list[${i}] expected [startTime, open, high, low, close, volume, turnover]`);
      const openTime = Number(bar[0]);
      if (typeof bar[0] !== 'string' || !Number.isSafeInteger(openTime)) throw new ExchangeUnavailableError(`${w}: answer is malformed: result.list[${i}][0] expected a start time in ms`);
      out.push({
        exchange: this.exchange,
        symbol,
        timeframe: tf,
        open_time: openTime,
        close_time: openTime + len - 1,
        open: dec(w, `result.list[${i}][1]`, bar[1]),
        high: dec(w, `result.list[${i}][2]`, bar[2]),
        low: dec(w, `result.list[${i}][3]`, bar[3]),
        close: dec(w, `result.list[${i}][4]`, bar[4]),
        volume: dec(w, `result.list[${i}][5]`, bar[5]),
        quote_volume: decOrNull(w, `result.list[${i}][6]`, bar[6]),
        trade_count: null,
        taker_buy_volume: null,
        taker_buy_quote_volume: null,
      });
    });
    // Bybit lists newest first.
    return out.sort((a, b) => a.open_time - b.open_time);
  }
}
