import type { NodeRow } from './types.js';

/**
 * How a node leaves robosync (API answers, CLI output, the dashboard): the API key only ever as
 * a hint. The field is named `keyHint`, not `apiKey`, so the redactor's key-name rule (which
 * would blank any `apiKey` field) does not hide the hint, and a key can never travel under it.
 */
export interface NodeView {
  id: number;
  name: string;
  baseUrl: string;
  /** e.g. "rs_l…9f2a"; null when the node has no key */
  keyHint: string | null;
  intervalMs: number;
  priority: number;
  active: boolean;
  symbols: string[];
  createdAt: number;
  updatedAt: number;
  lastRunAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  failures: number;
  nextRunAt: number | null;
}

/**
 * First 4 and last 4 characters of keys of 16+ characters, the last 2 of shorter ones: enough
 * to tell two keys apart, never enough to use one (a 16-character key keeps 8 hidden).
 */
export function maskKey(key: string | null): string | null {
  if (!key) return null;
  if (key.length >= 16) return `${key.slice(0, 4)}…${key.slice(-4)}`;
  return `…${key.slice(-2)}`;
}

export function nodeView(n: NodeRow): NodeView {
  const { apiKey, ...rest } = n;
  return { ...rest, keyHint: maskKey(apiKey) };
}
