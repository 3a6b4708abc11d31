import type { CursorAdvance, CursorRow } from '../types.js';
import { run, toMs, toMsOrNull, type Db } from './query.js';
import type { Row } from './rows.js';

/**
 * Cursor advances: written in the same transaction as the rows they cover (DESIGN invariant 3),
 * so a failed page never moves them. The value is set as given (a backfill may rewind one on
 * purpose); when a batch names the same (stream, symbol) twice, the last one wins.
 *
 * ADVANCE_SQL
 *   ?1 account_id, ?2 updated_at (ms, the batch's `now`),
 *   ?3 rows: JSON array of {s stream, y symbol ('' = every symbol), t time (ms or null),
 *      i cursor_id, e exchange_cursor}
 * LIST_SQL / LIST_ACCOUNT_SQL
 *   ?1 account_id (LIST_ACCOUNT_SQL only)
 */
const ADVANCE_SQL = `
insert into sync_cursors as c (account_id, stream, symbol, time, cursor_id, exchange_cursor, updated_at)
select ?, t.s, t.y, t.t, t.i, t.e, ?
from json_to_recordset(?::json) as t(s text, y text, t bigint, i text, e text)
on conflict (account_id, stream, symbol) do update set
  time = excluded.time,
  cursor_id = excluded.cursor_id,
  exchange_cursor = excluded.exchange_cursor,
  updated_at = excluded.updated_at`;

const COLUMNS = 'account_id, stream, symbol, time, cursor_id, exchange_cursor, updated_at';
const LIST_SQL = `select ${COLUMNS} from sync_cursors order by account_id, stream, symbol`;
const LIST_ACCOUNT_SQL = `select ${COLUMNS} from sync_cursors where account_id = ? order by stream, symbol`;

export async function advanceCursors(db: Db, accountId: string, cursors: readonly CursorAdvance[], now: number): Promise<void> {
  const last = new Map<string, CursorAdvance>();
  for (const c of cursors) last.set(`${c.stream}\u0000${c.symbol}`, c);
  if (last.size === 0) return;
  // key order: two batches of one account lock their cursor rows in the same order
  const rows = [...last.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => ({ s: c.stream, y: c.symbol, t: c.time, i: c.id, e: c.exchangeCursor }));
  await run(db, ADVANCE_SQL, [accountId, now, JSON.stringify(rows)]);
}

export async function listCursors(db: Db, accountId?: string): Promise<CursorRow[]> {
  const rows = accountId === undefined ? await run<Row>(db, LIST_SQL) : await run<Row>(db, LIST_ACCOUNT_SQL, [accountId]);
  return rows.map((r) => ({
    accountId: String(r.account_id),
    stream: String(r.stream),
    symbol: String(r.symbol),
    time: toMsOrNull(r.time),
    id: r.cursor_id === null ? null : String(r.cursor_id),
    exchangeCursor: r.exchange_cursor === null ? null : String(r.exchange_cursor),
    updatedAt: toMs(r.updated_at),
  }));
}
