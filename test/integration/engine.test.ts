import assert from 'node:assert/strict';
import pg from 'pg';
import { BadEventError, EngineStoppedError } from '../../src/errors.js';
import type { StoredOrder } from '../../src/store/types.js';
import { type Rig, startRig, until, waitFor } from '../helpers/engine.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';

describe('engine against the simulator (real HTTP, real PostgreSQL)', function () {
  this.timeout(30_000);
  let rig: Rig;

  beforeEach(async () => {
    rig = await startRig({
      robots: (sim) => [
        { id: 'grid-btc', accountId: sim.accounts[0]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'grid-' },
        { id: 'dca-eth', accountId: sim.accounts[0]!.id, symbols: ['ETHUSDT'] },
        { id: 'idle-bot', accountId: sim.accounts[1]!.id, symbols: ['BTCUSDT'] },
      ],
    });
    await rig.engine.start();
  });
  afterEach(() => rig.close());

  it('a robot places an order, emits order.placed, and order.changed arrives with the exchange state', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    const price = (Number(sim.price('BTCUSDT')) * 0.8).toFixed(1);
    const changed = waitFor<{ robotId: string | null; before: StoredOrder | null; after: StoredOrder }>(engine, 'order.changed', (e) => e.after.orderLinkId === 'grid-0001', 5000);
    const placed = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.010', price, orderLinkId: 'grid-0001' });
    engine.emit('order.placed', { robotId: 'grid-btc', orderId: String(placed.orderId), orderLinkId: 'grid-0001', symbol: 'BTCUSDT' });
    const e = await changed;
    assert.equal(e.robotId, 'grid-btc');
    assert.equal(e.before, null);
    assert.equal(e.after.orderId, placed.orderId);
    assert.equal(e.after.status, 'New');
    assert.equal(Number(e.after.price), Number(price));
    assert.equal(e.after.price, placed.price);
    assert.equal(e.after.qty, '0.010');
    await until(() => engine.status().robots.find((r) => r.robotId === 'grid-btc')!.tier === 'hot', 3000, 'grid-btc to turn hot');
    const st = engine.status().robots.find((r) => r.robotId === 'grid-btc')!;
    assert.equal(st.openOrders, 1);
    assert.ok(st.stalenessMs < 2000);
    // the other robot of the account stays idle
    assert.equal(engine.status().robots.find((r) => r.robotId === 'dca-eth')!.tier, 'idle');
  });

  it('a fill on the exchange reaches the database within one hot interval, without any event', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    const px = Number(sim.price('ETHUSDT'));
    const placed = await sim.placeOrder(acct, { symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', qty: '0.50', price: (px * 1.05).toFixed(2) });
    // the idle tick finds it and turns the robot hot
    await until(() => engine.status().robots.find((r) => r.robotId === 'dca-eth')!.tier === 'hot', 5000, 'dca-eth to turn hot');
    const fill = waitFor<{ robotId: string | null; execution: { orderId: string; execTime: number }; committedAt: number }>(engine, 'fill.received', (e) => e.execution.orderId === placed.orderId, 4000);
    const filledAt = Date.now();
    sim.setPrice('ETHUSDT', (px * 1.1).toFixed(2));
    const f = await fill;
    assert.equal(f.robotId, 'dca-eth');
    // hot interval is 400 ms (jitter makes it at most that); allow one sync on top
    assert.ok(f.committedAt - filledAt <= 400 + 300, `detected after ${f.committedAt - filledAt} ms`);
    const { rows } = await query(rig, `select status, cum_exec_qty from orders where order_id = $1`, [placed.orderId]);
    assert.equal(rows[0].status, 'Filled');
    assert.equal(rows[0].cum_exec_qty, '0.50');
    const pos = await query(rig, `select side, size from positions where symbol = 'ETHUSDT' and account_id = $1`, [acct]);
    assert.equal(pos.rows[0].side, 'Sell');
  });

  it('an order cancelled on the exchange is resolved by a targeted lookup, never assumed', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    const px = Number(sim.price('BTCUSDT'));
    const placed = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: (px * 0.7).toFixed(1), orderLinkId: 'grid-c1' });
    await engine.syncNow({ robotId: 'grid-btc' });
    const cancelled = waitFor<{ after: StoredOrder }>(engine, 'order.changed', (e) => e.after.orderId === placed.orderId && e.after.status === 'Cancelled', 5000);
    await sim.cancelOrder(acct, { symbol: 'BTCUSDT', orderId: String(placed.orderId) });
    engine.emit('order.cancel_requested', { robotId: 'grid-btc', orderId: String(placed.orderId) });
    const e = await cancelled;
    assert.equal(e.after.status, 'Cancelled');
    await until(() => engine.status().robots.find((r) => r.robotId === 'grid-btc')!.tier === 'idle', 3000, 'grid-btc back to idle');
  });

  it('1,000 events for one account in a burst cause at most 2 syncs', async () => {
    const { engine } = rig;
    await engine.syncNow({ accountId: rig.sim.accounts[0]!.id });
    let syncs = 0;
    engine.on('sync.completed', (s) => {
      if (s.accountId === rig.sim.accounts[0]!.id && s.reasons.some((r) => r.startsWith('order.') || r.startsWith('position.'))) syncs++;
    });
    for (let i = 0; i < 1000; i++) engine.emit(i % 2 ? 'order.placed' : 'position.opened', { robotId: i % 3 ? 'grid-btc' : 'dca-eth' });
    await until(() => {
      const s = engine.status().accounts.find((a) => a.accountId === rig.sim.accounts[0]!.id)!;
      return !s.queued && !s.running;
    }, 5000, 'the account queue to empty');
    assert.ok(syncs >= 1 && syncs <= 2, `${syncs} syncs`);
  });

  it('rejects a bad event naming the field and keeps running', async () => {
    const { engine } = rig;
    assert.throws(() => engine.emit('order.placed', { robotId: 'nobody' }), (e: unknown) => e instanceof BadEventError && e.field === 'robotId');
    assert.throws(() => engine.emit('order.placed', { robotId: 'grid-btc', orderId: 42 as unknown as string }), (e: unknown) => e instanceof BadEventError && e.field === 'orderId' && /received number 42/.test(e.message));
    assert.throws(() => engine.emit('order.exploded' as never, { robotId: 'grid-btc' }), (e: unknown) => e instanceof BadEventError && e.field === 'event');
    const r = await engine.syncNow({ robotId: 'grid-btc' });
    assert.equal(r.ok, true);
  });

  it('a listener that throws is logged, not fatal', async () => {
    const { engine } = rig;
    engine.on('sync.completed', () => {
      throw new Error('listener bug');
    });
    const r1 = await engine.syncNow({ accountId: rig.sim.accounts[1]!.id });
    const r2 = await engine.syncNow({ accountId: rig.sim.accounts[1]!.id });
    assert.equal(r1.ok && r2.ok, true);
  });

  it('survives the database cutting its connections: the sync fails clearly, then resumes with nothing lost', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    await engine.syncNow({ accountId: acct });
    const placed = await sim.placeOrder(acct, { symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '0.20' });
    // the database goes away: no new connections, every open one cut (pg_terminate_backend)
    await adminQuery(`alter database "${rig.db.name}" allow_connections false`);
    try {
      await terminateBackends(rig.db.name!);
      const failed = waitFor<{ error: string }>(engine, 'sync.failed', () => true, 5000);
      engine.emit('position.opened', { robotId: 'dca-eth', orderId: String(placed.orderId) });
      const f = await failed;
      assert.match(f.error, /StoreUnavailableError/);
      assert.equal(engine.state, 'running');
      assert.match(engine.status().accounts.find((a) => a.accountId === acct)!.lastError ?? '', /StoreUnavailableError/);
    } finally {
      await adminQuery(`alter database "${rig.db.name}" allow_connections true`);
    }
    // back: the retry (with backoff) stores the fill the failed sync could not
    await until(async () => {
      const { rows } = await query(rig, `select count(*)::int as n from executions where order_id = $1`, [placed.orderId]);
      return rows[0].n >= 1;
    }, 10_000, 'the fill to be stored after the database came back');
    await until(() => engine.status().accounts.find((a) => a.accountId === acct)!.lastError === null, 5000, 'the error to clear');
    const { rows } = await query(rig, `select count(*)::int as n from executions where order_id = $1`, [placed.orderId]);
    const truth = sim.truth({ accountId: acct }).executions.filter((e) => e.orderId === placed.orderId);
    assert.equal(rows[0].n, truth.length);
  });

  it('stop() finishes in-flight syncs, starts none, and is idempotent', async () => {
    const { engine } = rig;
    const inflight = engine.syncNow({ all: true }).catch((e: unknown) => e);
    const [a, b] = await Promise.all([engine.stop(), engine.stop()]);
    assert.equal(a, undefined);
    assert.equal(b, undefined);
    const r = await inflight;
    assert.ok(r instanceof EngineStoppedError || (r as { ok: boolean }).ok !== undefined);
    assert.equal(engine.state, 'stopped');
    assert.throws(() => engine.emit('order.placed', { robotId: 'grid-btc' }), EngineStoppedError);
    await engine.stop();
  });
});

async function query(rig: Rig, sql: string, params: unknown[]) {
  const c = new pg.Client({ connectionString: rig.db.url });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

async function adminQuery(sql: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await c.query(sql, params);
  } finally {
    await c.end();
  }
}

async function terminateBackends(db: string): Promise<number> {
  const { rows } = await adminQuery(`select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [db]);
  return rows[0].n;
}
