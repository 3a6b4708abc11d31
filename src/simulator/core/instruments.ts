import { decimalsOf } from './decimal.js';
import { hash32, hashUnit } from './rng.js';

/** A linear USDT perpetual, with the numbers the order validation and printing need. */
export interface Instrument {
  symbol: string; // Bybit form, e.g. BTCUSDT
  baseCoin: string;
  quoteCoin: 'USDT';
  settleCoin: 'USDT';
  tickSize: string;
  priceDecimals: number;
  qtyStep: string;
  qtyDecimals: number;
  minOrderQty: string;
  maxOrderQty: string;
  maxMktOrderQty: string;
  minNotionalValue: string;
  /** Level of the price path around which the symbol moves. */
  basePrice: number;
  /** Scales the price path's noise (1 = BTC-like). */
  volatility: number;
  /** Typical 1-minute base volume, for klines and tickers. */
  minuteVolume: number;
  launchTime: number;
}

type Spec = Omit<Instrument, 'symbol' | 'baseCoin' | 'quoteCoin' | 'settleCoin' | 'priceDecimals' | 'qtyDecimals' | 'launchTime'>;

// Tick and lot sizes as Bybit lists them for these perpetuals (rounded; good enough for a simulator).
const KNOWN: Record<string, Spec> = {
  BTCUSDT: { tickSize: '0.10', qtyStep: '0.001', minOrderQty: '0.001', maxOrderQty: '1190.000', maxMktOrderQty: '119.000', minNotionalValue: '5', basePrice: 65000, volatility: 1, minuteVolume: 40 },
  ETHUSDT: { tickSize: '0.01', qtyStep: '0.01', minOrderQty: '0.01', maxOrderQty: '7240.00', maxMktOrderQty: '724.00', minNotionalValue: '5', basePrice: 3300, volatility: 1.2, minuteVolume: 600 },
  SOLUSDT: { tickSize: '0.010', qtyStep: '0.1', minOrderQty: '0.1', maxOrderQty: '79770.0', maxMktOrderQty: '7977.0', minNotionalValue: '5', basePrice: 150, volatility: 1.6, minuteVolume: 9000 },
  XRPUSDT: { tickSize: '0.0001', qtyStep: '1', minOrderQty: '1', maxOrderQty: '4120000', maxMktOrderQty: '412000', minNotionalValue: '5', basePrice: 0.55, volatility: 1.5, minuteVolume: 2_000_000 },
  DOGEUSDT: { tickSize: '0.00001', qtyStep: '1', minOrderQty: '1', maxOrderQty: '23910000', maxMktOrderQty: '2391000', minNotionalValue: '5', basePrice: 0.15, volatility: 1.8, minuteVolume: 8_000_000 },
  BNBUSDT: { tickSize: '0.01', qtyStep: '0.01', minOrderQty: '0.01', maxOrderQty: '1710.00', maxMktOrderQty: '171.00', minNotionalValue: '5', basePrice: 580, volatility: 1.1, minuteVolume: 300 },
};

export const SYMBOL_PATTERN = /^[A-Z0-9]{2,16}USDT$/;

// All simulated perpetuals "launched" on the same day, long enough ago for 2 years of history.
const LAUNCH_TIME = Date.UTC(2020, 2, 26);

export function instrumentFor(symbol: string): Instrument {
  if (!SYMBOL_PATTERN.test(symbol)) throw new Error(`symbol: expected like BTCUSDT (A-Z0-9 then USDT), received ${JSON.stringify(symbol)}`);
  const baseCoin = symbol.slice(0, -4);
  const spec = KNOWN[symbol] ?? derivedSpec(symbol);
  return {
    ...spec,
    symbol,
    baseCoin,
    quoteCoin: 'USDT',
    settleCoin: 'USDT',
    priceDecimals: decimalsOf(spec.tickSize),
    qtyDecimals: decimalsOf(spec.qtyStep),
    launchTime: LAUNCH_TIME,
  };
}

/** Made-up but stable numbers for symbols we have no table entry for. */
function derivedSpec(symbol: string): Spec {
  const exp10 = -2 + (hash32('px', symbol) % 6); // 0.01 .. 1000
  const basePrice = Math.pow(10, exp10) * (1 + 9 * hashUnit('mant', symbol));
  const tickSize = stepText(Math.floor(Math.log10(basePrice)) - 4);
  // Lot size so the minimum order is worth roughly 1-10 USDT.
  const lotExp = Math.min(3, Math.max(-3, Math.floor(Math.log10(5 / basePrice))));
  const qtyStep = stepText(lotExp);
  const lots = (usdt: number) => Math.max(1, Math.floor(usdt / basePrice / 10 ** lotExp));
  const qtyText = (n: number) => (lotExp >= 0 ? String(n * 10 ** lotExp) : (n * 10 ** lotExp).toFixed(-lotExp));
  return {
    tickSize,
    qtyStep,
    minOrderQty: qtyStep,
    maxOrderQty: qtyText(lots(2_000_000)),
    maxMktOrderQty: qtyText(lots(200_000)),
    minNotionalValue: '5',
    basePrice,
    volatility: 1 + hashUnit('vol', symbol),
    minuteVolume: Math.max(1, Math.round(200_000 / basePrice)),
  };
}

/** "1", "10", "0.01" for exponents 0, 1, -2. */
function stepText(exp: number): string {
  if (exp >= 0) return String(10 ** exp);
  return '0.' + '0'.repeat(-exp - 1) + '1';
}

/** Prices print with the instrument's price scale ("64250.50" for a 0.10 tick), as Bybit does. */
export function fmtPrice(d: { toFixed(dp: number): string }, inst: Instrument): string {
  return d.toFixed(inst.priceDecimals);
}
