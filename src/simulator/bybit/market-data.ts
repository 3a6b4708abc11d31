import { dec, plain } from '../core/decimal.js';
import { fmtPrice, type Instrument } from '../core/instruments.js';
import { bar, barEnd, barStart, INTERVALS } from '../core/klines.js';
import { roundToTick } from '../core/market.js';
import type { BybitContext } from './context.js';
import { nameCursor, parseNameCursor } from './cursor.js';
import { paramError } from './envelope.js';
import { cursorParam, limit, msParam, str, type Params } from './params.js';

/** GET /v5/market/time. */
export function time(ctx: BybitContext): unknown {
  return { timeSecond: String(Math.floor(ctx.now / 1000)), timeNano: `${ctx.now}000000` };
}

function linearOnly(p: Params, def?: string): string {
  const c = str(p, 'category') ?? def;
  if (c === undefined) throw paramError('params error: category is required');
  if (!['linear', 'inverse', 'spot', 'option'].includes(c)) throw paramError('params error: category invalid');
  return c;
}

function knownSymbol(ctx: BybitContext, p: Params, needed: boolean): Instrument | undefined {
  const s = str(p, 'symbol');
  if (!s) {
    if (needed) throw paramError('params error: symbol is required');
    return undefined;
  }
  const inst = ctx.engine.instruments.get(s);
  if (!inst) throw paramError('params error: symbol invalid');
  return inst;
}

function instrumentRow(i: Instrument): Record<string, unknown> {
  return {
    symbol: i.symbol,
    contractType: 'LinearPerpetual',
    status: 'Trading',
    baseCoin: i.baseCoin,
    quoteCoin: i.quoteCoin,
    launchTime: String(i.launchTime),
    deliveryTime: '0',
    deliveryFeeRate: '',
    priceScale: String(i.priceDecimals),
    leverageFilter: { minLeverage: '1', maxLeverage: '100.00', leverageStep: '0.01' },
    priceFilter: { minPrice: i.tickSize, maxPrice: fmtPrice(roundToTick(i.basePrice * 30, i), i), tickSize: i.tickSize },
    lotSizeFilter: {
      maxOrderQty: i.maxOrderQty,
      minOrderQty: i.minOrderQty,
      qtyStep: i.qtyStep,
      postOnlyMaxOrderQty: i.maxOrderQty,
      maxMktOrderQty: i.maxMktOrderQty,
      minNotionalValue: i.minNotionalValue,
    },
    unifiedMarginTrade: true,
    fundingInterval: 480,
    settleCoin: i.settleCoin,
    copyTrading: 'both',
    upperFundingRate: '0.00375',
    lowerFundingRate: '-0.00375',
    isPreListing: false,
    preListingInfo: null,
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
    displayName: '',
  };
}

/** GET /v5/market/instruments-info (linear). */
export function instrumentsInfo(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = linearOnly(p);
  const inst = knownSymbol(ctx, p, false);
  const lim = limit(p, 1, 1000, 500);
  const after = parseNameCursor('i', cursorParam(p));
  if (cat !== 'linear') return { category: cat, list: [], nextPageCursor: '' };
  let all = inst ? [inst] : [...ctx.engine.instruments.values()].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  const baseCoin = str(p, 'baseCoin');
  if (baseCoin) all = all.filter((i) => i.baseCoin === baseCoin);
  if (after) all = all.filter((i) => i.symbol > after);
  const page = all.slice(0, lim);
  return {
    category: cat,
    list: page.map(instrumentRow),
    nextPageCursor: all.length > lim ? nameCursor('i', page[page.length - 1]!.symbol) : '',
  };
}

/** GET /v5/market/tickers (linear). */
export function tickers(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = linearOnly(p);
  const inst = knownSymbol(ctx, p, false);
  if (cat !== 'linear') return { category: cat, list: [] };
  const list = (inst ? [inst] : [...ctx.engine.instruments.values()]).map((i) => tickerRow(ctx, i));
  return { category: cat, list };
}

