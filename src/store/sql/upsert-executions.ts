import type { Knex } from '@mikro-orm/knex';
import type { ExchangeName, ExecutionReport } from '../../domain/types.js';
import type { StoredExecution, UpsertCounts } from '../types.js';
import { copyField, copyRows, type CopyMode } from './copy.js';
import { LOCK_CLASS, lockKeys } from './key-locks.js';
import { chunks, run, type Db } from './query.js';

/**
 * Inserts executions (fills and non-fill exec types alike; `exec_type` tells them apart). An
 * execution never changes once reported (DESIGN invariant 1): a replayed page inserts nothing
 * and counts as `unchanged`.
 *
 * First, one transaction-level advisory lock per (exchange, account) (sql/key-locks.ts): the
 * batches of one account's executions are written one after the other, which is what lets the
 * COPY path below skip ON CONFLICT safely. Then either:
 *
 * JSON_SQL — both databases; one statement per chunk of EXECUTIONS_CHUNK rows:
 *   ?1 exchange (text), ?2 account_id (text),
 *   ?3 rows: a JSON array of objects {i exec_id, o order_id, l order_link_id, r robot_id,
 *      s symbol, d side, p price, q qty, v value, f fee, c fee_currency, m is_maker,
 *      x exec_type, t exec_time, w raw}; decimals travel as JSON strings, so numeric is exact.
 *   returns exec_id of every row inserted now.
 * Why JSON and not `unnest(?::text[], …)`: measured on 2 cores with 100k rows, node-postgres
 * spends ~550 ms escaping 15 array literals against ~120 ms for one JSON.stringify, and the
 * server unpacks both at the same speed: 63-65k rows/s against 44-48k on PostgreSQL,
 * 31-33k against 25-31k on PGlite (small raw objects; scripts/bench-ingest.ts for more).
 *
 * or, for batches of COPY_MIN_ROWS or more (both databases, sql/copy.ts):
 * EXISTING_SQL — which of the batch's ids are stored already:
 *   ?1 exec ids (JSON array of strings; expanded server-side, cheaper to send than a text[]
 *      literal and the same on pg and PGlite), ?2 exchange, ?3 account_id
 * then COPY of the other rows straight into `executions`. Measured on PostgreSQL with 100k
 * rows: 58-93k rows/s for new rows (full Bybit raw objects: 61-63k), against 39-60k for COPY
 * into a temp table followed by INSERT … SELECT … ON CONFLICT DO NOTHING, which writes every
 * row twice; on PGlite 60-70k against ~31k for the JSON statements.
 *
 * Only the ids come back: the stored rows are the input rows.
 */
const JSON_SQL = `
insert into executions as e (exchange, account_id, exec_id, order_id, order_link_id, robot_id,
  symbol, side, price, qty, value, fee, fee_currency, is_maker, exec_type, exec_time, raw)
select ?, ?, t.i, t.o, t.l, t.r, t.s, t.d, t.p, t.q, t.v, t.f, t.c, t.m, t.x, t.t, t.w
from json_to_recordset(?::json) as t(i text, o text, l text, r text, s text, d text,
  p numeric, q numeric, v numeric, f numeric, c text, m boolean, x text, t bigint, w jsonb)
on conflict (exchange, account_id, exec_id) do nothing
returning e.exec_id`;

// A join, not `exec_id = any(array(…))`: right after a bulk load the statistics still say the
// table is empty, the planner picks a sequential scan, and a non-constant array is then searched
// linearly for every row (measured: 70 s for 150k ids against 100k rows). A join stays linear.
const EXISTING_SQL = `
select e.exec_id
from json_array_elements_text(?::json) as i(id)
join executions e on e.exec_id = i.id
where e.exchange = ? and e.account_id = ?`;

const COPY_TARGET = `executions (exchange, account_id, exec_id, order_id, order_link_id, robot_id,
  symbol, side, price, qty, value, fee, fee_currency, is_maker, exec_type, exec_time, raw)`;

export const EXECUTIONS_CHUNK = 5_000;
/**
 * Smaller batches take the one-statement path. Measured (best of 5, 2 cores, fresh rows):
 * 100 rows ~5 ms either way; 2,000 rows 42 ms JSON vs 23 ms COPY on PostgreSQL, 42 vs 33 ms on
 * PGlite; 5,000 rows 96 vs 57 ms and 103 vs 79 ms. Around 1,000 the two are within noise.
 */
export const COPY_MIN_ROWS = 1_000;

