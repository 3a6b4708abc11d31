import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { SYMBOL_PATTERN } from './core/instruments.js';
import type { AccountSpec, BehaviourConfig, ExchangeName, FaultConfig, LimitConfig, SimulatorOptions } from './types.js';

export const DEFAULT_FAULTS: FaultConfig = {
  latencyMs: 0,
  latencyJitterMs: 0,
  http5xxRate: 0,
  timeoutRate: 0,
  rateLimitRate: 0,
  malformedRate: 0,
  wsDropEveryMs: 0,
  wsDropMessageRate: 0,
  wsDuplicateFilledRate: 0,
  clockSkewMs: 0,
  historyLagMs: 0,
};

export const DEFAULT_LIMITS: LimitConfig = {
  enabled: true,
  ipLimit: 600,
  ipWindowMs: 5000,
  ipBanMs: 600_000,
  uidReadPerSec: 50,
  uidWritePerSec: 10,
  uidWindowMs: 1000,
  weexIpWeight: 500,
  weexUidWeight: 500,
  weexWindowMs: 10_000,
  weexOrderPerSec: 10,
  trustForwardedFor: false,
  wsIdleMs: 600_000,
};

export const DEFAULT_BEHAVIOUR: BehaviourConfig = {
  partialFillRate: 0.3,
  maxFillsPerMatch: 3,
  makerFeeRate: '0.0002',
  takerFeeRate: '0.00055',
  fundingRate: '0.0001',
  closedOrderCacheSize: 500,
  historyFloor: 'clamp',
  historyIncludesOpen: true,
  missingRecvWindowText: '5000',
  weexWrapReads: false,
  weexFillsOrder: 'desc',
  journalMax: 500_000,
};

export interface ResolvedOptions {
  exchange: ExchangeName;
  host: string;
  port: number;
  seed: number;
  accounts: AccountSpec[];
  accountCount: number;
  symbols: string[];
  latencyMs: number;
  faults: FaultConfig;
  priceTickMs: number;
  fundingIntervalMs: number;
  limits: LimitConfig;
  behaviour: BehaviourConfig;
  now: () => number;
  logger: Logger;
}

/** Thrown for bad options; the message names the field, what was expected and what came. */
export class SimulatorConfigError extends Error {
  override name = 'SimulatorConfigError';
}

function bad(path: string, expected: string, got: unknown): never {
  throw new SimulatorConfigError(`${path}: expected ${expected}, received ${JSON.stringify(got)}`);
}

function num(path: string, v: unknown, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(path, `a number in [${min}, ${max}]`, v);
  return v;
}

export function resolveOptions(o: SimulatorOptions = {}): ResolvedOptions {
  const exchange = o.exchange ?? 'bybit';
  if (exchange !== 'bybit' && exchange !== 'weex') bad('exchange', '"bybit" or "weex"', exchange);
  const symbols = o.symbols ?? ['BTCUSDT', 'ETHUSDT'];
  if (!Array.isArray(symbols) || symbols.length === 0) bad('symbols', 'a non-empty list like ["BTCUSDT"]', symbols);
  symbols.forEach((s, i) => {
    if (typeof s !== 'string' || !SYMBOL_PATTERN.test(s)) bad(`symbols[${i}]`, 'a linear USDT symbol like BTCUSDT', s);
  });
  if (new Set(symbols).size !== symbols.length) bad('symbols', 'no duplicates', symbols);
  let accounts: AccountSpec[];
  if (o.accounts === undefined) accounts = [{}, {}, {}];
  else if (typeof o.accounts === 'number') {
    num('accounts', o.accounts, 3, 1, 100_000);
    if (!Number.isInteger(o.accounts)) bad('accounts', 'an integer', o.accounts);
    accounts = Array.from({ length: o.accounts }, () => ({}));
  } else if (Array.isArray(o.accounts)) {
    if (o.accounts.length === 0) bad('accounts', 'at least one account', o.accounts);
    accounts = o.accounts.map((a, i) => {
      if (!a || typeof a !== 'object') bad(`accounts[${i}]`, 'an object', a);
      for (const k of ['id', 'apiKey', 'apiSecret', 'passphrase'] as const) {
        if (a[k] !== undefined && (typeof a[k] !== 'string' || a[k]!.length === 0)) bad(`accounts[${i}].${k}`, 'a non-empty string', a[k]);
      }
      return { ...a };
    });
  } else bad('accounts', 'a count or a list of accounts', o.accounts);
  return {
    exchange,
    host: o.host ?? '127.0.0.1',
    port: num('port', o.port, 0, 0, 65535),
    seed: num('seed', o.seed, 1, -2147483648, 2 ** 53),
    accounts,
    accountCount: accounts.length,
    symbols: [...symbols],
    latencyMs: num('latencyMs', o.latencyMs, 0, 0, 600_000),
    faults: resolveFaults(o.faults ?? {}, DEFAULT_FAULTS, 'faults'),
    priceTickMs: num('priceTickMs', o.priceTickMs, 250, 1, 3_600_000),
    fundingIntervalMs: num('fundingIntervalMs', o.fundingIntervalMs, 8 * 3_600_000, 10, 365 * 86_400_000),
    limits: resolveLimits(o.limits ?? {}),
    behaviour: resolveBehaviour(o.behaviour ?? {}),
    now: o.now ?? Date.now,
    logger: o.logger ?? silentLogger(),
  };
}

