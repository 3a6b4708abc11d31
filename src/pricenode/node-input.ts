import { parseDuration } from '../util/duration.js';
import { NodeInputError } from './errors.js';
import type { NodeInput, NodeRow } from './types.js';

/**
 * Validation of a node registration (POST/PUT /api/v1/sync/nodes, `robosync nodes add`): every
 * error names the field, what was expected and what was received; a key is never echoed.
 */
const NAME = /^[A-Za-z0-9._:-]{1,64}$/;
const SYMBOL = /^[A-Za-z0-9._-]{1,32}$/;
const KEY = /^[\x21-\x7e]{8,512}$/;
export const MIN_NODE_INTERVAL_MS = 100;
export const MAX_NODE_INTERVAL_MS = 7 * 86_400_000;
const FIELDS = new Set(['name', 'baseUrl', 'apiKey', 'intervalMs', 'interval', 'priority', 'active', 'symbols']);

function fail(field: string, expected: string, received: unknown): never {
  let got: string;
  if (received === undefined) got = 'nothing';
  else if (field === 'apiKey') got = typeof received === 'string' ? `a string of ${received.length} characters` : typeof received;
  else if (typeof received === 'string') got = JSON.stringify(received.length > 60 ? `${received.slice(0, 57)}...` : received);
  else if (Array.isArray(received)) got = `a list of ${received.length}`;
  else if (received === null) got = 'null';
  else if (typeof received === 'object') got = 'an object';
  else got = `${typeof received} ${String(received)}`;
  throw new NodeInputError(`${field}: expected ${expected}, received ${got}`, field);
}

/** http(s) only, no user:password@ (it would be shown back), no query or fragment; no trailing slash. */
export function normalizeBaseUrl(v: unknown): string {
  const expected = 'an http(s) URL without credentials, query or fragment, e.g. http://10.0.0.5:8080';
  if (typeof v !== 'string' || v.length > 2000) fail('baseUrl', expected, v);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    fail('baseUrl', expected, v);
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) {
    fail('baseUrl', expected, u.username || u.password ? '(a URL with credentials)' : v);
  }
  return u.toString().replace(/\/+$/, '');
}

function interval(body: Record<string, unknown>, dflt: number): number {
  const expected = `a duration from ${MIN_NODE_INTERVAL_MS} ms to 7 days (ms, or like "30s", "5m")`;
  const field = 'intervalMs' in body ? 'intervalMs' : 'interval' in body ? 'interval' : null;
  if (field === null) return dflt;
  const v = body[field];
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : null;
  if (ms === null || !Number.isInteger(ms) || ms < MIN_NODE_INTERVAL_MS || ms > MAX_NODE_INTERVAL_MS) fail(field, expected, v);
  return ms;
}

/**
 * A complete node from a body; with `current`, a partial update merged over it (PUT).
 * `apiKey: null` removes the key; an absent apiKey keeps the current one.
 */
export function nodeInput(body: unknown, opts: { defaultIntervalMs: number; current?: NodeRow }): NodeInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) fail('body', 'a JSON object', body);
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!FIELDS.has(k) && k !== 'id') fail(k, `no such field (known: ${[...FIELDS].join(', ')})`, b[k]);
  const cur = opts.current;

  const name = 'name' in b || !cur ? b.name : cur.name;
  if (typeof name !== 'string' || !NAME.test(name)) fail('name', 'a name (letters, digits, . _ - : up to 64 chars)', name);

  const baseUrl = 'baseUrl' in b || !cur ? normalizeBaseUrl(b.baseUrl) : cur.baseUrl;

  let apiKey: string | null = cur?.apiKey ?? null;
  if ('apiKey' in b) {
    const k = b.apiKey;
    if (k === null || k === '') apiKey = null;
    else if (typeof k !== 'string' || !KEY.test(k)) fail('apiKey', 'a key of 8 to 512 printable characters without spaces, or null', k);
    else apiKey = k;
  }

  const intervalMs = interval(b, cur?.intervalMs ?? opts.defaultIntervalMs);

  let priority = cur?.priority ?? 5;
  if ('priority' in b) {
    if (typeof b.priority !== 'number' || !Number.isInteger(b.priority) || b.priority < 1 || b.priority > 10) fail('priority', 'an integer from 1 (first) to 10 (last)', b.priority);
    priority = b.priority;
  }

  let active = cur?.active ?? true;
  if ('active' in b) {
    if (typeof b.active !== 'boolean') fail('active', 'true or false', b.active);
    active = b.active;
  }

  let symbols = cur?.symbols ?? [];
  if ('symbols' in b) {
    const s = b.symbols;
    if (!Array.isArray(s) || s.length > 1000 || s.some((x) => typeof x !== 'string' || !SYMBOL.test(x))) fail('symbols', 'a list of symbols such as ["BTCUSDT"] (empty: every pair the node offers)', s);
    symbols = [...new Set(s as string[])];
  }
  return { name, baseUrl, apiKey, intervalMs, priority, active, symbols };
}
