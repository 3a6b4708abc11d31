import type { ExportFilter, ExportTable } from '../types.js';
import {
  CLOSED_PNL_COLUMNS,
  EXECUTION_COLUMNS,
  ORDER_COLUMNS,
  closedPnlFromRow,
  executionFromRow,
  orderFromRow,
  type Row,
} from './rows.js';

/**
 * Export in keyset pages: each page is an independent query
 *   where <time> >= ?lastTime and (<time>, exchange, account_id, <id>) > (?lastTime, ?…)
 *   order by <time>, exchange, account_id, <id> limit ?pageSize
 * so memory stays at one page whatever the table size, no transaction or server-side cursor is
 * held between pages (on PGlite other store calls can run between two pages), and it is the
 * same SQL on both databases. The explicit `<time> >= ?` lets the planner walk the time index
 * (executions_time_idx, orders_updated_idx, closed_pnl_time_idx) and sort only ties.
 *
 * Page parameters, in order: ?from (when set), ?to (when set), ?account_id (when set),
 * then on later pages ?lastTime, ?lastTime, ?exchange, ?account_id, ?id, and last ?pageSize.
 * Rows leave as the Stored* shapes (camelCase, decimals as strings, times as ms), without raw.
 */

interface TableSpec {
  table: string;
  columns: string;
  time: string;
  id: string;
  map: (r: Row) => object;
}

const SPECS: Record<ExportTable, TableSpec> = {
  executions: { table: 'executions', columns: EXECUTION_COLUMNS, time: 'exec_time', id: 'exec_id', map: executionFromRow },
  orders: { table: 'orders', columns: ORDER_COLUMNS, time: 'updated_time', id: 'order_id', map: orderFromRow },
  closed_pnl: { table: 'closed_pnl', columns: CLOSED_PNL_COLUMNS, time: 'created_time', id: 'order_id', map: closedPnlFromRow },
};

export const EXPORT_PAGE = 5_000;

export interface PageQuery {
  sql: string;
  bindings: unknown[];
}

interface Last {
  time: unknown;
  exchange: unknown;
  accountId: unknown;
  id: unknown;
}

export function pageQuery(table: ExportTable, filter: ExportFilter, last: Last | null, pageSize: number): PageQuery {
  const s = SPECS[table];
  if (!s) throw new RangeError(`export table: expected one of ${Object.keys(SPECS).join(', ')}, received ${String(table)}`);
  const where: string[] = [];
  const bindings: unknown[] = [];
  if (filter.from !== undefined) {
    where.push(`${s.time} >= ?`);
    bindings.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.push(`${s.time} < ?`);
    bindings.push(filter.to);
  }
  if (filter.accountId !== undefined) {
    where.push('account_id = ?');
    bindings.push(filter.accountId);
  }
  if (last) {
    where.push(`${s.time} >= ?`, `(${s.time}, exchange, account_id, ${s.id}) > (?, ?, ?, ?)`);
    bindings.push(last.time, last.time, last.exchange, last.accountId, last.id);
  }
  const sql =
    `select ${s.columns} from ${s.table}` +
    (where.length ? ` where ${where.join(' and ')}` : '') +
    ` order by ${s.time}, exchange, account_id, ${s.id} limit ?`;
  bindings.push(pageSize);
  return { sql, bindings };
}

/** Walks the pages; `fetch` runs one page query (the store serializes it on PGlite). */
export async function* exportPages(
  fetch: (q: PageQuery) => Promise<Row[]>,
  table: ExportTable,
  filter: ExportFilter,
  pageSize = EXPORT_PAGE,
): AsyncGenerator<Record<string, unknown>> {
  const s = SPECS[table];
  let last: Last | null = null;
  for (;;) {
    const rows = await fetch(pageQuery(table, filter, last, pageSize));
    for (const r of rows) yield s.map(r) as Record<string, unknown>;
    if (rows.length < pageSize) return;
    const end = rows[rows.length - 1]!;
    last = { time: end[s.time], exchange: end.exchange, accountId: end.account_id, id: end[s.id] };
  }
}