export interface ExecutionInput {
  report: ExecutionReport;
  robotId: string | null;
}

export interface ExecutionWriteOptions {
  /** inside a transaction: how to COPY large batches ('stream' on PostgreSQL, 'blob' on
   * PGlite); without it every batch goes through JSON_SQL. The advisory lock taken here makes
   * the transaction the only store writer of this account's executions. */
  copy?: CopyMode | false;
  chunkSize?: number;
}

export function toStoredExecution(exchange: ExchangeName, accountId: string, x: ExecutionInput): StoredExecution {
  const r = x.report;
  return {
    exchange,
    accountId,
    execId: r.execId,
    orderId: r.orderId,
    orderLinkId: r.orderLinkId,
    robotId: x.robotId,
    symbol: r.symbol,
    side: r.side,
    price: r.price,
    qty: r.qty,
    value: r.value,
    fee: r.fee,
    feeCurrency: r.feeCurrency,
    isMaker: r.isMaker,
    execType: r.execType,
    execTime: r.execTime,
  };
}

/** First occurrence of each exec_id wins (a page boundary can repeat a row). */
export function dedupeExecutions(items: readonly ExecutionInput[]): ExecutionInput[] {
  const seen = new Set<string>();
  const out: ExecutionInput[] = [];
  for (const x of items) {
    if (seen.has(x.report.execId)) continue;
    seen.add(x.report.execId);
    out.push(x);
  }
  return out;
}

export function executionsJson(items: readonly ExecutionInput[]): string {
  return JSON.stringify(
    items.map(({ report: r, robotId }) => ({
      i: r.execId,
      o: r.orderId,
      l: r.orderLinkId,
      r: robotId,
      s: r.symbol,
      d: r.side,
      p: r.price,
      q: r.qty,
      v: r.value,
      f: r.fee,
      c: r.feeCurrency,
      m: r.isMaker,
      x: r.execType,
      t: r.execTime,
      w: r.raw ?? null,
    })),
  );
}

function copyLine(exchange: string, accountId: string): (x: ExecutionInput) => string {
  const head = `${copyField(exchange)}\t${copyField(accountId)}\t`;
  return ({ report: r, robotId }) =>
    head +
    [
      r.execId,
      r.orderId,
      r.orderLinkId,
      robotId,
      r.symbol,
      r.side,
      r.price,
      r.qty,
      r.value,
      r.fee,
      r.feeCurrency,
      r.isMaker,
      r.execType,
      r.execTime,
      r.raw === undefined || r.raw === null ? null : JSON.stringify(r.raw),
    ]
      .map(copyField)
      .join('\t') +
    '\n';
}

async function insertedIds(db: Db, exchange: ExchangeName, accountId: string, items: ExecutionInput[], opts: ExecutionWriteOptions): Promise<Set<string>> {
  await lockKeys(db, LOCK_CLASS.executions, [`${exchange}\u001f${accountId}`]);
  if (opts.copy && items.length >= COPY_MIN_ROWS) {
    const ids = JSON.stringify(items.map((x) => x.report.execId));
    const existing = new Set((await run<{ exec_id: string }>(db, EXISTING_SQL, [ids, exchange, accountId])).map((r) => r.exec_id));
    const fresh = items.filter((x) => !existing.has(x.report.execId));
    if (fresh.length) await copyRows(db as Knex.Transaction, opts.copy, COPY_TARGET, fresh, copyLine(exchange, accountId));
    return new Set(fresh.map((x) => x.report.execId));
  }
  const ids = new Set<string>();
  for (const chunk of chunks(items, opts.chunkSize ?? EXECUTIONS_CHUNK)) {
    for (const r of await run<{ exec_id: string }>(db, JSON_SQL, [exchange, accountId, executionsJson(chunk)])) ids.add(r.exec_id);
  }
  return ids;
}

export async function upsertExecutions(
  db: Db,
  exchange: ExchangeName,
  accountId: string,
  items: readonly ExecutionInput[],
  opts: ExecutionWriteOptions = {},
): Promise<UpsertCounts & { insertedRows: StoredExecution[] }> {
  const unique = dedupeExecutions(items);
  const ids = unique.length ? await insertedIds(db, exchange, accountId, unique, opts) : new Set<string>();
  const insertedRows = unique.filter((x) => ids.has(x.report.execId)).map((x) => toStoredExecution(exchange, accountId, x));
  return { inserted: insertedRows.length, updated: 0, unchanged: items.length - insertedRows.length, insertedRows };
}
