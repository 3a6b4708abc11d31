import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGliteInterface } from '@electric-sql/pglite';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * COPY rows straight into a table, inside the caller's transaction. COPY's text format is
 * parsed by the server faster than any bound parameter; the caller makes sure no row
 * conflicts (COPY has no ON CONFLICT).
 *
 * - 'stream' (PostgreSQL): `COPY … FROM STDIN` through pg-copy-streams on the transaction's
 *   pg client, written in blocks of lines while the server parses.
 * - 'blob' (PGlite): `COPY … FROM '/dev/blob'` with the text handed over as a Blob, in pieces
 *   of BLOB_ROWS rows so a large batch never sits in memory as one string. Measured with 100k
 *   executions in memory://: 60-70k rows/s against ~31k for json_to_recordset statements
 *   (small raw objects; 19-25k against 12k with full Bybit raw objects).
 * Both run on the connection the knex transaction holds (knex's transaction client hands out
 * its one connection; on PGlite that is the database itself), so they are part of it.
 */

export type CopyMode = 'stream' | 'blob';
export type CopyValue = string | number | boolean | null;

const BLOB_ROWS = 10_000;
const STREAM_LINES_PER_WRITE = 2_000;

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field of COPY's text format. */
export function copyField(v: CopyValue): string {
  if (v === null) return '\\N';
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number') return String(v);
  return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;
}

/** Lines grouped into blocks: one write per block, not per row. */
function* blocks<T>(items: readonly T[], toLine: (item: T) => string, linesPerBlock: number): Generator<string> {
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

async function transactionConnection<C>(trx: Knex.Transaction): Promise<C> {
  const client = (trx as unknown as { client: { acquireConnection(): Promise<C> } }).client;
  return client.acquireConnection();
}

/**
 * Streams `items` into `target` ("table (col, …)"), one `toLine` per row: fields through
 * `copyField`, tab separated, ending in `\n`.
 */
export async function copyRows<T>(trx: Knex.Transaction, mode: CopyMode, target: string, items: readonly T[], toLine: (item: T) => string): Promise<void> {
  if (mode === 'stream') {
    const conn = await transactionConnection<pg.ClientBase>(trx);
    const sink = conn.query(copyStreams.from(`copy ${target} from stdin`));
    await pipeline(Readable.from(blocks(items, toLine, STREAM_LINES_PER_WRITE)), sink);
    return;
  }
  const db = await transactionConnection<PGliteInterface>(trx);
  for (const text of blocks(items, toLine, BLOB_ROWS)) {
    await db.query(`copy ${target} from '/dev/blob'`, [], { blob: new Blob([text]) });
  }
}
