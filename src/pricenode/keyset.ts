/**
 * The export API's `next` token: base64url of the last key a page returned, so the next page
 * starts strictly after it (keyset paging). It carries the FULL key, not only the time, and is
 * checked against the query it is presented with: a token from another symbol, exchange,
 * timeframe or endpoint is a clear 400, never a silently wrong page.
 *
 * Opaque to clients: its layout may change with `v`; a server refuses versions it does not know.
 */
export type KeysetKind = 'tickers' | 'klines';

export interface KeysetKey {
  kind: KeysetKind;
  exchange: string;
  symbol: string;
  /** klines only */
  timeframe?: string;
  /** time of the last row returned (ticker time / kline open time) */
  time: number;
}

const VERSION = 1;
/** Tokens are small; anything longer is not one of ours (and is not worth decoding). */
const MAX_TOKEN_CHARS = 512;

export class KeysetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeysetError';
  }
}

export function encodeKeyset(k: KeysetKey): string {
  const body = k.kind === 'klines' ? { v: VERSION, k: 'k', e: k.exchange, s: k.symbol, f: k.timeframe, t: k.time } : { v: VERSION, k: 't', e: k.exchange, s: k.symbol, t: k.time };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

/**
 * Decodes a token and checks it belongs to `expected` (kind, exchange, symbol, timeframe).
 * Throws KeysetError with the reason; the route turns it into `next: expected …, received …`.
 */
export function decodeKeyset(token: string, expected: Omit<KeysetKey, 'time'>): KeysetKey {
  if (token.length > MAX_TOKEN_CHARS || !/^[A-Za-z0-9_-]+$/.test(token)) throw new KeysetError('not a token this server issued');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new KeysetError('not a token this server issued');
  }
  const b = body as Record<string, unknown>;
  if (!b || typeof b !== 'object' || b.v !== VERSION) throw new KeysetError('not a token this server issued (unknown version)');
  const kind: KeysetKind | null = b.k === 't' ? 'tickers' : b.k === 'k' ? 'klines' : null;
  if (kind === null || typeof b.e !== 'string' || typeof b.s !== 'string' || typeof b.t !== 'number' || !Number.isSafeInteger(b.t)) {
    throw new KeysetError('not a token this server issued');
  }
  if (kind !== expected.kind) throw new KeysetError(`a token from the ${kind} export, not the ${expected.kind} export`);
  if (b.e !== expected.exchange || b.s !== expected.symbol) throw new KeysetError(`a token for ${b.e}/${b.s}, not ${expected.exchange}/${expected.symbol}`);
  if (kind === 'klines' && b.f !== expected.timeframe) throw new KeysetError(`a token for timeframe ${String(b.f)}, not ${String(expected.timeframe)}`);
  return { kind, exchange: b.e, symbol: b.s, ...(kind === 'klines' ? { timeframe: String(b.f) } : {}), time: b.t };
}
