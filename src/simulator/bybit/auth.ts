import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccountState } from '../core/account.js';
import type { Engine } from '../core/engine.js';
import { header, type SimRequest } from '../http/types.js';
import { BybitError } from './envelope.js';

/** Lower-case hex HMAC-SHA256, Bybit's HMAC signature form. */
export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Checks the X-BAPI-* headers against the bytes as received: GET signs the raw query string,
 * POST the raw body. Re-serialising either would hide client encoding bugs (A.2 gotcha).
 */
export function authenticate(req: SimRequest, engine: Engine, now: number, missingRecvWindowText: string): AccountState {
  const key = header(req, 'x-bapi-api-key');
  const sign = header(req, 'x-bapi-sign');
  const ts = header(req, 'x-bapi-timestamp');
  const recvHeader = header(req, 'x-bapi-recv-window');
  if (!key) throw new BybitError(10003, 'API key is invalid. (missing X-BAPI-API-KEY)', 401);
  if (!sign) throw new BybitError(10004, 'missing X-BAPI-SIGN', 401);
  if (!ts) throw new BybitError(10002, 'missing X-BAPI-TIMESTAMP', 401);
  if (recvHeader !== undefined && !/^\d{1,9}$/.test(recvHeader)) throw new BybitError(10001, 'params error: X-BAPI-RECV-WINDOW invalid');
  const recvWindow = recvHeader === undefined ? 5000 : Number(recvHeader);
  const stamp = /^\d{1,16}$/.test(ts) ? Number(ts) : NaN;
  // Accept serverTime - recvWindow <= ts < serverTime + 1000.
  if (!(stamp >= now - recvWindow && stamp < now + 1000)) {
    throw new BybitError(
      10002,
      `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${now}],recv_window[${recvWindow}]`,
    );
  }
  const account = engine.accountByKey(key);
  if (!account) throw new BybitError(10003, 'API key is invalid.');
  const payload = req.method === 'GET' ? req.rawQuery : req.body;
  const origin = ts + key + (recvHeader ?? missingRecvWindowText) + payload;
  if (!sameText(hmacHex(account.creds.apiSecret, origin), sign)) {
    throw new BybitError(10004, `error sign! origin_string[${origin}]`);
  }
  return account;
}
