import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * COPY rows into a session temp table on PostgreSQL (never PGlite), inside the caller's
 * transaction, for large batches: the server parses COPY text faster than any bound
 * parameter (measured with 100k executions: COPY + one INSERT … SELECT ≈ 90k rows/s against
 * ≈ 64k rows/s for one json_to_recordset statement per 5k rows).
 *
 * The temp table lives as long as the pooled connection, `on commit delete rows` empties it
 * at every commit, and a rollback of the transaction that created it simply drops it again,
 * so `create … if not exists` runs before every use.
 */

export type CopyValue = string | number | boolean | null;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field of COPY's text format. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;
}

/** Lines grouped into blocks of `linesPerBlock`: one stream write per block, not per row. */
function* blocks<T>(items: readonly T[], toLine: (item: T) => string, linesPerBlock = 2_000): Generator<string> {
  let buf = '';
  let n = 0;
  for (const it of items) {
    buf += toLine(it);
    if (++n === linesPerBlock) {
      yield buf;
      buf = '';
      n = 0;
    }
  }
  if (buf) yield buf;
}

/**
 * The pg client that carries a knex transaction. Statements sent on it directly belong to the
 * transaction (knex's transaction client hands out its one connection).
 */
async function transactionClient(trx: Knex.Transaction): Promise<pg.ClientBase> {
  const client = (trx as unknown as { client: { acquireConnection(): Promise<pg.ClientBase> } }).client;
  return client.acquireConnection();
}

/**
 * Creates `tempTable` (from `ddl`) if needed, empties it, and streams `items` into it.
 * `toLine` must return one COPY text line (fields through `copyField`, tab separated, `\n`).
 */
export async function copyIntoTemp<T>(
  trx: Knex.Transaction,
  ddl: string,
  tempTable: string,
  items: readonly T[],
  toLine: (item: T) => string,
): Promise<void> {
  const conn = await transactionClient(trx);
  await conn.query(ddl);
  await conn.query(`truncate ${tempTable}`);
  const sink = conn.query(copyStreams.from(`copy ${tempTable} from stdin`));
  await pipeline(Readable.from(blocks(items, toLine)), sink);
}
