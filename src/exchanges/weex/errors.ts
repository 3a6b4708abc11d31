import { AuthError, ExchangeRejectedError, ExchangeUnavailableError, RateLimitedError } from '../../errors.js';
import { redactString } from '../../util/redact.js';
import { parseJsonKeepingIds } from './json.js';
import type { WrapMode } from './options.js';
import type { TextResponse as RawResponse } from '../http.js';

/**
 * WEEX v2 answers -> payload or named errors (exchange-apis.md B.3). Errors come as
 * `{code:"<string>", msg, requestTime, data:null}` (exact shape [U]), on a 4xx or on HTTP 200;
 * `00000` is success. The exchange's msg is never copied for credential codes: a message that
 * echoes what was signed would carry the key.
 */
const AUTH_CODES = new Map<string, string>([
  ['40001', 'ACCESS-KEY header missing'],
  ['40002', 'ACCESS-SIGN header missing'],
  ['40003', 'ACCESS-TIMESTAMP header missing'],
  ['40004', 'authentication failed (undocumented code in the auth range)'],
  ['40005', 'ACCESS-TIMESTAMP invalid (must be 13-digit ms)'],
  ['40006', 'API key invalid'],
  ['40009', 'signature rejected'],
  ['40010', 'authentication failed (undocumented code in the auth range)'],
  ['40011', 'ACCESS-PASSPHRASE header missing'],
  ['40012', 'API key or passphrase wrong'],
  ['40013', 'account frozen'],
  ['40014', 'permission denied for this key'],
  ['40016', 'account must bind a phone or Google Authenticator'],
  ['40018', 'request IP not on the key whitelist'],
]);
const SUCCESS = '00000';
const CLOCK_CODE = '40008';
/** "System error": server-side trouble, the request may be retried as is. */
const UNAVAILABLE_CODES = new Set(['40015']);

export interface CheckContext {
  /** "GET /capi/v2/order/fills" */
  where: string;
  /** The ACCESS-TIMESTAMP the request carried. */
  sentAt: number;
  /** Local time now, for reset times. */
  now: number;
  wrapped: WrapMode;
  rateLimitBackoffMs: number;
}

/** Returns the payload of a successful answer, or throws the named error. */
export function checkWeexAnswer(raw: RawResponse, ctx: CheckContext): unknown {
  const { where } = ctx;
  let body: unknown;
  try {
    body = parseJsonKeepingIds(raw.text);
  } catch {
    if (raw.status === 429) throw rateLimited(ctx, '');
    // WEEX refuses in JSON ({code,msg}); a body that cannot be read (cut short, an HTML page
    // from the CDN) is no answer we can act on, whatever the status: retry, never conclude.
    throw new ExchangeUnavailableError(`${where}: HTTP ${raw.status} with a body that is not JSON`, raw.status);
  }
  const env = envelopeOf(body);
  if (env && env.code !== SUCCESS) throw codeError(ctx, raw.status, env);
  if (raw.status === 429) throw rateLimited(ctx, '');
  if (raw.status >= 400) {
    if (raw.status === 401 || raw.status === 403) throw new AuthError(`${where}: HTTP ${raw.status}, request not authorized`, raw.status);
    throw new ExchangeRejectedError(`${where}: HTTP ${raw.status}`, raw.status);
  }
  if (ctx.wrapped === 'never') return body;
  if (env) return env.data;
  if (ctx.wrapped === 'always') throw new ExchangeUnavailableError(`${where}: answer is not a {code,data} envelope (options.wrapped is 'always')`, raw.status);
  return body;
}

interface Envelope {
  code: string;
  msg: string;
  data: unknown;
  requestTime?: number;
}

/**
 * An object with a `code` beside `msg` or `data` is an envelope (success or error). No V2
 * payload object has a field named `code` (orders, fills, positions, cancel replies use other
 * names), so the test cannot mistake a bare payload for one.
 */
function envelopeOf(body: unknown): Envelope | null {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  if (!('code' in b) || !('msg' in b || 'data' in b)) return null;
  if (typeof b.code !== 'string' && typeof b.code !== 'number') return null;
  const rt = typeof b.requestTime === 'number' ? b.requestTime : typeof b.requestTime === 'string' && /^\d+$/.test(b.requestTime) ? Number(b.requestTime) : undefined;
  return { code: String(b.code), msg: typeof b.msg === 'string' ? b.msg : '', data: b.data, requestTime: rt };
}

function codeError(ctx: CheckContext, status: number, env: Envelope): Error {
  const { where } = ctx;
  const code = env.code;
  if (code === '429') return rateLimited(ctx, ` (code ${code})`);
  const auth = AUTH_CODES.get(code);
  if (auth) return new AuthError(`${where}: weex code ${code}: ${auth}`, code);
  if (code === CLOCK_CODE) return new ExchangeRejectedError(`${where}: ${clockMessage(ctx.sentAt, env.requestTime)}`, code);
  if (UNAVAILABLE_CODES.has(code)) return new ExchangeUnavailableError(`${where}: weex code ${code}: ${safeMsg(env.msg)}`, status);
  return new ExchangeRejectedError(`${where}: weex code ${code}: ${safeMsg(env.msg)}`, code);
}

/** WEEX sends no reset header; its guidance is to wait 10 s after a 429 [O]. */
function rateLimited(ctx: CheckContext, detail: string): RateLimitedError {
  return new RateLimitedError(`${ctx.where}: HTTP 429, too many requests${detail}`, ctx.now + ctx.rateLimitBackoffMs, 'account', 429);
}

/**
 * 40008: the request timestamp is more than 30 s from the server's clock. Almost always a
 * skewed local clock; say so, with the measured offset when the answer carries the server time.
 */
function clockMessage(sentAt: number, serverTime: number | undefined): string {
  const base = 'weex code 40008: request timestamp expired (WEEX accepts 30 s); the local clock is probably skewed';
  if (serverTime === undefined) return `${base} (sync the system clock)`;
  const skew = sentAt - serverTime;
  return `${base}: local clock ${skew >= 0 ? 'ahead of' : 'behind'} the server by about ${Math.abs(skew)} ms (sync the system clock)`;
}

/** Exchange text in our messages: registered secrets masked, length capped. */
function safeMsg(msg: string): string {
  const m = redactString(msg);
  return m.length > 200 ? `${m.slice(0, 200)}…` : m;
}
