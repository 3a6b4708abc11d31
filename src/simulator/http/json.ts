/**
 * JSON text with raw number literals. WEEX sends int64 ids as JSON numbers above 2^53;
 * JSON.stringify cannot write a number it cannot hold, so such values are wrapped in RawNumber
 * and written verbatim by this serialiser.
 */
export class RawNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+$/.test(digits)) throw new Error(`RawNumber: not an integer literal: ${digits}`);
  }
}

export function stringifyRaw(value: unknown): string {
  if (value instanceof RawNumber) return value.digits;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return '[' + value.map((v) => (v === undefined ? 'null' : stringifyRaw(v))).join(',') + ']';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || typeof v === 'function') continue;
    parts.push(JSON.stringify(k) + ':' + stringifyRaw(v));
  }
  return '{' + parts.join(',') + '}';
}
