import assert from 'node:assert/strict';
import net from 'node:net';
import pg from 'pg';
import { StoreUnavailableError } from '../../src/errors.js';
import { createStore } from '../../src/store/store.js';
import type { Store, SyncBatch } from '../../src/store/types.js';
import { createTestDb, executionReport, orderReport, TEST_DATABASE_URL, useStore, type TestDb } from '../helpers/db.js';

/**
 * PostgreSQL only: what the engine sees when the database goes away under it. Backends are
 * killed with pg_terminate_backend, and a TCP proxy stands in for a server that stops and
 * comes back. Nothing sleeps on a guess: the tests poll pg_stat_activity for the state they need.
 */

const ACCOUNT = 'acc-outage';
const batch = (b: Omit<SyncBatch, 'exchange' | 'accountId' | 'now'>): SyncBatch => ({ exchange: 'bybit', accountId: ACCOUNT, now: 1_800_000_000_000, ...b });

async function adminClient(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  return c;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A TCP proxy to PostgreSQL that can be cut (every socket destroyed, new ones refused) and restored. */
class Proxy {
  #server: net.Server | null = null;
  #sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: { host: string; port: number }) {}

  async up(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('store outage (postgresql)', function () {
  this.timeout(30_000);
  const fx = useStore('postgresql');

  it('fails to open with StoreUnavailableError when nothing listens, without the password', async () => {
    const secret = 'pw-that-must-not-leak-42';
    const err = await createStore({ kind: 'postgresql', url: `postgres://postgres:${secret}@127.0.0.1:1/postgres`, poolSize: 2 }).then(
      () => assert.fail('opened a store on a closed port'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof StoreUnavailableError, `got ${String(err)}`);
    assert.match(err.message, /ECONNREFUSED|unavailable/);
    assert.ok(!err.message.includes(secret) && !String(err.stack).includes(secret), 'password kept out of the error');
  });

  it('fails a sync cleanly when its backend is terminated mid-transaction, then recovers', async () => {
    await fx.store.applySync(batch({ orders: [{ report: orderReport({ orderId: 'held' }), robotId: null }] }));
    const admin = await adminClient(fx.db.url!);
    try {
      // Hold the order's row so the store's transaction stops inside, after its first writes.
      await admin.query('begin');
      await admin.query(`select 1 from orders where order_id = 'held' for update`);
      const page = batch({
        executions: Array.from({ length: 50 }, (_, i) => ({ report: executionReport({ execId: `x-${i}` }), robotId: null })),
        orders: [{ report: orderReport({ orderId: 'held', status: 'Filled', cumExecQty: '0.01', updatedTime: 1_700_000_000_999 }), robotId: null }],
        cursors: [{ stream: 'executions', symbol: '', time: 5, id: 'x-49', exchangeCursor: null }],
      });
      const sync = fx.store.applySync(page);
      const pid = await until('the store to wait on the row lock', async () => {
        const r = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity where datname = $1 and wait_event_type = 'Lock' and pid <> pg_backend_pid()`,
          [fx.db.name],
        );
        return r.rows[0]?.pid;
      });
      await admin.query('select pg_terminate_backend($1)', [pid]);
      await assert.rejects(sync, (e: unknown) => e instanceof StoreUnavailableError && /unavailable/.test((e as Error).message));
      await admin.query('rollback');

      const count = await admin.query<{ n: string }>(`select count(*) as n from executions`);
      assert.equal(count.rows[0]!.n, '0', 'the executions written before the cut were rolled back');
      assert.deepEqual(await fx.store.getCursors(ACCOUNT), [], 'the cursor did not move');

      const again = await fx.store.applySync(page);
      assert.deepEqual([again.executions.inserted, again.orders.updated], [50, 1]);
      assert.equal((await fx.store.getCursors(ACCOUNT))[0]!.id, 'x-49');
    } finally {
      await admin.end();
    }
  });

  it('hands out fresh connections after every backend was terminated', async () => {
    await Promise.all([fx.store.ping(), fx.store.ping(), fx.store.ping()]);
    const admin = await adminClient(TEST_DATABASE_URL);
    try {
      const r = await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [
        fx.db.name,
      ]);
      assert.ok(r.rowCount! >= 1, 'the store had connections to terminate');
    } finally {
      await admin.end();
    }
    // A call may meet a connection whose death it has not noticed yet; it must then fail as
    // unavailable, and the one after must succeed on a new connection.
    for (let attempt = 1; ; attempt++) {
      try {
        await fx.store.ping();
        break;
      } catch (err) {
        assert.ok(err instanceof StoreUnavailableError, `expected StoreUnavailableError, got ${String(err)}`);
        assert.ok(attempt < 3, 'still failing after the pool should have replaced its connections');
      }
    }
    assert.equal((await fx.store.applySync(batch({ orders: [{ report: orderReport({ orderId: 'after' }), robotId: null }] }))).orders.inserted, 1);
  });

  describe('behind a proxy that goes down and comes back', () => {
    let db: TestDb;
    let store: Store | undefined;
    const target = new URL(TEST_DATABASE_URL);
    const proxy = new Proxy({ host: target.hostname, port: Number(target.port || 5432) });

    before(async () => {
      db = await createTestDb('postgresql');
      await proxy.up();
      const url = new URL(db.url!);
      url.port = String(proxy.port);
      url.hostname = '127.0.0.1';
      store = await createStore({ kind: 'postgresql', url: url.toString(), poolSize: 2 });
      await store.migrate();
    });
    after(async () => {
      await store?.close().catch(() => undefined);
      await proxy.down();
      await db?.drop();
    });

    it('reports the outage as StoreUnavailableError and works again once the server is back', async () => {
      const s = store!;
      await s.applySync(batch({ orders: [{ report: orderReport({ orderId: 'before' }), robotId: null }] }));
      await proxy.down();
      for (const call of [() => s.ping(), () => s.applySync(batch({ orders: [{ report: orderReport({ orderId: 'during' }), robotId: null }] }))]) {
        await assert.rejects(call(), (e: unknown) => e instanceof StoreUnavailableError);
      }
      await proxy.up();
      await s.ping();
      const r = await s.applySync(batch({ orders: [{ report: orderReport({ orderId: 'during' }), robotId: null }] }));
      assert.equal(r.orders.inserted, 1);
      assert.deepEqual(
        (await s.openOrders('bybit', ACCOUNT)).map((o) => o.orderId),
        ['before', 'during'],
      );
    });
  });
});
