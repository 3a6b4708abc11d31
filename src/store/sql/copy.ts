import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from '@mikro-orm/knex';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

/**
 * COPY rows straight into a table on PostgreSQL (never PGlite), inside the caller's transaction.
 * COPY's text format is parsed by the server faster than any bound parameter; the caller makes
 * sure no row conflicts (COPY has no ON CONFLICT).
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
 * Streams `items` into `target` ("table (col, …)"), one `toLine` per row: fields through
 * `copyField`, tab separated, ending in `\n`.
 */
export async function copyRows<T>(trx: Knex.Transaction, target: string, items: readonly T[], toLine: (item: T) => string): Promise<void> {
  const conn = await transactionClient(trx);
  const sink = conn.query(copyStreams.from(`copy ${target} from stdin`));
  await pipeline(Readable.from(blocks(items, toLine)), sink);
}
