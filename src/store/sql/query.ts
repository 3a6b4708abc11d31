import type { Knex } from '@mikro-orm/knex';

/**
 * The one way the hot-path modules talk to the database: `knex.raw` with bound parameters, on
 * the pool or inside a transaction. `em.execute` would inline the values into the SQL text;
 * raw keeps arrays as single bound parameters (`unnest(?::text[])`), the same on pg and PGlite.
 *
 * Two rules for SQL handed to `run`:
 * - no semicolon anywhere, comments included: the PGlite knex dialect treats a raw text with
 *   more than one `;`-separated piece as a script and runs it without its bindings.
 * - no `?` except placeholders (knex rewrites every `?`); jsonb's `?` operators are out.
 */
export type Db = Knex | Knex.Transaction;

export async function run<T = Record<string, unknown>>(db: Db, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const res = (await db.raw(sql, bindings as Knex.RawBinding[])) as { rows?: T[] } | T[];
  if (Array.isArray(res)) return res;
  return res.rows ?? [];
}

/** Splits work into statements of at most `size` rows (DESIGN: 5k-10k rows per statement). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** pg reads int8 as a string, PGlite as a number: exchange times come back as numbers either way. */
export function toMs(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

export function toMsOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : toMs(v);
}

/** raw jsonb travels as text (one `?::text[]` for the batch) and is cast in SQL. */
export function jsonText(raw: unknown): string | null {
  return raw === undefined || raw === null ? null : JSON.stringify(raw);
}
