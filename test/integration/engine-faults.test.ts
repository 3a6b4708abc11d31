import assert from 'node:assert/strict';
import pg from 'pg';
import { type Rig, startRig, until } from '../helpers/engine.js';

describe('engine under exchange faults (simulator, real PostgreSQL)', function () {
  this.timeout(40_000);
  let rig: Rig;

  beforeEach(async () => {
    rig = await startRig({
      config: () => ({ exchanges: { bybit: { timeoutMs: 500 } }, scheduler: { hotIntervalMs: 300, idleIntervalMs: 1500, retryMinMs: 100, retryMaxMs: 400 } }),
      robots: (sim) => [
        { id: 'f-btc', accountId: sim.accounts[0]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'f-' },
        { id: 'g-btc', accountId: sim.accounts[1]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'g-' },
      ],
    });
    await rig.engine.start();
  });
  afterEach(() => rig.close());

  async function orderStatus(orderId: string): Promise<string | undefined> {
    const c = new pg.Client({ connectionString: rig.db.url });
    await c.connect();
    try {
      return (await c.query(`select status from orders where order_id = $1`, [orderId])).rows[0]?.status;
    } finally {
      await c.end();
    }
  }

  for (const fault of [
    { name: '5xx answers', faults: { http5xxRate: 1 } },
    { name: 'timeouts (no answer)', faults: { timeoutRate: 1 } },
    { name: 'rate-limit answers (10006)', faults: { rateLimitRate: 1 } },
    { name: 'malformed JSON', faults: { malformedRate: 1 } },
  ]) {
    it(`${fault.name}: the account backs off, keeps its schedule, and no open order is marked cancelled`, async () => {
      const { sim, engine } = rig;
      const acct = sim.accounts[0]!.id;
      const px = Number(sim.price('BTCUSDT'));
      const placed = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: (px * 0.6).toFixed(1), orderLinkId: 'f-1' });
      await engine.syncNow({ accountId: acct });
      assert.equal(await orderStatus(String(placed.orderId)), 'New');
      const failures: number[] = [];
      engine.on('sync.failed', (f) => f.accountId === acct && failures.push(f.retryInMs));
      sim.setFaults({ ...fault.faults, only: { accounts: [acct] } });
      await until(() => failures.length >= 3, 15_000, 'three failed syncs');
      // backoff grows (with jitter, within the configured bounds) instead of hammering
      assert.ok(failures.every((ms) => ms >= 50 && ms <= 400 + 1), `retry delays ${failures}`);
      const st = engine.status().accounts.find((a) => a.accountId === acct)!;
      assert.ok(st.consecutiveFailures >= 3);
      assert.notEqual(st.nextSyncAt, null, 'the key stays on the schedule');
      // the other account is unaffected
      const other = await engine.syncNow({ accountId: sim.accounts[1]!.id });
      assert.equal(other.ok, true);
      // invariant 5: nothing was assumed gone
      assert.equal(await orderStatus(String(placed.orderId)), 'New');
      sim.resetFaults();
      await until(() => engine.status().accounts.find((a) => a.accountId === acct)!.lastError === null, 10_000, 'recovery');
      assert.equal(await orderStatus(String(placed.orderId)), 'New');
      // and a real change is still seen
      await sim.cancelOrder(acct, { symbol: 'BTCUSDT', orderId: String(placed.orderId) });
      await until(async () => (await orderStatus(String(placed.orderId))) === 'Cancelled', 5000, 'the cancel to be seen');
    });
  }
});
