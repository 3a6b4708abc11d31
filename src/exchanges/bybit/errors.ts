import {
  AuthError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  IpBannedError,
  RateLimitedError,
} from '../../errors.js';
import { redactString } from '../../util/redact.js';

/**
 * Bybit answers -> named errors (exchange-apis.md A.3, A.5). Business errors arrive as HTTP 200
 * with a non-zero retCode. retMsg is never copied for auth codes: 10004 echoes the signed text,
 * which contains the API key.
 */
const AUTH_CODES = new Map<number, string>([
  [10003, 'API key invalid or for another environment'],
  [10004, 'signature rejected'],
  [10005, 'permission denied for this key'],
  [10007, 'user authentication failed'],
  [10010, 'request IP not bound to this key'],
  [33004, 'API key expired'],
]);
/** Server-side trouble; the request may be retried as is. */
const UNAVAILABLE_CODES = new Set([10000, 10016]);

/** The IP ban lasts "at least 10 minutes" (A.5). */
export const IP_BAN_MS = 10 * 60_000;
/** When 10006 comes without a reset header, Bybit's per-UID windows are 1 s. */
const DEFAULT_RATE_RESET_MS = 1_000;

export interface BybitAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export interface Envelope {
  retCode: number;
  retMsg: string;
  result: unknown;
  time?: number;
}

/** Returns the envelope of a successful answer, or throws the named error. */
export function checkAnswer(where: string, answer: BybitAnswer, now: number): Envelope {
  const { status, headers, body } = answer;
  if (status === 403) throw new IpBannedError(`${where}: HTTP 403, IP rate limit ban (assumed ${IP_BAN_MS / 60_000} min)`, now + IP_BAN_MS);
  if (status === 429) throw new ExchangeUnavailableError(`${where}: HTTP 429, exchange overloaded`, 429);
  if (status === 401) throw new AuthError(`${where}: HTTP 401, request not authorized`, 401);
  if (status >= 400) throw new ExchangeRejectedError(`${where}: HTTP ${status}`, status);
  const env = envelopeOf(body);
  if (!env) throw new ExchangeUnavailableError(`${where}: answer is not a Bybit envelope`, status);
  const code = env.retCode;
  if (code === 0) return env;
  const auth = AUTH_CODES.get(code);
  if (auth) throw new AuthError(`${where}: bybit retCode ${code}: ${auth}`, code);
  if (code === 10006) {
    const reset = Number(headers['x-bapi-limit-reset-timestamp']);
    const resetAt = Number.isFinite(reset) && reset > 0 ? reset : now + DEFAULT_RATE_RESET_MS;
    throw new RateLimitedError(`${where}: bybit retCode 10006, per-account rate limit hit`, resetAt, 'account', code);
  }
  if (UNAVAILABLE_CODES.has(code)) throw new ExchangeUnavailableError(`${where}: bybit retCode ${code}: ${safeMsg(env.retMsg)}`, status);
  if (code === 10002) throw new ExchangeRejectedError(`${where}: ${clockSkewMessage(env.retMsg)}`, code);
  throw new ExchangeRejectedError(`${where}: bybit retCode ${code}: ${safeMsg(env.retMsg)}`, code);
}

/** The rate headers Bybit puts on every answer, for RequestGate.feedback. */
export function limitHeaders(headers: Record<string, string>): { limit?: number; remaining?: number; resetAt?: number } {
  const out: { limit?: number; remaining?: number; resetAt?: number } = {};
  const limit = num(headers['x-bapi-limit']);
  const remaining = num(headers['x-bapi-limit-status']);
  const resetAt = num(headers['x-bapi-limit-reset-timestamp']);
  if (limit !== undefined) out.limit = limit;
  if (remaining !== undefined) out.remaining = remaining;
  if (resetAt !== undefined) out.resetAt = resetAt;
  return out;
}

/**
 * 10002: the request timestamp fell outside the server's window. Almost always a skewed local
 * clock; say so, with the measured offset when the message carries both times.
 */
function clockSkewMessage(retMsg: string): string {
  const req = /req_timestamp\[(\d+)\]/.exec(retMsg)?.[1];
  const srv = /server_timestamp\[(\d+)\]/.exec(retMsg)?.[1];
  const recv = /recv_window\[(\d+)\]/.exec(retMsg)?.[1];
  const base = "bybit retCode 10002: request timestamp outside the server's window";
  if (!req || !srv) return `${base}; the local clock is probably skewed (sync the system clock)`;
  const skew = Number(req) - Number(srv);
  const window = recv ? ` (recv_window ${recv} ms)` : '';
  return `${base}: local clock ${skew >= 0 ? 'ahead of' : 'behind'} the server by ${Math.abs(skew)} ms${window}; sync the system clock`;
}

function envelopeOf(body: unknown): Envelope | null {
  if (!body || typeof body !== 'object') return null;
  const b = body as Record<string, unknown>;
  if (typeof b.retCode !== 'number') return null;
  return { retCode: b.retCode, retMsg: typeof b.retMsg === 'string' ? b.retMsg : '', result: b.result, time: typeof b.time === 'number' ? b.time : undefined };
}

/** Exchange text in our messages: registered secrets masked, length capped. */
function safeMsg(msg: string): string {
  // Only 10004 is known to echo the signed text, but never trust a message to be clean.
  const m = redactString(msg).replace(/origin_string\[[^\]]*\]/g, 'origin_string[...]');
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
