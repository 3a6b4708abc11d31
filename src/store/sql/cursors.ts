import type { CursorAdvance, CursorRow } from '../types.js';
import { run, toMs, toMsOrNull, type Db } from './query.js';
import type { Row } from './rows.js';

/**
 * Cursor advances: written in the same transaction as the rows they cover (DESIGN invariant 3),
 * so a failed page never moves them. The value is set as given (a backfill may rewind one on
 * purpose); when a call names the same (account, stream, symbol) twice, the last one wins.
 * Also used alone, outside any sync, for the engine's per-account heartbeat (saveCursors): one
 * statement for many accounts.
 *
 * SAVE_SQL
 *   ?1 updated_at (ms: the batch's `now`),
 *   ?2 rows: JSON array of {a account_id, s stream, y symbol ('' = every symbol),
 *      t time (ms or null), i cursor_id, e exchange_cursor}, in key order (two writers of the
 *      same cursors lock them in the same order)
 * LIST_SQL / LIST_ACCOUNT_SQL
 *   ?1 account_id (LIST_ACCOUNT_SQL only)
 */
const SAVE_SQL = `
insert into sync_cursors as c (account_id, stream, symbol, time, cursor_id, exchange_cursor, updated_at)
select t.a, t.s, t.y, t.t, t.i, t.e, ?
from json_to_recordset(?::json) as t(a text, s text, y text, t bigint, i text, e text)
on conflict (account_id, stream, symbol) do update set
  time = excluded.time,
  cursor_id = excluded.cursor_id,
  exchange_cursor = excluded.exchange_cursor,
  updated_at = excluded.updated_at`;

const COLUMNS = 'account_id, stream, symbol, time, cursor_id, exchange_cursor, updated_at';
const LIST_SQL = `select ${COLUMNS} from sync_cursors order by account_id, stream, symbol`;
const LIST_ACCOUNT_SQL = `select ${COLUMNS} from sync_cursors where account_id = ? order by stream, symbol`;

export type CursorWrite = CursorAdvance & { accountId: string };

export async function saveCursors(db: Db, cursors: readonly CursorWrite[], now: number): Promise<void> {
  const last = new Map<string, CursorWrite>();
  for (const c of cursors) last.set(`${c.accountId}\u0000${c.stream}\u0000${c.symbol}`, c);
  if (last.size === 0) return;
  const rows = [...last.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => ({ a: c.accountId, s: c.stream, y: c.symbol, t: c.time, i: c.id, e: c.exchangeCursor }));
  await run(db, SAVE_SQL, [now, JSON.stringify(rows)]);
}

export function advanceCursors(db: Db, accountId: string, cursors: readonly CursorAdvance[], now: number): Promise<void> {
  return saveCursors(
    db,
    cursors.map((c) => ({ ...c, accountId })),
    now,
  );
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
