import type { Knex } from '@mikro-orm/knex';
import type { EntityManager } from '@mikro-orm/core';
import type { ExchangeName } from '../domain/types.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type {
  AccountRow,
  ApplyResult,
  CursorRow,
  DatabaseConfig,
  ExportFilter,
  ExportTable,
  RobotRow,
  RobotStatus,
  Store,
  StoredOrder,
  StoredPosition,
  SyncBatch,
  SyncRunRow,
} from './types.js';
import { mapStoreError, retryRule } from './errors.js';
import { migrate } from './migrate.js';
import { Mutex, passThrough, type Serializer } from './mutex.js';
import { closeOrm, openOrm, type OrmHandle } from './orm.js';
import * as registry from './registry.js';
import { advanceCursors, listCursors, saveCursors, type CursorWrite } from './sql/cursors.js';
import { exportPages } from './sql/export.js';
import { run } from './sql/query.js';
import { openOrders, positionsOf } from './sql/read.js';
import { insertClosedPnl } from './sql/upsert-closed-pnl.js';
import { upsertExecutions } from './sql/upsert-executions.js';
import { upsertOrders } from './sql/upsert-orders.js';
import { upsertPositions } from './sql/upsert-positions.js';
import { validateBatch, validateCursorRows } from './validate.js';

export interface CreateStoreOptions {
  logger?: Logger;
  /** local clock for `committedAt` (defaults to Date.now, which fake timers also drive) */
  now?: () => number;
}

/**
 * What tests and the ingest benchmark reach below the Store interface: the ORM (schema diff,
 * the one-row ORM path) and raw SQL through the store's own serialization. Not exported from
 * src/store/index.ts.
 */
export interface StoreInternals {
  orm: OrmHandle['orm'];
  knex: Knex;
  query<T = Record<string, unknown>>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** runs fn alone on PGlite (the mutex), directly on PostgreSQL */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

const internals = new WeakMap<Store, StoreInternals>();

export function storeInternals(store: Store): StoreInternals {
  const i = internals.get(store);
  if (!i) throw new TypeError('storeInternals: not a store made by createStore');
  return i;
}

/** Serialization failures and deadlocks are retried in-store this many times in all. */
const MAX_TX_ATTEMPTS = 4;

class SqlStore implements Store {
  readonly kind: 'postgresql' | 'pglite';
  readonly #h: OrmHandle;
  readonly #knex: Knex;
  readonly #serial: Serializer;
  readonly #log: Logger;
  readonly #now: () => number;
  #closed = false;
  #closing: Promise<void> | null = null;

  constructor(h: OrmHandle, log: Logger, now: () => number) {
    this.kind = h.kind;
    this.#h = h;
    this.#knex = (h.orm.em as unknown as { getKnex(): Knex }).getKnex();
    this.#serial = h.kind === 'pglite' ? new Mutex() : passThrough;
    this.#log = log;
    this.#now = now;
    internals.set(this, {
      orm: h.orm,
      knex: this.#knex,
      query: (sql, bindings) => this.#op('query', () => run(this.#knex, sql, bindings)),
      exclusive: (fn) => this.#op('exclusive', fn),
    });
  }

