import type { TimeRange } from '../adapter.js';
import type { RowOrder } from './options.js';
import { malformed } from './wire.js';

/**
 * Paging by narrowing the time window, for WEEX endpoints that have no cursor (fills: limit +
 * startTime/endTime + nextFlag; order history: pageSize + createDate/endCreateDate).
 *
 * Newest-first answers: the next query ends at the oldest time seen (inclusive, so rows that
 * share that millisecond but did not fit the page are not lost) and drops the rows of that
 * millisecond it already returned, by id. Oldest-first answers mirror that on the start.
 * When a whole page shares one millisecond the window cannot shrink that way; the boundary then
 * moves past that millisecond and the caller is told (`stalled`): rows of that millisecond
 * beyond one page cannot be reached by time filters at all.
 */
export interface WindowState {
  /** inclusive bounds of the next query, ms */
  lo: number;
  hi: number;
  /** ids already returned at the boundary millisecond */
  skip: string[];
  /** row order once seen; absent until a page shows it */
  dir?: 'desc' | 'asc';
}

export interface TimedRow<T> {
  time: number;
  id: string;
  item: T;
}

export function firstWindow(range: TimeRange): WindowState {
  return { lo: range.start, hi: range.end, skip: [] };
}

export interface NarrowResult<T> {
  items: T[];
  next: WindowState | null;
  stalled: boolean;
}

export function narrow<T>(state: WindowState, rows: TimedRow<T>[], more: boolean, order: RowOrder): NarrowResult<T> {
  const skip = new Set(state.skip);
  const inRange = rows.filter((r) => r.time >= state.lo && r.time <= state.hi);
  const seen = new Set<string>();
  const items: T[] = [];
  for (const r of inRange) {
    if (skip.has(r.id) || seen.has(r.id)) continue;
    seen.add(r.id);
    items.push(r.item);
  }
  if (!more) return { items, next: null, stalled: false };
  // "More" with nothing to narrow on would ask the same question forever.
  if (inRange.length === 0) throw malformed('page: the exchange says more rows exist but sent none in the window');

  const dir = order !== 'auto' ? order : (state.dir ?? detect(inRange));
  const next: WindowState = { lo: state.lo, hi: state.hi, skip: [] };
  if (dir) next.dir = dir;
  let stalled = false;
  if ((dir ?? 'desc') === 'desc') {
    const b = Math.min(...inRange.map((r) => r.time));
    if (b >= state.hi) {
      stalled = true;
      next.hi = state.hi - 1;
    } else {
      next.hi = b;
      next.skip = inRange.filter((r) => r.time === b).map((r) => r.id);
    }
  } else {
    const b = Math.max(...inRange.map((r) => r.time));
    if (b <= state.lo) {
      stalled = true;
      next.lo = state.lo + 1;
    } else {
      next.lo = b;
      next.skip = inRange.filter((r) => r.time === b).map((r) => r.id);
    }
  }
  if (next.lo > next.hi) return { items, next: null, stalled };
  return { items, next, stalled };
}

/** The order a page shows, or undefined when all its rows share one time. */
function detect(rows: TimedRow<unknown>[]): 'desc' | 'asc' | undefined {
  const first = rows[0]!.time;
  const last = rows[rows.length - 1]!.time;
  if (first > last) return 'desc';
  if (first < last) return 'asc';
  return undefined;
}
