import type { Instrument } from './instruments.js';
import { hashNormal, hashUnit } from './rng.js';

/**
 * The price of a symbol as a pure function of (seed, symbol, time): any past minute has a
 * stable price, so klines for last year are as reproducible as the live ticker, and the live
 * path simply is this function sampled at "now".
 *
 * Shape: slow sine waves (weeks) plus value-noise octaves from days down to 5 s, each octave
 * interpolated smoothly between hash-derived knots. The log-price has bounded variance, so the
 * path wanders but never drifts to 0 or infinity. Per-minute moves are ~0.05% for BTC.
 */
const OCTAVES: readonly { periodMs: number; sigma: number }[] = [
  { periodMs: 3 * 86_400_000, sigma: 0.03 },
  { periodMs: 4 * 3_600_000, sigma: 0.008 },
  { periodMs: 15 * 60_000, sigma: 0.002 },
  { periodMs: 60_000, sigma: 0.0006 },
  { periodMs: 5_000, sigma: 0.00015 },
];

const WAVES: readonly { periodMs: number; amp: number }[] = [
  { periodMs: 27 * 86_400_000, amp: 0.06 },
  { periodMs: 9 * 86_400_000, amp: 0.025 },
];

export class PricePath {
  readonly #seed: number;

  constructor(seed: number) {
    this.#seed = seed;
  }

  /** Unrounded price of the instrument at time t (ms). */
  at(inst: Instrument, t: number): number {
    const sym = inst.symbol;
    let x = 0;
    for (const w of WAVES) {
      const phase = 2 * Math.PI * hashUnit(this.#seed, sym, 'phase', w.periodMs);
      x += w.amp * Math.sin((2 * Math.PI * t) / w.periodMs + phase);
    }
    for (const o of OCTAVES) {
      const k = Math.floor(t / o.periodMs);
      const f = (t - k * o.periodMs) / o.periodMs;
      const a = hashNormal(this.#seed, sym, o.periodMs, k);
      const b = hashNormal(this.#seed, sym, o.periodMs, k + 1);
      const s = (1 - Math.cos(Math.PI * f)) / 2; // smooth step between knots
      x += o.sigma * inst.volatility * (a + (b - a) * s);
    }
    return inst.basePrice * Math.exp(x);
  }

  /** Deterministic traded volume for [start, start+ms) in base coin. */
  volume(inst: Instrument, start: number, ms: number): number {
    const minutes = Math.max(1, ms / 60_000);
    const noise = 0.4 + 1.2 * hashUnit(this.#seed, inst.symbol, 'vol', start, ms);
    return inst.minuteVolume * minutes * noise;
  }
}