const RATE_KEYS = ['http5xxRate', 'timeoutRate', 'rateLimitRate', 'malformedRate', 'wsDropMessageRate', 'wsDuplicateFilledRate'] as const;
const MS_KEYS = ['latencyMs', 'latencyJitterMs', 'wsDropEveryMs', 'historyLagMs'] as const;

/** Merges a partial fault config onto `base`, validating every field. */
export function resolveFaults(f: unknown, base: FaultConfig, path = 'faults'): FaultConfig {
  if (!f || typeof f !== 'object' || Array.isArray(f)) bad(path, 'an object', f);
  const src = f as Record<string, unknown>;
  const out: FaultConfig = { ...base };
  for (const k of Object.keys(src)) {
    if (!(k in DEFAULT_FAULTS) && k !== 'only') bad(`${path}.${k}`, `one of ${[...Object.keys(DEFAULT_FAULTS), 'only'].join(', ')}`, k);
  }
  for (const k of RATE_KEYS) out[k] = num(`${path}.${k}`, src[k], base[k], 0, 1);
  for (const k of MS_KEYS) out[k] = num(`${path}.${k}`, src[k], base[k], 0, 86_400_000);
  out.clockSkewMs = num(`${path}.clockSkewMs`, src.clockSkewMs, base.clockSkewMs, -86_400_000 * 365, 86_400_000 * 365);
  if ('only' in src) {
    const only = src.only;
    if (only === null || only === undefined) delete out.only;
    else {
      if (typeof only !== 'object' || Array.isArray(only)) bad(`${path}.only`, 'an object {accounts?, endpoints?}', only);
      const o = only as Record<string, unknown>;
      const filter: { accounts?: string[]; endpoints?: string[] } = {};
      for (const k of Object.keys(o)) {
        if (k !== 'accounts' && k !== 'endpoints') bad(`${path}.only.${k}`, 'accounts or endpoints', k);
        const v = o[k];
        if (v === undefined) continue;
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${path}.only.${k}`, 'a list of strings', v);
        filter[k] = [...(v as string[])];
      }
      out.only = filter;
    }
  }
  return out;
}

function resolveLimits(l: Partial<LimitConfig>): LimitConfig {
  const d = DEFAULT_LIMITS;
  if (typeof l !== 'object' || l === null) bad('limits', 'an object', l);
  for (const k of Object.keys(l)) if (!(k in d)) bad(`limits.${k}`, `one of ${Object.keys(d).join(', ')}`, k);
  const bool = (k: 'enabled' | 'trustForwardedFor') => {
    const v = l[k];
    if (v === undefined) return d[k];
    if (typeof v !== 'boolean') bad(`limits.${k}`, 'a boolean', v);
    return v;
  };
  return {
    enabled: bool('enabled'),
    ipLimit: num('limits.ipLimit', l.ipLimit, d.ipLimit, 1),
    ipWindowMs: num('limits.ipWindowMs', l.ipWindowMs, d.ipWindowMs, 1),
    ipBanMs: num('limits.ipBanMs', l.ipBanMs, d.ipBanMs, 0),
    uidReadPerSec: num('limits.uidReadPerSec', l.uidReadPerSec, d.uidReadPerSec, 1),
    uidWritePerSec: num('limits.uidWritePerSec', l.uidWritePerSec, d.uidWritePerSec, 1),
    uidWindowMs: num('limits.uidWindowMs', l.uidWindowMs, d.uidWindowMs, 1),
    weexIpWeight: num('limits.weexIpWeight', l.weexIpWeight, d.weexIpWeight, 1),
    weexUidWeight: num('limits.weexUidWeight', l.weexUidWeight, d.weexUidWeight, 1),
    weexWindowMs: num('limits.weexWindowMs', l.weexWindowMs, d.weexWindowMs, 1),
    weexOrderPerSec: num('limits.weexOrderPerSec', l.weexOrderPerSec, d.weexOrderPerSec, 1),
    trustForwardedFor: bool('trustForwardedFor'),
    wsIdleMs: num('limits.wsIdleMs', l.wsIdleMs, d.wsIdleMs, 10),
  };
}

function resolveBehaviour(b: Partial<BehaviourConfig>): BehaviourConfig {
  const d = DEFAULT_BEHAVIOUR;
  if (typeof b !== 'object' || b === null) bad('behaviour', 'an object', b);
  for (const k of Object.keys(b)) if (!(k in d)) bad(`behaviour.${k}`, `one of ${Object.keys(d).join(', ')}`, k);
  const rate = (k: 'makerFeeRate' | 'takerFeeRate' | 'fundingRate') => {
    const v = b[k];
    if (v === undefined) return d[k];
    if (typeof v !== 'string' || !/^-?\d+(\.\d+)?$/.test(v)) bad(`behaviour.${k}`, 'a decimal string like "0.0002"', v);
    return v;
  };
  const oneOf = <T extends string>(k: keyof BehaviourConfig, allowed: T[], def: T): T => {
    const v = b[k];
    if (v === undefined) return def;
    if (!allowed.includes(v as T)) bad(`behaviour.${k}`, allowed.map((a) => JSON.stringify(a)).join(' or '), v);
    return v as T;
  };
  if (b.historyIncludesOpen !== undefined && typeof b.historyIncludesOpen !== 'boolean') bad('behaviour.historyIncludesOpen', 'a boolean', b.historyIncludesOpen);
  if (b.weexWrapReads !== undefined && typeof b.weexWrapReads !== 'boolean') bad('behaviour.weexWrapReads', 'a boolean', b.weexWrapReads);
  if (b.missingRecvWindowText !== undefined && typeof b.missingRecvWindowText !== 'string') bad('behaviour.missingRecvWindowText', 'a string', b.missingRecvWindowText);
  return {
    partialFillRate: num('behaviour.partialFillRate', b.partialFillRate, d.partialFillRate, 0, 1),
    maxFillsPerMatch: Math.floor(num('behaviour.maxFillsPerMatch', b.maxFillsPerMatch, d.maxFillsPerMatch, 1, 20)),
    makerFeeRate: rate('makerFeeRate'),
    takerFeeRate: rate('takerFeeRate'),
    fundingRate: rate('fundingRate'),
    closedOrderCacheSize: Math.floor(num('behaviour.closedOrderCacheSize', b.closedOrderCacheSize, d.closedOrderCacheSize, 0, 1_000_000)),
    historyFloor: oneOf('historyFloor', ['clamp', 'error'], d.historyFloor),
    historyIncludesOpen: b.historyIncludesOpen ?? d.historyIncludesOpen,
    missingRecvWindowText: b.missingRecvWindowText ?? d.missingRecvWindowText,
    weexWrapReads: b.weexWrapReads ?? d.weexWrapReads,
    weexFillsOrder: oneOf('weexFillsOrder', ['desc', 'asc'], d.weexFillsOrder),
    journalMax: Math.floor(num('behaviour.journalMax', b.journalMax, d.journalMax, 0, 100_000_000)),
  };
}
