import type { ClosedPnlReport, ExchangeName } from '../../domain/types.js';
import type { UpsertCounts } from '../types.js';
import { chunks, run, type Db } from './query.js';

/**
 * Closed PnL: one row per closing order (exchange-apis.md A.4.4), immutable once reported, so
 * `ON CONFLICT DO NOTHING` on (exchange, account_id, order_id, created_time).
 *
 * Parameters (one statement per chunk of CLOSED_PNL_CHUNK rows):
 *   ?1 exchange, ?2 account_id,
 *   ?3 rows: JSON array of {i order_id, ct created_time, r robot_id, s symbol, d side, q qty,
 *      op order_price, ot order_type, et exec_type, cs closed_size, cev cum_entry_value,
 *      aep avg_entry_price, cxv cum_exit_value, axp avg_exit_price, pnl closed_pnl,
 *      fc fill_count, lv leverage, ofee open_fee, cf close_fee, ut updated_time, w raw}
 *   returns one row per row inserted now.
 */
const SQL = `
insert into closed_pnl as c (exchange, account_id, order_id, created_time, robot_id, symbol, side, qty,
  order_price, order_type, exec_type, closed_size, cum_entry_value, avg_entry_price, cum_exit_value,
  avg_exit_price, closed_pnl, fill_count, leverage, open_fee, close_fee, updated_time, raw)
select ?, ?, t.i, t.ct, t.r, t.s, t.d, t.q, t.op, t.ot, t.et, t.cs, t.cev, t.aep, t.cxv, t.axp, t.pnl,
  t.fc, t.lv, t.ofee, t.cf, t.ut, t.w
from json_to_recordset(?::json) as t(i text, ct bigint, r text, s text, d text, q numeric, op numeric,
  ot text, et text, cs numeric, cev numeric, aep numeric, cxv numeric, axp numeric, pnl numeric,
  fc integer, lv numeric, ofee numeric, cf numeric, ut bigint, w jsonb)
on conflict (exchange, account_id, order_id, created_time) do nothing
returning c.order_id`;

export const CLOSED_PNL_CHUNK = 5_000;

export interface ClosedPnlInput {
  report: ClosedPnlReport;
  robotId: string | null;
}

function closedPnlJson(items: readonly ClosedPnlInput[]): string {
  return JSON.stringify(
    items.map(({ report: r, robotId }) => ({
      i: r.orderId,
      ct: r.createdTime,
      r: robotId,
      s: r.symbol,
      d: r.side,
      q: r.qty,
      op: r.orderPrice,
      ot: r.orderType,
      et: r.execType,
      cs: r.closedSize,
      cev: r.cumEntryValue,
      aep: r.avgEntryPrice,
      cxv: r.cumExitValue,
      axp: r.avgExitPrice,
      pnl: r.closedPnl,
      fc: r.fillCount,
      lv: r.leverage,
      ofee: r.openFee,
      cf: r.closeFee,
      ut: r.updatedTime,
      w: r.raw ?? null,
    })),
  );
}

export async function insertClosedPnl(
  db: Db,
  exchange: ExchangeName,
  accountId: string,
  items: readonly ClosedPnlInput[],
): Promise<UpsertCounts> {
  // one row per key, in key order (concurrent inserts of the same keys then wait, not deadlock)
  const byKey = new Map<string, ClosedPnlInput>();
  for (const x of items) {
    const key = `${x.report.orderId}\u0000${String(x.report.createdTime).padStart(16, '0')}`;
    if (!byKey.has(key)) byKey.set(key, x);
  }
  const unique = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
  let inserted = 0;
  for (const chunk of chunks(unique, CLOSED_PNL_CHUNK)) {
    inserted += (await run(db, SQL, [exchange, accountId, closedPnlJson(chunk)])).length;
  }
  return { inserted, updated: 0, unchanged: items.length - inserted };
}