  #op<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`store.${name}: the store is closed`));
    return this.#serial.run(async () => {
      try {
        return await fn();
      } catch (err) {
        throw mapStoreError(err, name);
      }
    });
  }

  #em(): EntityManager {
    return this.#h.orm.em.fork();
  }

  #transaction<T>(name: string, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.#op(name, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#knex.transaction(fn);
        } catch (err) {
          const rule = retryRule(err);
          if (rule?.kind !== 'conflict' || attempt >= MAX_TX_ATTEMPTS) throw err;
          const delay = Math.min(rule.maxMs, rule.minMs * 2 ** attempt) * (0.5 + Math.random() / 2);
          this.#log.debug('transaction conflicted, retrying', { operation: name, attempt, delayMs: Math.round(delay) });
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    });
  }

  migrate(): Promise<{ applied: string[] }> {
    return this.#op('migrate', () => migrate(this.#h, this.#log));
  }

  async ping(): Promise<void> {
    await this.#op('ping', () => run(this.#knex, 'select 1 as ok'));
  }

  close(): Promise<void> {
    if (!this.#closing) {
      this.#closed = true;
      // Queued operations (PGlite) finish first; new ones are refused.
      this.#closing = this.#serial.run(() => closeOrm(this.#h));
    }
    return this.#closing;
  }

  upsertAccount(a: AccountRow): Promise<void> {
    return this.#op('upsertAccount', () => registry.upsertAccount(this.#em(), a));
  }

  listAccounts(): Promise<AccountRow[]> {
    return this.#op('listAccounts', () => registry.listAccounts(this.#em()));
  }

  upsertRobot(r: RobotRow): Promise<void> {
    return this.#op('upsertRobot', () => registry.upsertRobot(this.#em(), r));
  }

  setRobotStatus(id: string, status: RobotStatus): Promise<void> {
    return this.#op('setRobotStatus', () => registry.setRobotStatus(this.#em(), id, status));
  }

  deleteRobot(id: string): Promise<void> {
    return this.#op('deleteRobot', () => registry.deleteRobot(this.#em(), id));
  }

  listRobots(): Promise<RobotRow[]> {
    return this.#op('listRobots', () => registry.listRobots(this.#em()));
  }

  async applySync(batch: SyncBatch): Promise<ApplyResult> {
    validateBatch(batch);
    const { exchange, accountId, now } = batch;
    const started = performance.now();
    const result = await this.#transaction('applySync', async (trx) => ({
      orders: batch.orders?.length
        ? await upsertOrders(trx, exchange, accountId, batch.orders, now)
        : { inserted: 0, updated: 0, unchanged: 0, changes: [] },
      executions: batch.executions?.length
        ? await upsertExecutions(trx, exchange, accountId, batch.executions, { copy: this.kind === 'postgresql' ? 'stream' : 'blob' })
        : { inserted: 0, updated: 0, unchanged: 0, insertedRows: [] },
      closedPnl: batch.closedPnl?.length
        ? await insertClosedPnl(trx, exchange, accountId, batch.closedPnl)
        : { inserted: 0, updated: 0, unchanged: 0 },
      positions: batch.positions?.length
        ? await upsertPositions(trx, exchange, accountId, batch.positions, now)
        : { inserted: 0, updated: 0, unchanged: 0, changes: [] },
      cursors: batch.cursors?.length ? await advanceCursors(trx, accountId, batch.cursors, now) : undefined,
    }));
    const { cursors: _cursors, ...written } = result;
    this.#log.debug('sync batch applied', {
      exchange,
      accountId,
      ms: Math.round(performance.now() - started),
      orders: [written.orders.inserted, written.orders.updated, written.orders.unchanged],
      executions: [written.executions.inserted, written.executions.unchanged],
      closedPnl: [written.closedPnl.inserted, written.closedPnl.unchanged],
      positions: [written.positions.inserted, written.positions.updated, written.positions.unchanged],
      cursors: batch.cursors?.length ?? 0,
    });
    return { ...written, committedAt: this.#now() };
  }

  openOrders(exchange: ExchangeName, accountId: string): Promise<StoredOrder[]> {
    return this.#op('openOrders', () => openOrders(this.#knex, exchange, accountId));
  }

  positions(exchange: ExchangeName, accountId: string): Promise<StoredPosition[]> {
    return this.#op('positions', () => positionsOf(this.#knex, exchange, accountId));
  }

  getCursors(accountId?: string): Promise<CursorRow[]> {
    return this.#op('getCursors', () => listCursors(this.#knex, accountId));
  }

  async saveCursors(rows: CursorWrite[], now: number): Promise<void> {
    validateCursorRows(rows, now);
    if (rows.length === 0) return;
    await this.#op('saveCursors', () => saveCursors(this.#knex, rows, now));
  }

  startRun(scope: string, startedAt: number): Promise<number> {
    return this.#op('startRun', () => registry.startRun(this.#em(), scope, startedAt));
  }

  finishRun(id: number, r: Omit<SyncRunRow, 'id' | 'startedAt' | 'scope'> & { finishedAt: number }): Promise<void> {
    return this.#op('finishRun', () => registry.finishRun(this.#em(), id, r));
  }

  listRuns(limit: number): Promise<SyncRunRow[]> {
    return this.#op('listRuns', () => registry.listRuns(this.#em(), limit));
  }

  exportRows(table: ExportTable, filter: ExportFilter): AsyncIterable<Record<string, unknown>> {
    // One query per page, each taking the PGlite mutex on its own: a consumer that calls the
    // store between two pages does not deadlock against its own export.
    return exportPages((q) => this.#op('exportRows', () => run(this.#knex, q.sql, q.bindings)), table, filter);
  }
}

/**
 * Opens the database (PostgreSQL pool or embedded PGlite), checks it answers, and returns the
 * store. Does not migrate: call `store.migrate()` (the CLI's `robosync migrate`, or the engine
 * at start). Throws StoreUnavailableError when the database cannot be reached.
 */
export async function createStore(config: DatabaseConfig, opts: CreateStoreOptions = {}): Promise<Store> {
  const log = (opts.logger ?? silentLogger()).child({ component: 'store' });
  if (config?.kind !== 'postgresql' && config?.kind !== 'pglite') {
    throw new RangeError(`database.kind: expected 'postgresql' or 'pglite', received ${JSON.stringify((config as { kind?: unknown })?.kind)}`);
  }
  let h: OrmHandle;
  try {
    h = await openOrm(config, log);
  } catch (err) {
    throw mapStoreError(err, 'open');
  }
  const store = new SqlStore(h, log, opts.now ?? Date.now);
  try {
    await store.ping();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  log.debug('store opened', { kind: config.kind });
  return store;
}
