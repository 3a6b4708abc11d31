import { readdirSync } from 'node:fs';
import pg from 'pg';
import type { Logger } from '../util/logger.js';
import { MIGRATIONS_DIR, type OrmHandle } from './orm.js';

/**
 * Applies the committed migrations, one process at a time.
 *
 * PostgreSQL: a session advisory lock held on a dedicated connection opened for the purpose,
 * outside the pool. Not a pooled connection: a session lock taken through the pool can be
 * released on another connection and leak (DESIGN "Library notes"), and the migrator needs
 * pool connections of its own (its ensureTable step runs outside any transaction we could
 * hold a transaction-level lock in). If this process dies, its session ends and the lock goes.
 * PGlite: one backend per data directory, one process; the store's mutex serializes callers.
 *
 * Then checks what `up()` cannot: an empty or missing folder makes it return [] silently, so
 * the folder must hold migrations and every one of them must be executed afterwards.
 */

/** pg_try_advisory_lock key for migrations ('robosync' in ASCII, as a bigint). */
export const MIGRATION_LOCK_KEY = '8245917673556897379';
const LOCK_POLL_MS = 100;
const LOCK_WAIT_MS = 120_000;

/** Migration files for the running flavour (.ts under tsx, .js in dist), names without extension. */
export function migrationFiles(dir = MIGRATIONS_DIR): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  const ext = /\.ts$/.test(import.meta.url) ? '.ts' : '.js';
  return entries
    .filter((f) => f.endsWith(ext) && !f.endsWith('.d.ts') && f.startsWith('Migration'))
    .map((f) => f.slice(0, -ext.length))
    .sort();
}

async function withMigrationLock<T>(h: OrmHandle, logger: Logger, fn: () => Promise<T>): Promise<T> {
  if (h.kind === 'pglite' || !h.pgConnection) return fn();
  const client = new pg.Client(h.pgConnection);
  client.on('error', (err) => logger.warn('migration lock connection failed', { error: err.message }));
  await client.connect();
  try {
    const deadline = Date.now() + LOCK_WAIT_MS;
    let waited = false;
    for (;;) {
      const res = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1::bigint) as ok', [MIGRATION_LOCK_KEY]);
      if (res.rows[0]?.ok) break;
      if (!waited) logger.info('waiting for another process to finish migrating');
      waited = true;
      if (Date.now() > deadline) throw new Error(`migrate: another process held the migration lock for more than ${LOCK_WAIT_MS} ms`);
      await new Promise((r) => setTimeout(r, LOCK_POLL_MS));
    }
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function migrate(h: OrmHandle, logger: Logger): Promise<{ applied: string[] }> {
  const files = migrationFiles();
  if (files.length === 0) {
    throw new Error(`migrate: no migrations found in ${MIGRATIONS_DIR} (a build that did not compile migrations/?)`);
  }
  return withMigrationLock(h, logger, async () => {
    const migrator = h.orm.getMigrator();
    const applied = (await migrator.up()).map((m) => m.name);
    const executed = new Set((await migrator.getExecutedMigrations()).map((m) => m.name.replace(/\.[jt]s$/, '')));
    const missing = files.filter((f) => !executed.has(f));
    if (missing.length) {
      throw new Error(`migrate: ${missing.length} migration(s) still not executed after up(): ${missing.join(', ')}`);
    }
    if (applied.length) logger.info('database migrated', { applied, kind: h.kind });
    else logger.debug('database schema up to date', { migrations: files.length, kind: h.kind });
    return { applied };
  });
}
