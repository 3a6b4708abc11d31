/**
 * The switches for what exchange-apis.md marks unverified about WEEX v2 [U] or sourced from
 * conflicting copies [O]. Read once from ExchangeEndpoints.options; a bad value names the
 * option, what was expected and what was received. Defaults are what the facts file leans to.
 */
export type WrapMode = 'auto' | 'always' | 'never';
export type RowOrder = 'auto' | 'desc' | 'asc';

export interface WeexOptions {
  /**
   * Success bodies: `auto` accepts both the bare payload the V2 read docs show and the
   * `{code:"00000",msg,requestTime,data}` envelope of the write docs; `always` requires the
   * envelope, `never` takes the body as the payload.
   */
  wrapped: WrapMode;
  /** Weight per IP and per UID per 10 s: 500 in one copy of WEEX's limits page, 1000 in another. */
  rateLimitWindowLimit: 500 | 1000;
  /** Pause after an HTTP 429 when nothing says otherwise (WEEX: wait 10 s) [O]. */
  rateLimitBackoffMs: number;
  /** Row order of /order/fills: `auto` reads it off each page (newest-first when a page cannot tell). */
  fillsOrder: RowOrder;
  /** Row order of /order/history, same rule. */
  historyOrder: RowOrder;
  /** pageSize sent to /order/history (its maximum is not documented). */
  historyPageSize: number;
  /** First value of `page` on /order/current ("default 0" in the docs; 1 if the server counts from 1). */
  pageBase: 0 | 1;
  /** Error codes that positively mean "no such order" on /order/detail. */
  orderNotFoundCodes: string[];
  /** Longest range one fills/history query may span; null = unbounded (none documented). */
  maxWindowMs: number | null;
  /** `locale` header. */
  locale: string;
}

/**
 * [U] WEEX's V2 code for an unknown order is not documented. 40109 and 40768 are the codes its
 * Bitget-derived sibling APIs use for "order does not exist"; 40913 is not here: it means the
 * request named no order at all.
 */
const DEFAULT_NOT_FOUND = ['40109', '40768'];

export const DEFAULT_WEEX_OPTIONS: WeexOptions = {
  wrapped: 'auto',
  rateLimitWindowLimit: 500,
  rateLimitBackoffMs: 10_000,
  fillsOrder: 'auto',
  historyOrder: 'auto',
  historyPageSize: 100,
  pageBase: 0,
  orderNotFoundCodes: DEFAULT_NOT_FOUND,
  maxWindowMs: null,
  locale: 'en-US',
};

/** Keys the registry passes to every adapter; WEEX has nothing to do with them. */
const IGNORED = new Set(['env', 'heartbeatMs', 'pongTimeoutMs', 'reconnectMinMs', 'reconnectMaxMs']);

export function resolveWeexOptions(raw: Record<string, unknown> = {}): WeexOptions {
  const o: WeexOptions = { ...DEFAULT_WEEX_OPTIONS, orderNotFoundCodes: [...DEFAULT_NOT_FOUND] };
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || IGNORED.has(k)) continue;
    switch (k) {
      case 'wrapped':
        o.wrapped = oneOf(k, v, ['auto', 'always', 'never'] as const);
        break;
      case 'rateLimitWindowLimit':
        o.rateLimitWindowLimit = oneOf(k, v, [500, 1000] as const);
        break;
      case 'rateLimitBackoffMs':
        o.rateLimitBackoffMs = intIn(k, v, 0, 600_000);
        break;
      case 'fillsOrder':
        o.fillsOrder = oneOf(k, v, ['auto', 'desc', 'asc'] as const);
        break;
      case 'historyOrder':
        o.historyOrder = oneOf(k, v, ['auto', 'desc', 'asc'] as const);
        break;
      case 'historyPageSize':
        o.historyPageSize = intIn(k, v, 1, 1000);
        break;
      case 'pageBase':
        o.pageBase = oneOf(k, v, [0, 1] as const);
        break;
      case 'orderNotFoundCodes':
        if (!Array.isArray(v) || !v.every((c) => typeof c === 'string' || typeof c === 'number')) bad(k, 'a list of error codes', v);
        o.orderNotFoundCodes = (v as Array<string | number>).map(String);
        break;
      case 'maxWindowMs':
        o.maxWindowMs = v === null ? null : intIn(k, v, 1, Number.MAX_SAFE_INTEGER);
        break;
      case 'locale':
        if (typeof v !== 'string' || !/^[A-Za-z]{2}(-[A-Za-z]{2})?$/.test(v)) bad(k, 'a locale like "en-US"', v);
        o.locale = v as string;
        break;
      default:
        throw new Error(`weex endpoints.options: expected keys among ${Object.keys(DEFAULT_WEEX_OPTIONS).join(', ')}, received ${JSON.stringify(k)}`);
    }
  }
  return o;
}

function oneOf<T extends string | number>(key: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) bad(key, allowed.map((a) => JSON.stringify(a)).join(' or '), v);
  return v as T;
}

function intIn(key: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) bad(key, `an integer between ${min} and ${max}`, v);
  return v as number;
}

function bad(key: string, expected: string, received: unknown): never {
  throw new Error(`weex endpoints.options.${key}: expected ${expected}, received ${JSON.stringify(received)}`);
}
