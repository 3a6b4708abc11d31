import type { Key } from '../core/sorted-log.js';
import { paramError } from './envelope.js';

/**
 * Keyset cursors. The token names the last row of the page (time and insertion number), so the
 * next page starts strictly after it no matter what was inserted meanwhile. It is issued
 * percent-encoded like Bybit's (`page_args%3D...%26`); after the one URL-decoding of the query
 * the server sees either the token (clients that re-encode it, like bybit-api) or its decoded
 * form (clients that send it raw). Both are accepted.
 */
export type CursorKind = 'o' | 'h' | 'e' | 'c' | 'p' | 'i';

function encode(inner: string): string {
  return encodeURIComponent(inner);
}

function innerOf(v: string): string {
  // A token still percent-encoded (it was re-encoded by the client) needs one more decoding.
  if (v.includes('%')) {
    try {
      return decodeURIComponent(v);
    } catch {
      throw paramError('params error: cursor invalid');
    }
  }
  return v;
}

export function keyCursor(kind: CursorKind, k: Key): string {
  return encode(`page_args=${kind}-${k.t}-${k.n}&`);
}

export function parseKeyCursor(kind: CursorKind, v: string | null): Key | undefined {
  if (v === null || v === '') return undefined;
  const m = /^page_args=([a-z])-(-?\d{1,16})-(\d{1,16})&$/.exec(innerOf(v));
  if (!m || m[1] !== kind) throw paramError('params error: cursor invalid');
  return { t: Number(m[2]), n: Number(m[3]) };
}

export function nameCursor(kind: CursorKind, name: string): string {
  return encode(`page_args=${kind}-${name}&`);
}

export function parseNameCursor(kind: CursorKind, v: string | null): string | undefined {
  if (v === null || v === '') return undefined;
  const m = /^page_args=([a-z])-([A-Z0-9]{1,32})&$/.exec(innerOf(v));
  if (!m || m[1] !== kind) throw paramError('params error: cursor invalid');
  return m[2];
}
