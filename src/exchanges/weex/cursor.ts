import type { WindowState } from './narrow.js';

/**
 * Opaque page tokens. WEEX has no cursors of its own, so the token carries the adapter's paging
 * state, bound to the query it came from: a token replayed against another query (other
 * symbols, another range) is refused rather than silently paging the wrong thing.
 */
export type PageState = { kind: 'page'; page: number } | ({ kind: 'window' } & WindowState);

interface Token {
  v: 1;
  q: string;
  s: PageState;
}

export function encodeCursor(query: string, state: PageState): string {
  const t: Token = { v: 1, q: query, s: state };
  return Buffer.from(JSON.stringify(t), 'utf8').toString('base64url');
}

export function decodeCursor<K extends PageState['kind']>(query: string, kind: K, token: string): Extract<PageState, { kind: K }> {
  let t: Partial<Token>;
  try {
    t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<Token>;
  } catch {
    throw new Error('weex: page cursor is not one this adapter issued');
  }
  if (t?.v !== 1 || !t.s || typeof t.s !== 'object' || t.s.kind !== kind || !valid(t.s)) {
    throw new Error('weex: page cursor is not one this adapter issued');
  }
  if (t.q !== query) throw new Error('weex: page cursor belongs to another query (symbols or range changed between pages?)');
  return t.s as Extract<PageState, { kind: K }>;
}

function valid(s: PageState): boolean {
  if (s.kind === 'page') return Number.isSafeInteger(s.page) && s.page >= 0;
  return (
    Number.isSafeInteger(s.lo) &&
    Number.isSafeInteger(s.hi) &&
    Array.isArray(s.skip) &&
    s.skip.every((id) => typeof id === 'string') &&
    (s.dir === undefined || s.dir === 'desc' || s.dir === 'asc')
  );
}
