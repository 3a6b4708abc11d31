import type { ExchangeName, PositionReport } from '../../domain/types.js';
import type { PositionChange, StoredPosition, UpsertCounts } from '../types.js';
import { LOCK_CLASS, lockKeys } from './key-locks.js';
import { chunks, run, type Db } from './query.js';
import { POSITION_COLUMNS, positionFromRow, qualifiedPositionColumns, type Row } from './rows.js';

/**
 * Positions are snapshots: a report replaces the stored row only when it is not older and says
 * something different.
 *   not older: when both sides carry an exchange `seq`, (seq, updated_time) >= stored;
 *              otherwise updated_time >= stored. (Bybit's unrealised PnL moves with the mark
 *              price without a new updatedTime, hence >= and not >.)
 *   different: side, size, avg_price, unrealised_pnl, realised_pnl, updated_time or seq differ
 *              (numerically: '1.50' equals '1.5'); an identical replay writes nothing.
 *
 * Advisory locks on every key of the batch first (sql/key-locks.ts), then per chunk:
 * LOCK_SQL — pre-images, row-locked.
 *   ?1 exchange, ?2 account_id, ?3 symbols (text[]), ?4 position_idx values (smallint[])
 * UPSERT_SQL
 *   ?1 exchange, ?2 account_id, ?3 synced_at (ms),
 *   ?4 rows: JSON array of {s symbol, x position_idx, d side, z size, ap avg_price,
 *      u unrealised_pnl, r realised_pnl, ut updated_time, q seq (string or null), w raw}
 *   returns the rows written now, `inserted` true for new keys.
 */
const LOCK_SQL = `
select ${POSITION_COLUMNS}
from positions
where exchange = ? and account_id = ?
  and (symbol, position_idx) in (select * from unnest(?::text[], ?::smallint[]))
order by symbol, position_idx
for update`;

const UPSERT_SQL = `
insert into positions as p (exchange, account_id, symbol, position_idx, side, size, avg_price,
  unrealised_pnl, realised_pnl, updated_time, seq, synced_at, raw)
select ?, ?, t.s, t.x, t.d, t.z, t.ap, t.u, t.r, t.ut, t.q, ?, t.w
from json_to_recordset(?::json) as t(s text, x smallint, d text, z numeric, ap numeric, u numeric,
  r numeric, ut bigint, q bigint, w jsonb)
on conflict (exchange, account_id, symbol, position_idx) do update set
  side = excluded.side,
  size = excluded.size,
  avg_price = excluded.avg_price,
  unrealised_pnl = excluded.unrealised_pnl,
  realised_pnl = excluded.realised_pnl,
  updated_time = excluded.updated_time,
  seq = excluded.seq,
  synced_at = excluded.synced_at,
  raw = excluded.raw
where (case when excluded.seq is not null and p.seq is not null
            then (excluded.seq, excluded.updated_time) >= (p.seq, p.updated_time)
            else excluded.updated_time >= p.updated_time end)
  and (excluded.side, excluded.size, excluded.avg_price, excluded.unrealised_pnl, excluded.realised_pnl,
       excluded.updated_time, excluded.seq)
      is distinct from (p.side, p.size, p.avg_price, p.unrealised_pnl, p.realised_pnl, p.updated_time, p.seq)
returning ${qualifiedPositionColumns('p')}, (p.xmax = 0) as inserted`;

export const POSITIONS_CHUNK = 5_000;

const keyOf = (r: Pick<PositionReport, 'symbol' | 'positionIdx'>) => `${r.symbol}\u0000${r.positionIdx}`;

function newer(a: PositionReport, b: PositionReport): boolean {
  if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return BigInt(a.seq) > BigInt(b.seq);
  return a.updatedTime >= b.updatedTime;
}

/** One report per (symbol, position_idx): the newest, later ones winning ties; sorted by key. */
export function latestPerPosition(items: readonly PositionReport[]): PositionReport[] {
  const best = new Map<string, PositionReport>();
  for (const r of items) {
    const prev = best.get(keyOf(r));
    if (!prev || newer(r, prev)) best.set(keyOf(r), r);
  }
  return [...best.values()].sort((a, b) => (a.symbol === b.symbol ? a.positionIdx - b.positionIdx : a.symbol < b.symbol ? -1 : 1));
}

function positionsJson(items: readonly PositionReport[]): string {
  return JSON.stringify(
    items.map((r) => ({
      s: r.symbol,
      x: r.positionIdx,
      d: r.side,
      z: r.size,
      ap: r.avgPrice,
      u: r.unrealisedPnl,
      r: r.realisedPnl,
      ut: r.updatedTime,
      q: r.seq,
      w: r.raw ?? null,
    })),
  );
}

export async function upsertPositions(
  db: Db,
  exchange: ExchangeName,
  accountId: string,
  items: readonly PositionReport[],
  now: number,
): Promise<UpsertCounts & { changes: PositionChange[] }> {
  const changes: PositionChange[] = [];
  let inserted = 0;
  const latest = latestPerPosition(items);
  await lockKeys(
    db,
    LOCK_CLASS.positions,
    latest.map((r) => `${exchange}\u001f${accountId}\u001f${keyOf(r)}`),
  );
  for (const chunk of chunks(latest, POSITIONS_CHUNK)) {
    const before = new Map<string, StoredPosition>();
    const locked = await run<Row>(db, LOCK_SQL, [exchange, accountId, chunk.map((r) => r.symbol), chunk.map((r) => r.positionIdx)]);
    for (const row of locked) {
      const p = positionFromRow(row);
      before.set(keyOf(p), p);
    }
    for (const row of await run<Row>(db, UPSERT_SQL, [exchange, accountId, now, positionsJson(chunk)])) {
      const after = positionFromRow(row);
      if (row.inserted === true) inserted++;
      changes.push({ before: row.inserted === true ? null : (before.get(keyOf(after)) ?? null), after });
    }
  }
  return { inserted, updated: changes.length - inserted, unchanged: items.length - changes.length, changes };
}
