import assert from 'node:assert/strict';
import pg from 'pg';
import { type Rig, startRig, until, waitFor } from '../helpers/engine.js';

describe('engine with the private stream (simulator WebSocket, real PostgreSQL)', function () {
  this.timeout(30_000);
  let rig: Rig;
  let streamStates: { state: string; reconnect?: boolean }[];

  beforeEach(async () => {
    rig = await startRig({
      config: () => ({ exchanges: { bybit: { privateStream: true, heartbeatMs: 500 } }, scheduler: { hotIntervalMs: 2000, idleIntervalMs: 8000 } }),
      robots: (sim) => [{ id: 'ws-bot', accountId: sim.accounts[0]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'ws-' }],
    });
    streamStates = [];
    rig.engine.on('stream.state', (s) => streamStates.push(s));
    await rig.engine.start();
    await until(() => streamStates.some((s) => s.state === 'open'), 5000, 'the stream to open');
  });
  afterEach(() => rig.close());

  async function count(sql: string, params: unknown[]): Promise<number> {
    const c = new pg.Client({ connectionString: rig.db.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows[0].n;
    } finally {
      await c.end();
    }
  }

  it('stores pushed fills at once, far inside the REST interval, and counts the robot fresh by heartbeat', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    const px = Number(sim.price('BTCUSDT'));
    const order = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price: (px * 0.98).toFixed(1), orderLinkId: 'ws-1' });
    await waitFor(engine, 'order.changed', (e: { after: { orderId: string } }) => e.after.orderId === order.orderId, 3000);
    const fill = waitFor<{ committedAt: number; execution: { orderId: string } }>(engine, 'fill.received', (e) => e.execution.orderId === order.orderId, 3000);
    const t0 = Date.now();
    sim.setPrice('BTCUSDT', (px * 0.97).toFixed(1));
    const f = await fill;
    assert.ok(f.committedAt - t0 < 1000, `pushed fill stored after ${f.committedAt - t0} ms (REST hot interval is 2000 ms)`);
    await until(() => engine.status().robots[0]!.tier === 'hot', 3000, 'the robot to turn hot (position)');
    // with the stream healthy, staleness follows the heartbeat, not the REST interval
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(engine.status().robots[0]!.stalenessMs < 1500, `staleness ${engine.status().robots[0]!.stalenessMs} ms`);
    assert.equal(engine.status().accounts.find((a) => a.accountId === acct)!.stream, 'connected');
  });

  it('a dropped connection reconnects and backfills what happened while it was down', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    // drop the stream, and while it is down trade on the exchange
    sim.setFaults({ wsDropEveryMs: 200 });
    await until(() => streamStates.some((s) => s.state === 'closed'), 5000, 'the stream to drop');
    const placed = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.003', orderLinkId: 'ws-gap' });
    sim.setFaults({ wsDropEveryMs: 0 });
    await until(() => streamStates.some((s) => s.state === 'open' && s.reconnect), 10_000, 'the stream to reconnect');
    await until(async () => (await count(`select count(*)::int as n from executions where order_id = $1`, [placed.orderId])) > 0, 8000, 'the gap to be backfilled');
    const truth = sim.truth({ accountId: acct }).executions.filter((e) => e.orderId === placed.orderId).length;
    assert.equal(await count(`select count(*)::int as n from executions where order_id = $1`, [placed.orderId]), truth);
    const status = await count(`select count(*)::int as n from orders where order_id = $1 and status = 'Filled'`, [placed.orderId]);
    assert.equal(status, 1);
  });

  it('duplicate Filled pushes are harmless', async () => {
    const { sim, engine } = rig;
    const acct = sim.accounts[0]!.id;
    sim.setFaults({ wsDuplicateFilledRate: 1 });
    const changes: string[] = [];
    engine.on('order.changed', (e) => changes.push(`${e.after.orderId}:${e.after.status}`));
    const placed = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', orderLinkId: 'ws-dup' });
    await until(() => changes.includes(`${placed.orderId}:Filled`), 5000, 'the fill to arrive');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(changes.filter((c) => c === `${placed.orderId}:Filled`).length, 1, 'a replayed Filled changes nothing');
    assert.equal(await count(`select count(*)::int as n from orders where order_id = $1`, [placed.orderId]), 1);
  });
});
