import { compareProgress, statusRank } from '../../domain/order-status.js';
import type { ExchangeName, OrderReport } from '../../domain/types.js';
import type { OrderChange, StoredOrder, UpsertCounts } from '../types.js';
import { LOCK_CLASS, lockKeys } from './key-locks.js';
import { chunks, run, type Db } from './query.js';
import { ORDER_COLUMNS, orderFromRow, qualified, type Row } from './rows.js';

/**
 * Orders move forward only (DESIGN invariant 2), enforced in SQL so it holds under concurrent
 * writers: the conflict update runs only when
 *   (status_rank, updated_time, cum_exec_qty) of the report > the stored row's
 * (row comparison is lexicographic: higher rank; or same rank and newer update time; or same
 * rank and time and more filled) — the same order as compareProgress in domain/order-status.ts.
 * Stale reports and identical replays change nothing and count as `unchanged`.
 *
 * Inside the caller's transaction: first advisory locks on every order key of the batch
 * (sql/key-locks.ts: concurrent batches on the same orders queue instead of deadlocking), then
 * two statements per chunk:
 *
 * LOCK_SQL — the pre-images, row-locked (under READ COMMITTED a locked row is its latest
 * committed version, so `before` is exactly what the upsert compares against).
 *   ?1 exchange, ?2 account_id, ?3 order ids (text[])
 *
 * UPSERT_SQL — one INSERT … ON CONFLICT DO UPDATE … WHERE for the whole chunk.
 *   ?1 exchange, ?2 account_id, ?3 first_seen_at (ms), ?4 last_synced_at (ms),
 *   ?5 rows: JSON array of {i order_id, l order_link_id, r robot_id, s symbol, d side,
 *      y order_type, p price, q qty, cq cum_exec_qty, cv cum_exec_value, ap avg_price, f fee,
 *      st status, rk status_rank, ro reduce_only, ct created_time, ut updated_time, w raw},
 *      sorted by order_id
 *   returns the rows written now, with `inserted` true for new keys (xmax = 0 on a fresh row).
 *
 * Ownership: a report without robot or link id never erases a stored one.
 */
const LOCK_SQL = `
select ${ORDER_COLUMNS}
from orders
where exchange = ? and account_id = ? and order_id = any(?::text[])
order by order_id
for update`;

const UPSERT_SQL = `
insert into orders as o (exchange, account_id, order_id, order_link_id, robot_id, symbol, side, order_type,
  price, qty, cum_exec_qty, cum_exec_value, avg_price, fee, status, status_rank, reduce_only,
  created_time, updated_time, raw, first_seen_at, last_synced_at)
select ?, ?, t.i, t.l, t.r, t.s, t.d, t.y, t.p, t.q, t.cq, t.cv, t.ap, t.f, t.st, t.rk, t.ro, t.ct, t.ut, t.w, ?, ?
from json_to_recordset(?::json) as t(i text, l text, r text, s text, d text, y text, p numeric, q numeric,
  cq numeric, cv numeric, ap numeric, f numeric, st text, rk smallint, ro boolean, ct bigint, ut bigint, w jsonb)
on conflict (exchange, account_id, order_id) do update set
  order_link_id = coalesce(excluded.order_link_id, o.order_link_id),
  robot_id = coalesce(excluded.robot_id, o.robot_id),
  symbol = excluded.symbol,
  side = excluded.side,
  order_type = excluded.order_type,
  price = excluded.price,
  qty = excluded.qty,
  cum_exec_qty = excluded.cum_exec_qty,
  cum_exec_value = excluded.cum_exec_value,
  avg_price = excluded.avg_price,
  fee = excluded.fee,
  status = excluded.status,
  status_rank = excluded.status_rank,
  reduce_only = excluded.reduce_only,
  created_time = excluded.created_time,
  updated_time = excluded.updated_time,
  raw = excluded.raw,
  last_synced_at = excluded.last_synced_at
where (excluded.status_rank, excluded.updated_time, excluded.cum_exec_qty)
    > (o.status_rank, o.updated_time, o.cum_exec_qty)
returning ${qualified(ORDER_COLUMNS, 'o')}, (o.xmax = 0) as inserted`;

export const ORDERS_CHUNK = 5_000;

export interface OrderInput {
  report: OrderReport;
  robotId: string | null;
}

/**
 * One report per order id, the most advanced (a batch may carry the same order from the open
 * list and from history), sorted by order id so concurrent writers lock in the same order.
 */
export function latestPerOrder(items: readonly OrderInput[]): OrderInput[] {
  const best = new Map<string, OrderInput>();
  for (const x of items) {
    const prev = best.get(x.report.orderId);
    if (!prev || compareProgress(x.report, prev.report) > 0) {
      // keep ownership learnt from an earlier report of the same order
      best.set(x.report.orderId, prev && x.robotId === null ? { ...x, robotId: prev.robotId } : x);
    }
  }
  return [...best.values()].sort((a, b) => (a.report.orderId < b.report.orderId ? -1 : a.report.orderId > b.report.orderId ? 1 : 0));
}

function ordersJson(items: readonly OrderInput[]): string {
  return JSON.stringify(
    items.map(({ report: r, robotId }) => ({
      i: r.orderId,
      l: r.orderLinkId,
      r: robotId,
      s: r.symbol,
      d: r.side,
      y: r.orderType,
      p: r.price,
      q: r.qty,
      cq: r.cumExecQty,
      cv: r.cumExecValue,
      ap: r.avgPrice,
      f: r.fee,
      st: r.status,
      rk: statusRank(r.status),
      ro: r.reduceOnly,
      ct: r.createdTime,
      ut: r.updatedTime,
      w: r.raw ?? null,
    })),
  );
}

export async function upsertOrders(
  db: Db,
  exchange: ExchangeName,
  accountId: string,
  items: readonly OrderInput[],
  now: number,
): Promise<UpsertCounts & { changes: OrderChange[] }> {
  const changes: OrderChange[] = [];
  let inserted = 0;
  const latest = latestPerOrder(items);
  await lockKeys(
    db,
    LOCK_CLASS.orders,
    latest.map((x) => `${exchange}\u001f${accountId}\u001f${x.report.orderId}`),
  );
  for (const chunk of chunks(latest, ORDERS_CHUNK)) {
    const ids = chunk.map((x) => x.report.orderId);
    const before = new Map<string, StoredOrder>();
    for (const row of await run<Row>(db, LOCK_SQL, [exchange, accountId, ids])) {
      const o = orderFromRow(row);
      before.set(o.orderId, o);
    }
    const written = await run<Row>(db, UPSERT_SQL, [exchange, accountId, now, now, ordersJson(chunk)]);
    for (const row of written) {
      const after = orderFromRow(row);
      if (row.inserted === true) inserted++;
      changes.push({ before: row.inserted === true ? null : (before.get(after.orderId) ?? null), after });
    }
  }
  return { inserted, updated: changes.length - inserted, unchanged: items.length - changes.length, changes };
}
