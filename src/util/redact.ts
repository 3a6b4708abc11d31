/**
 * Secrets never reach logs, errors, metrics, API answers or the dashboard (DESIGN invariant 8).
 * Two nets: keys whose name says "secret" are masked at any depth, and every registered secret
 * value is masked wherever it appears inside a string (an exchange echoing the signed text, a URL).
 * Always returns copies; the caller's objects are never mutated.
 */
const SECRET_KEY = /(secret|passphrase|password|passwd|api[-_]?key|apikey|access[-_]?key|signature|^sign$|[-_]sign$|^x-bapi-sign$|token|authorization|cookie|credential)/i;

export const REDACTED = '[REDACTED]';

const secretValues = new Set<string>();

/** Registers a credential value so it is masked wherever it appears. Values under 6 chars are ignored. */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 6) secretValues.add(value);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redactString(s: string): string {
  let out = s;
  for (const v of secretValues) {
    if (out.includes(v)) out = out.split(v).join(REDACTED);
  }
  return out;
}

export function redact<T>(value: T, depth = 0, seen = new WeakMap<object, unknown>()): T {
  if (typeof value === 'string') return redactString(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (depth > 12) return '[depth]' as T;
  if (seen.has(value as object)) return seen.get(value as object) as T;
  if (value instanceof Error) {
    const copy: Record<string, unknown> = { name: value.name, message: redactString(value.message) };
    if (value.stack) copy.stack = redactString(value.stack);
    seen.set(value, copy);
    for (const [k, v] of Object.entries(value)) copy[k] = isSecretKey(k) ? REDACTED : redact(v, depth + 1, seen);
    if ((value as { cause?: unknown }).cause !== undefined) copy.cause = redact((value as { cause?: unknown }).cause, depth + 1, seen);
    return copy as T;
  }
  if (Array.isArray(value)) {
    const arr: unknown[] = [];
    seen.set(value, arr);
    for (const v of value) arr.push(redact(v, depth + 1, seen));
    return arr as T;
  }
  if (value instanceof Date || value instanceof RegExp) return value;
  if (value instanceof Map) {
    const obj: Record<string, unknown> = {};
    seen.set(value, obj);
    for (const [k, v] of value) obj[String(k)] = isSecretKey(String(k)) ? REDACTED : redact(v, depth + 1, seen);
    return obj as T;
  }
  const out: Record<string | symbol, unknown> = {};
  seen.set(value as object, out);
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = isSecretKey(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redact(v, depth + 1, seen);
  }
  // winston keeps level/message under symbols; carry them over.
  for (const sym of Object.getOwnPropertySymbols(value as object)) {
    out[sym] = redact((value as Record<symbol, unknown>)[sym], depth + 1, seen);
  }
  return out as T;
}