function tickerRow(ctx: BybitContext, i: Instrument): Record<string, unknown> {
  const m = ctx.engine.market;
  const now = ctx.now;
  const last = m.price(i.symbol, now);
  const day = bar(m, i, 'D', now - 86_400_000, now);
  // A rolling 24 h window: sample it as one "bar" from now-24h to now.
  const prev24 = roundToTick(m.raw(i.symbol, now - 86_400_000), i);
  const prev1h = roundToTick(m.raw(i.symbol, now - 3_600_000), i);
  const rate = ctx.engine.fundingRate(i.symbol, now);
  const nextFunding = Math.ceil((now + 1) / (8 * 3_600_000)) * 8 * 3_600_000;
  return {
    symbol: i.symbol,
    lastPrice: fmtPrice(last, i),
    indexPrice: fmtPrice(last, i),
    markPrice: fmtPrice(last, i),
    prevPrice24h: fmtPrice(prev24, i),
    price24hPcnt: plain(last.minus(prev24).div(prev24), 6),
    highPrice24h: fmtPrice(maxDec(day.high, last.toFixed()), i),
    lowPrice24h: fmtPrice(minDec(day.low, last.toFixed()), i),
    prevPrice1h: fmtPrice(prev1h, i),
    openInterest: (i.minuteVolume * 900).toFixed(i.qtyDecimals),
    openInterestValue: (i.minuteVolume * 900 * last.toNumber()).toFixed(2),
    turnover24h: day.turnover,
    volume24h: day.volume,
    fundingRate: plain(rate, 8),
    nextFundingTime: String(nextFunding),
    predictedDeliveryPrice: '',
    basisRate: '',
    deliveryFeeRate: '',
    deliveryTime: '0',
    ask1Size: i.minOrderQty,
    bid1Price: fmtPrice(last.minus(i.tickSize).lt(i.tickSize) ? last : last.minus(i.tickSize), i),
    ask1Price: fmtPrice(last.plus(i.tickSize), i),
    bid1Size: i.minOrderQty,
    basis: '',
  };
}

function maxDec(a: string, b: string) {
  return Number(a) >= Number(b) ? dec(a) : dec(b);
}
function minDec(a: string, b: string) {
  return Number(a) <= Number(b) ? dec(a) : dec(b);
}

/**
 * GET /v5/market/kline: newest bar first, `[startTime, open, high, low, close, volume, turnover]`
 * as strings. The `limit` bars ending at `end` (default now), not before `start`.
 */
export function kline(ctx: BybitContext): unknown {
  const p = ctx.params;
  const cat = linearOnly(p, 'linear');
  const inst = knownSymbol(ctx, p, true)!;
  const interval = str(p, 'interval');
  if (!interval) throw paramError('params error: interval is required');
  if (!(interval in INTERVALS)) throw paramError('params error: interval invalid');
  const lim = limit(p, 1, 1000, 200);
  const start = msParam(p, 'start');
  const endParam = msParam(p, 'end');
  if (start !== undefined && endParam !== undefined && endParam < start) throw paramError('params error: end must be greater than start');
  if (cat !== 'linear') return { category: cat, symbol: inst.symbol, list: [] };
  const now = ctx.now;
  const end = Math.min(endParam ?? now, now);
  const list: string[][] = [];
  let s = barStart(interval, end);
  while (list.length < lim && s >= inst.launchTime && (start === undefined || s >= barStart(interval, start))) {
    const b = bar(ctx.engine.market, inst, interval, s, now);
    list.push([String(b.start), b.open, b.high, b.low, b.close, b.volume, b.turnover]);
    const prev = barStart(interval, s - 1);
    if (barEnd(interval, prev) !== s) break;
    s = prev;
  }
  return { category: cat, symbol: inst.symbol, list };
}
