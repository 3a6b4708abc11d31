import type { Page, TimeRange } from './adapter.js';

export interface WalkOptions<T> {
  /** Stop after this many pages (the caller resumes from the last `next` it saw via onPage). */
  maxPages?: number;
  /** Cursor to start from (null = first page). */
  start?: string | null;
  /** Called after each page, before its items are yielded. */
  onPage?: (info: { index: number; cursor: string | null; page: Page<T> }) => void;
}

/**
 * Walks an exchange's cursor pages until `next` is null. An exchange that hands back a cursor
 * it already gave would loop forever (and burn the budget doing it), so a repeated cursor is an
 * error, not the end: stopping quietly there could hide missing rows.
 */
export async function* walkPages<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  opts: WalkOptions<T> = {},
): AsyncGenerator<T[], void, undefined> {
  const maxPages = opts.maxPages ?? Number.POSITIVE_INFINITY;
  if (!(maxPages >= 1)) throw new Error(`walkPages: maxPages must be >= 1, received ${String(opts.maxPages)}`);
  const seen = new Set<string>();
  let cursor = opts.start ?? null;
  if (cursor !== null) seen.add(cursor);
  for (let index = 0; index < maxPages; index++) {
    const page = await fetchPage(cursor);
    opts.onPage?.({ index, cursor, page });
    yield page.items;
    if (page.next === null) return;
    if (seen.has(page.next)) throw new Error(`walkPages: the exchange repeated a cursor after ${index + 1} page(s)`);
    seen.add(page.next);
    cursor = page.next;
  }
}

/**
 * Splits an inclusive range into inclusive windows no longer than maxWindowMs (end - start <=
 * maxWindowMs, Bybit's 7-day rule), adjacent without overlap or gap. null = one window.
 */
export function splitWindows(range: TimeRange, maxWindowMs: number | null, order: 'newest-first' | 'oldest-first'): TimeRange[] {
  if (!Number.isInteger(range.start) || !Number.isInteger(range.end)) {
    throw new Error(`splitWindows: range bounds must be integer ms, received ${range.start}..${range.end}`);
  }
  if (range.start > range.end) return [];
  if (maxWindowMs === null) return [{ start: range.start, end: range.end }];
  if (!Number.isInteger(maxWindowMs) || maxWindowMs < 1) {
    throw new Error(`splitWindows: maxWindowMs must be a positive integer or null, received ${maxWindowMs}`);
  }
  const out: TimeRange[] = [];
  if (order === 'oldest-first') {
    for (let s = range.start; s <= range.end; s += maxWindowMs + 1) {
      out.push({ start: s, end: Math.min(s + maxWindowMs, range.end) });
    }
  } else {
    for (let e = range.end; e >= range.start; e -= maxWindowMs + 1) {
      out.push({ start: Math.max(e - maxWindowMs, range.start), end: e });
    }
  }
  return out;
}
