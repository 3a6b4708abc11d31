import { dec, type Dec } from './decimal.js';
import { hashNormal } from './rng.js';

/** Bybit funds linear perpetuals every 8 hours (00:00, 08:00, 16:00 UTC). */
export const FUNDING_PERIOD_MS = 8 * 3_600_000;

/** Funding rate for the 8-hour interval containing t: the configured level +/- 50%, deterministic. */
export function fundingRateAt(seed: number, symbol: string, t: number, level: string): Dec {
  const k = Math.floor(t / FUNDING_PERIOD_MS);
  const f = 1 + 0.5 * Math.max(-1.9, Math.min(1.9, hashNormal(seed, symbol, 'funding', k)));
  return dec(level).times(f.toFixed(4)).toDecimalPlaces(8);
}
