import { BybitError, paramError } from './envelope.js';

/** Request parameters: the query for GET, the JSON body for POST. */
export type Params = Record<string, unknown>;

export function fromQuery(q: URLSearchParams): Params {
  const p: Params = {};
  // The first occurrence wins, as with most servers.
  for (const [k, v] of q) if (!(k in p)) p[k] = v;
  return p;
}

export function fromBody(body: string): Params {
  if (body.trim() === '') return {};
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    throw new BybitError(10001, 'Request parameter error: body is not valid JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new BybitError(10001, 'Request parameter error: body must be a JSON object');
  return v as Params;
}

export function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw paramError(`params error: ${name} must be a string`);
  return v;
}

export function required(p: Params, name: string): string {
  const v = str(p, name);
  if (v === undefined) throw paramError(`params error: ${name} is required`);
  return v;
}

export function oneOf<T extends string>(p: Params, name: string, allowed: readonly T[]): T | undefined {
  const v = str(p, name);
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw paramError(`params error: ${name} invalid`);
  return v as T;
}

/** `limit` with Bybit's per-endpoint range; out of range is an error, not a clamp. */
export function limit(p: Params, min: number, max: number, def: number): number {
  const v = p.limit;
  if (v === undefined || v === null || v === '') return def;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw paramError(`params error: limit must be in [${min}, ${max}]`);
  return n;
}

export function msParam(p: Params, name: string): number | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw paramError(`params error: ${name} invalid`);
  return n;
}

export function category(p: Params, allowed: readonly string[] = ['linear', 'inverse', 'spot', 'option']): string {
  const c = str(p, 'category');
  if (c === undefined) throw paramError('params error: category is required');
  if (!['linear', 'inverse', 'spot', 'option'].includes(c)) throw paramError('params error: category invalid');
  if (!allowed.includes(c)) throw paramError(`params error: category only support ${allowed.join(', ')}`);
  return c;
}

export function cursorParam(p: Params): string | null {
  return str(p, 'cursor') ?? null;
}
