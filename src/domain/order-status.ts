import type { OrderReport, OrderStatus } from './types.js';

/**
 * DESIGN invariant 2: an order never moves backwards. Rank first, then updatedTime, then
 * cumExecQty. The same rule is enforced in SQL (store/sql/upsert-orders.ts) through the
 * `status_rank` column; keep both in step.
 */
const RANK: Record<OrderStatus, number> = {
  Untriggered: 1,
  New: 1,
  Triggered: 1,
  PartiallyFilled: 2,
  Filled: 3,
  Cancelled: 3,
  PartiallyFilledCanceled: 3,
  Rejected: 3,
  Deactivated: 3,
};

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['Untriggered', 'New', 'PartiallyFilled', 'Triggered']);

export function statusRank(status: OrderStatus): number {
  return RANK[status];
}

export function isOpenStatus(status: OrderStatus): boolean {
  return OPEN_STATUSES.has(status);
}

export function isTerminalStatus(status: OrderStatus): boolean {
  return RANK[status] === 3;
}

export function isKnownStatus(s: string): s is OrderStatus {
  return Object.prototype.hasOwnProperty.call(RANK, s);
}

type Progress = Pick<OrderReport, 'status' | 'updatedTime' | 'cumExecQty'>;

/** Compares two decimal strings without floats. */
export function compareDecimal(a: string, b: string): number {
  const na = normalizeDecimal(a);
  const nb = normalizeDecimal(b);
  if (na.neg !== nb.neg) return na.neg ? -1 : 1;
  const sign = na.neg ? -1 : 1;
  if (na.int.length !== nb.int.length) return (na.int.length > nb.int.length ? 1 : -1) * sign;
  if (na.int !== nb.int) return (na.int > nb.int ? 1 : -1) * sign;
  const len = Math.max(na.frac.length, nb.frac.length);
  const fa = na.frac.padEnd(len, '0');
  const fb = nb.frac.padEnd(len, '0');
  if (fa === fb) return 0;
  return (fa > fb ? 1 : -1) * sign;
}

function normalizeDecimal(s: string): { neg: boolean; int: string; frac: string } {
  let t = (s || '0').trim();
  let neg = false;
  if (t.startsWith('-')) {
    neg = true;
    t = t.slice(1);
  } else if (t.startsWith('+')) t = t.slice(1);
  const [i = '0', f = ''] = t.split('.');
  const int = i.replace(/^0+/, '') || '0';
  const frac = f.replace(/0+$/, '');
  if (int === '0' && frac === '') neg = false;
  return { neg, int, frac };
}

/** > 0 when `next` is newer than `prev` under invariant 2, 0 when equal, < 0 when stale. */
export function compareProgress(next: Progress, prev: Progress): number {
  const r = statusRank(next.status) - statusRank(prev.status);
  if (r !== 0) return r;
  if (next.updatedTime !== prev.updatedTime) return next.updatedTime - prev.updatedTime;
  return compareDecimal(next.cumExecQty, prev.cumExecQty);
}
