/**
 * Rows kept sorted ascending by (time, n) so newest-first pages are a binary search plus a
 * walk, and a keyset position (time, n) stays valid when rows are inserted anywhere: the basis
 * of cursors that are stable under inserts.
 */
export interface Key {
  t: number;
  n: number;
}

export function compareKey(a: Key, b: Key): number {
  return a.t - b.t || a.n - b.n;
}

export class SortedLog<T> {
  readonly items: T[] = [];
  readonly #key: (row: T) => Key;

  constructor(key: (row: T) => Key) {
    this.#key = key;
  }

  get size(): number {
    return this.items.length;
  }

  insert(row: T): void {
    const k = this.#key(row);
    const items = this.items;
    // Live rows nearly always go at the end.
    if (items.length === 0 || compareKey(this.#key(items[items.length - 1]!), k) <= 0) {
      items.push(row);
      return;
    }
    items.splice(this.#upperBound(k), 0, row);
  }

  /** Bulk insert (generated history): append then one sort. */
  insertMany(rows: T[]): void {
    for (const r of rows) this.items.push(r);
    this.items.sort((a, b) => compareKey(this.#key(a), this.#key(b)));
  }

  /** Index of the first row whose key is > k. */
  #upperBound(k: Key): number {
    let lo = 0, hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKey(this.#key(this.items[mid]!), k) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Newest first within [start, end] (inclusive, on t), strictly older than `before` when given,
   * rows passing `filter`; returns up to `limit` rows and whether more exist.
   */
  pageDesc(q: { start: number; end: number; before?: Key; limit: number; filter?: (row: T) => boolean }): { rows: T[]; more: boolean } {
    let i: number;
    const endKey: Key = { t: q.end, n: Number.MAX_SAFE_INTEGER };
    const from = q.before && compareKey(q.before, endKey) < 0 ? q.before : endKey;
    // Rows with key < from: upper bound of (from - epsilon) == lower bound of from.
    i = this.#lowerBound(from) - 1;
    const rows: T[] = [];
    for (; i >= 0; i--) {
      const row = this.items[i]!;
      if (this.#key(row).t < q.start) break;
      if (q.filter && !q.filter(row)) continue;
      if (rows.length === q.limit) return { rows, more: true };
      rows.push(row);
    }
    return { rows, more: false };
  }

  /** Oldest first within [start, end], rows passing `filter`; up to `limit` and whether more exist. */
  pageAsc(q: { start: number; end: number; limit: number; filter?: (row: T) => boolean }): { rows: T[]; more: boolean } {
    const rows: T[] = [];
    for (let i = this.#lowerBound({ t: q.start, n: -Infinity }); i < this.items.length; i++) {
      const row = this.items[i]!;
      if (this.#key(row).t > q.end) break;
      if (q.filter && !q.filter(row)) continue;
      if (rows.length === q.limit) return { rows, more: true };
      rows.push(row);
    }
    return { rows, more: false };
  }

  /** Count of rows in [start, end] passing filter (WEEX `totals`). */
  count(start: number, end: number, filter?: (row: T) => boolean): number {
    let c = 0;
    for (let i = this.#lowerBound({ t: end, n: Number.MAX_SAFE_INTEGER }) - 1; i >= 0; i--) {
      const row = this.items[i]!;
      if (this.#key(row).t < start) break;
      if (!filter || filter(row)) c++;
    }
    return c;
  }

  #lowerBound(k: Key): number {
    let lo = 0, hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareKey(this.#key(this.items[mid]!), k) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
