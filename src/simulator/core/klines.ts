import { dec, plain } from './decimal.js';
import { fmtPrice, type Instrument } from './instruments.js';
import { roundToTick, type Market } from './market.js';

/** Bar interval names as Bybit uses them, with their length in ms (W and M are calendar-based). */
export const INTERVALS: Record<string, number> = {
  '1': 60_000,
  '3': 180_000,
  '5': 300_000,
  '15': 900_000,
  '30': 1_800_000,
  '60': 3_600_000,
  '120': 7_200_000,
  '240': 14_400_000,
  '360': 21_600_000,
  '720': 43_200_000,
  D: 86_400_000,
  W: 7 * 86_400_000,
  M: 31 * 86_400_000,
};

/** Start of the bar containing t. Weekly bars start on Monday 00:00 UTC, monthly on the 1st. */
export function barStart(interval: string, t: number): number {
  if (interval === 'M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (interval === 'W') {
    const day = Math.floor(t / 86_400_000);
    const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
    return monday * 86_400_000;
  }
  const ms = INTERVALS[interval]!;
  return Math.floor(t / ms) * ms;
}

export function barEnd(interval: string, start: number): number {
  if (interval === 'M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + INTERVALS[interval]!;
}

export interface Bar {
  start: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  turnover: string;
}

/**
 * A bar from the price path: open at its start, close at its end (or now for the current bar),
 * high/low from up to ~120 samples (at least every 5 s). Bars from before a setPrice jump keep
 * their old values because the market's multiplier history is time-indexed.
 */
export function bar(market: Market, inst: Instrument, interval: string, start: number, now: number): Bar {
  const end = Math.min(barEnd(interval, start), now + 1);
  const span = end - start;
  const step = Math.max(5_000, Math.floor(span / 120));
  const sym = inst.symbol;
  const open = market.raw(sym, start);
  const close = market.raw(sym, Math.max(start, end - 1));
  let high = Math.max(open, close);
  let low = Math.min(open, close);
  for (let t = start + step; t < end - 1; t += step) {
    const p = market.raw(sym, t);
    if (p > high) high = p;
    if (p < low) low = p;
  }
  const vol = market.path.volume(inst, start, span);
  const volume = dec(vol.toFixed(inst.qtyDecimals));
  const mid = (open + close) / 2;
  return {
    start,
    open: fmtPrice(roundToTick(open, inst), inst),
    high: fmtPrice(roundToTick(high, inst), inst),
    low: fmtPrice(roundToTick(low, inst), inst),
    close: fmtPrice(roundToTick(close, inst), inst),
    volume: volume.toFixed(inst.qtyDecimals),
    turnover: plain(volume.times(mid.toFixed(inst.priceDecimals)), 4),
  };
}
