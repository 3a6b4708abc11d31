import type { PricenodeConfig } from '../config/schema.js';
import type { MarketStore } from '../store/market.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { KLINE_PAGE, type MarketClient } from './market-client.js';
import { TIMEFRAME_MS, klineStream, type Timeframe } from './types.js';

/**
 * Fills `tickers` and `klines` from the exchange's public endpoints for the configured symbols
 * and timeframes. One run: one tickers call for all symbols, then per (symbol, timeframe) the
 * bars from the newest stored bar (inclusive: it may have been the forming bar, whose values
 * change until it closes) up to now, in windows of 1,000 bars. A first run reaches back the
 * configured lookback. One failing series does not stop the others; it is retried next run.
 */
export interface CollectResult {
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  apiCalls: number;
  tickers: number;
  klines: { inserted: number; updated: number };
  errors: string[];
}

export interface CollectorDeps {
  client: MarketClient;
  market: MarketStore;
  clock: Clock;
  logger: Logger;
  config: Pick<PricenodeConfig, 'collector' | 'lookbacks'>;
}

const barStart = (tf: Timeframe, t: number) => Math.floor(t / TIMEFRAME_MS[tf]) * TIMEFRAME_MS[tf];

export class Collector {
  readonly #d: CollectorDeps;

  constructor(deps: CollectorDeps) {
    this.#d = deps;
  }

  async run(signal?: AbortSignal): Promise<CollectResult> {
    const { client, market, clock, config } = this.#d;
    const startedAt = clock.now();
    const out: CollectResult = { ok: true, startedAt, finishedAt: startedAt, apiCalls: 0, tickers: 0, klines: { inserted: 0, updated: 0 }, errors: [] };
    const symbols = config.collector.symbols;
    const fail = (what: string, err: unknown) => {
      const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
      out.errors.push(message);
      this.#d.logger.warn('price collector failed', { what, error: message });
    };

    try {
      out.apiCalls++;
      const rows = await client.tickers(symbols);
      out.tickers = (await market.upsertTickers(rows, clock.now())).inserted;
      // The category-wide answer simply leaves out symbols the exchange does not list: say so.
      const missing = symbols.filter((s) => !rows.some((r) => r.symbol === s));
      if (missing.length) fail('tickers', new Error(`the exchange listed no ticker for ${missing.join(', ')}`));
    } catch (err) {
      fail('tickers', err);
    }

    const newest = new Map((await market.series()).filter((s) => s.exchange === client.exchange).map((s) => [`${s.symbol}\u0000${s.stream}`, s.last_time]));
    for (const symbol of symbols) {
      for (const tf of config.collector.timeframes) {
        if (signal?.aborted) break;
        const len = TIMEFRAME_MS[tf];
        const now = clock.now();
        let from = newest.get(`${symbol}\u0000${klineStream(tf)}`) ?? barStart(tf, now - config.lookbacks[tf]);
        try {
          while (from <= now && !signal?.aborted) {
            const end = Math.min(now, from + (KLINE_PAGE - 1) * len);
            out.apiCalls++;
            const bars = await client.klines(symbol, tf, from, end);
            const r = await market.upsertKlines(bars, clock.now());
            out.klines.inserted += r.inserted;
            out.klines.updated += r.updated;
            from = barStart(tf, end) + len;
          }
        } catch (err) {
          fail(`klines ${symbol} ${tf}`, err);
        }
      }
    }
    out.ok = out.errors.length === 0;
    out.finishedAt = clock.now();
    return out;
  }
}
