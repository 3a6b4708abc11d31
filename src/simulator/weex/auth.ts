import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccountState } from '../core/account.js';
import type { Engine } from '../core/engine.js';
import { header, type SimRequest } from '../http/types.js';
import { WEEX } from './errors.js';

/** Requests older or newer than this against server time are refused (40008). */
export const WEEX_VALIDITY_MS = 30_000;

export function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * ACCESS-* headers, checked in the order of WEEX's error list. The signature is base64
 * HMAC-SHA256 over ts + METHOD + path + ("?" + raw query, when there is one) + raw body, on the
 * bytes as received.
 */
export function authenticate(req: SimRequest, engine: Engine, now: number): AccountState {
  const key = header(req, 'access-key');
  const sign = header(req, 'access-sign');
  const ts = header(req, 'access-timestamp');
  const pass = header(req, 'access-passphrase');
  if (!key) throw WEEX.missingKey();
  if (!sign) throw WEEX.missingSign();
  if (!ts) throw WEEX.missingTimestamp();
  if (!pass) throw WEEX.missingPassphrase();
  if (!/^\d{13}$/.test(ts)) throw WEEX.badTimestamp();
  if (Math.abs(now - Number(ts)) > WEEX_VALIDITY_MS) throw WEEX.expired();
  const ct = header(req, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(ct)) throw WEEX.badContentType();
  const account = engine.accountByKey(key);
  if (!account) throw WEEX.badKey();
  if (!account.creds.passphrase || !same(account.creds.passphrase, pass)) throw WEEX.badPassphrase();
  const text = ts + req.method + req.path + (req.rawQuery ? `?${req.rawQuery}` : '') + req.body;
  if (!same(hmacBase64(account.creds.apiSecret, text), sign)) throw WEEX.badSign();
  return account;
}
