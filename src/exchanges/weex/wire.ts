import { ExchangeUnavailableError } from '../../errors.js';

/**
 * Readers for WEEX wire values. A value that cannot be read is a malformed answer: it throws
 * ExchangeUnavailableError so the caller retries instead of storing a guess.
 */
export type Wire = Record<string, unknown>;

export function malformed(what: string): ExchangeUnavailableError {
  return new ExchangeUnavailableError(`weex: unreadable ${what}`);
}

export function asObject(v: unknown, what: string): Wire {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Wire;
  throw malformed(`${what}: not an object`);
}

export function asArray(v: unknown, what: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw malformed(`${what}: not a list`);
}

/** Decimal strings pass through untouched; absent/empty/null means nothing yet: '0'. */
export function dec(v: unknown, field: string): string {
  if (v === undefined || v === null || v === '') return '0';
  if (typeof v === 'string' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v.trim())) return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw malformed(`${field} ${JSON.stringify(v)}`);
}

/** Integer ms, from a number or a digit string. */
export function ms(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw malformed(`${field} ${JSON.stringify(v)}`);
  return n;
}

/** An id as digits: json.ts already turned int64 numbers into strings; small numbers are safe. */
export function idOf(v: unknown, field: string): string {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw malformed(`${field} ${JSON.stringify(v)}`);
}

export function optionalString(v: unknown): string | null {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

export function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw malformed(`${field} ${JSON.stringify(v)}`);
  return v;
}
