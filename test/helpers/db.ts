/**
 * Test databases: a fresh, uniquely named PostgreSQL database per test file (dropped in the
 * file's `after` hook, whatever happened), or a fresh in-memory PGlite. The same suites run on
 * both through `DB_KINDS`.
 *
 * TEST_DATABASE_URL points at a server and a maintenance database we may CREATE DATABASE from
 * (default postgres://postgres@127.0.0.1:5432/postgres, trust auth).
 */
import pg from 'pg';
import type { ClosedPnlReport, ExecutionReport, OrderReport, PositionReport } from '../../src/domain/types.js';
import { createStore, storeInternals } from '../../src/store/store.js';
import { TABLES } from '../../src/store/entities.js';
import type { DatabaseConfig, Store } from '../../src/store/types.js';
import type { Logger } from '../../src/util/logger.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type DbKind = 'postgresql' | 'pglite';
export const DB_KINDS: readonly DbKind[] = ['postgresql', 'pglite'];

/** Database names this helper makes: prefix, owning pid, counter, random suffix. */
const PREFIX = 'rs_store_t_';
let counter = 0;

export interface TestDb {
  kind: DbKind;
  config: DatabaseConfig;
  /** PostgreSQL only */
  name?: string;
  url?: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let swept = false;
/** Drops databases left behind by test processes that died before their `after` hook. */
async function sweepOrphans(c: pg.Client): Promise<void> {
  if (swept) return;
  swept = true;
  const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like '${PREFIX}%'`);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      await c.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
  }
}

export function urlFor(name: string): string {
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDb(kind: DbKind, poolSize = 4): Promise<TestDb> {
  if (kind === 'pglite') {
    return { kind, config: { kind: 'pglite', dataDir: 'memory://' }, drop: async () => undefined };
  }
  const name = `${PREFIX}${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
  await admin(async (c) => {
    await sweepOrphans(c);
    await c.query(`create database "${name}"`);
  });
  const url = urlFor(name);
  let dropped = false;
  return {
    kind,
    name,
    url,
    config: { kind: 'postgresql', url, poolSize },
    drop: async () => {
      if (dropped) return;
      dropped = true;
      // WITH (FORCE) (PostgreSQL 13+): a store that failed to close must not keep it alive.
      await admin((c) => c.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

export interface StoreFixture {
  readonly kind: DbKind;
  readonly db: TestDb;
  readonly store: Store;
  /** raw SQL through the store (its PGlite mutex included) */
  query<T = Record<string, unknown>>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  /** empties every ledger table (keeps the schema and the migrations table) */
  reset(): Promise<void>;
}

/**
 * Registers before/after hooks in the current `describe`: one database and one migrated store
 * for the whole block (PGlite start-up costs 0.4-2.8 s, so not one per test).
 */
export function useStore(kind: DbKind, opts: { migrate?: boolean; logger?: Logger; poolSize?: number } = {}): StoreFixture {
  let db: TestDb | undefined;
  let store: Store | undefined;
  before(async function () {
    this.timeout(60_000);
    db = await createTestDb(kind, opts.poolSize);
    store = await createStore(db.config, { logger: opts.logger });
    if (opts.migrate !== false) await store.migrate();
  });
  after(async function () {
    this.timeout(30_000);
    try {
      await store?.close();
    } finally {
      await db?.drop();
    }
  });
  const fx: StoreFixture = {
    kind,
    get db() {
      if (!db) throw new Error('fixture database not ready (used outside a test?)');
      return db;
    },
    get store() {
      if (!store) throw new Error('fixture store not ready (used outside a test?)');
      return store;
    },
    query: (sql, bindings) => storeInternals(fx.store).query(sql, bindings),
    reset: async () => {
      await storeInternals(fx.store).query(`truncate ${TABLES.join(', ')} restart identity`);
    },
  };
  return fx;
}

// ---- report factories (plain data; every field overridable) ----


export function orderReport(o: Partial<OrderReport> = {}): OrderReport {
  return {
    orderId: 'o-1',
    orderLinkId: null,
    symbol: 'BTCUSDT',
    side: 'Buy',
    orderType: 'Limit',
    price: '65000.5',
    qty: '0.01',
    cumExecQty: '0',
    cumExecValue: '0',
    avgPrice: '0',
    fee: '0',
    status: 'New',
    reduceOnly: false,
    createdTime: 1_700_000_000_000,
    updatedTime: 1_700_000_000_000,
    raw: { source: 'test' },
    ...o,
  };
}

export function executionReport(o: Partial<ExecutionReport> = {}): ExecutionReport {
  return {
    execId: 'e-1',
    orderId: 'o-1',
    orderLinkId: null,
    symbol: 'BTCUSDT',
    side: 'Buy',
    price: '65000.5',
    qty: '0.001',
    value: '65.0005',
    fee: '0.0357',
    feeCurrency: 'USDT',
    isMaker: true,
    execType: 'Trade',
    execTime: 1_700_000_000_000,
    raw: { source: 'test' },
    ...o,
  };
}

export function closedPnlReport(o: Partial<ClosedPnlReport> = {}): ClosedPnlReport {
  return {
    orderId: 'o-close-1',
    symbol: 'BTCUSDT',
    side: 'Sell',
    qty: '0.01',
    orderPrice: '66000',
    orderType: 'Market',
    execType: 'Trade',
    closedSize: '0.01',
    cumEntryValue: '650.005',
    avgEntryPrice: '65000.5',
    cumExitValue: '660',
    avgExitPrice: '66000',
    closedPnl: '9.995',
    fillCount: 1,
    leverage: '10',
    openFee: '0.357',
    closeFee: '0.363',
    createdTime: 1_700_000_100_000,
    updatedTime: 1_700_000_100_000,
    raw: { source: 'test' },
    ...o,
  };
}

export function positionReport(o: Partial<PositionReport> = {}): PositionReport {
  return {
    symbol: 'BTCUSDT',
    positionIdx: 0,
    side: 'Buy',
    size: '0.01',
    avgPrice: '65000.5',
    unrealisedPnl: '1.5',
    realisedPnl: '0',
    updatedTime: 1_700_000_000_000,
    seq: '100',
    raw: { source: 'test' },
    ...o,
  };
}
