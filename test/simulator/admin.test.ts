import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { away, client, rawRequest, startTestSim, waitFor } from './helpers.js';

async function admin(sim: { url: string }, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const r = await rawRequest(sim.url, method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: r.status, body: JSON.parse(r.text) };
}

describe('simulator: admin API (/__sim/)', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startTestSim({ accounts: 3 });
  });
  after(() => sim.close());

  it('info, accounts, time', async () => {
    const i = await admin(sim, 'GET', '/__sim/info');
    assert.deepEqual(i.body, sim.info());
    assert.equal((await admin(sim, 'GET', '/__sim/accounts')).body.length, 3);
    assert.equal(typeof (await admin(sim, 'GET', '/__sim/time')).body.now, 'number');
  });

  it('orders: place, cancel, cancel-all; truth records them with changedAt; errors are 400/404', async () => {
    const acct = sim.accounts[0]!.id;
    const price = away(sim, 'BTCUSDT', -0.2);
    const p = await admin(sim, 'POST', '/__sim/orders', { accountId: acct, symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price, orderLinkId: 'adm-1' });
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.equal(p.body.orderStatus, 'New');
    assert.equal(p.body.accountId, acct);
    const c = await admin(sim, 'POST', '/__sim/orders/cancel', { accountId: acct, orderLinkId: 'adm-1' });
    assert.equal(c.body.orderStatus, 'Cancelled');
    await admin(sim, 'POST', '/__sim/orders', { accountId: acct, symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', price: away(sim, 'ETHUSDT', 0.2) });
    const all = await admin(sim, 'POST', '/__sim/orders/cancel-all', { accountId: acct });
    assert.equal(all.body.length, 1);
    const t = await admin(sim, 'GET', `/__sim/truth?accountId=${acct}`);
    assert.equal(t.body.orders.length, 2);
    assert.ok(t.body.orders.every((o: any) => typeof o.changedAt === 'number' && o.accountId === acct));
    assert.ok(t.body.journal.some((j: any) => j.kind === 'order' && j.change === 'cancelled'));
    const since = await admin(sim, 'GET', `/__sim/truth?since=${Date.now() + 60_000}`);
    assert.equal(since.body.orders.length, 0);
    const some = await admin(sim, 'GET', `/__sim/truth?accountId=${acct}&include=orders,positions`);
    assert.equal(some.body.orders.length, 2);
    assert.deepEqual([some.body.executions, some.body.journal], [[], []]);
    assert.equal((await admin(sim, 'GET', '/__sim/truth?include=trades')).status, 400);
    assert.equal((await admin(sim, 'POST', '/__sim/orders', { accountId: 'nobody', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' })).status, 404);
    assert.equal((await admin(sim, 'POST', '/__sim/orders', { accountId: acct, symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.0001' })).status, 400);
    assert.equal((await admin(sim, 'POST', '/__sim/orders/cancel', { accountId: acct, orderId: 'nope' })).status, 400);
    assert.equal((await rawRequest(sim.url, 'POST', '/__sim/orders', { body: '{oops' })).status, 400);
    assert.equal((await admin(sim, 'GET', '/__sim/nothing')).status, 404);
  });

  it('price, faults, history, funding, restart, stats, limits', async () => {
    const px = await admin(sim, 'POST', '/__sim/price', { symbol: 'ETHUSDT', price: '2000.00' });
    assert.deepEqual(px.body, { symbol: 'ETHUSDT', price: '2000' });
    assert.equal((await admin(sim, 'GET', '/__sim/price?symbol=ETHUSDT')).body.price, '2000');
    assert.equal((await admin(sim, 'POST', '/__sim/price', { symbol: 'ETHUSDT', price: '2000.001' })).status, 400);
    const f = await admin(sim, 'PUT', '/__sim/faults', { latencyMs: 5, only: { accounts: ['acc-2'] } });
    assert.equal(f.body.latencyMs, 5);
    assert.deepEqual(f.body.only, { accounts: ['acc-2'] });
    assert.equal((await admin(sim, 'PUT', '/__sim/faults', { latencyMs: -1 })).status, 400);
    assert.equal((await admin(sim, 'DELETE', '/__sim/faults')).body.latencyMs, 0);
    const h = await admin(sim, 'POST', '/__sim/history', { accountId: 'acc-3', days: 10, executions: 50 });
    assert.ok(h.body.orders > 0 && h.body.executions >= 40 && h.body.closedPnl > 0, JSON.stringify(h.body));
    assert.equal((await admin(sim, 'POST', '/__sim/history', { days: -1, executions: 5 })).status, 400);
    await client(sim, 1).post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' });
    assert.equal((await admin(sim, 'POST', '/__sim/funding')).body.executions, 1);
    assert.deepEqual((await admin(sim, 'POST', '/__sim/restart')).body, { ok: true });
    const st = await admin(sim, 'GET', '/__sim/stats');
    assert.equal(st.body.requests['/v5/order/create'], 1);
    assert.equal(st.body.byAccount['acc-2']['/v5/order/create'], 1);
    assert.equal(st.body.requests['/__sim/stats'], undefined, 'admin calls are not counted');
    assert.deepEqual((await admin(sim, 'POST', '/__sim/stats/reset')).body.requests, {});
    assert.deepEqual((await admin(sim, 'POST', '/__sim/limits/reset')).body, { ok: true });
  });

  it('scenario: robot-like order flow until stopped, visible in truth and on the wire', async () => {
    const start = await admin(sim, 'POST', '/__sim/scenario', { accounts: 2, ordersPerSecond: 400, cancelRate: 0.3, marketRate: 0.2 });
    assert.equal(start.body.running, true);
    await waitFor(() => sim.scenarioStatus().placed >= 60, 3000, 'scenario orders');
    const stop = await admin(sim, 'DELETE', '/__sim/scenario');
    assert.equal(stop.body.running, false);
    assert.ok(stop.body.cancelled > 0 && stop.body.market > 0, JSON.stringify(stop.body));
    assert.equal(stop.body.errors, 0);
    const t = sim.truth({ accountId: 'acc-1' });
    assert.ok(t.orders.some((o: any) => o.orderLinkId.startsWith('scn-')));
    const placed = sim.scenarioStatus().placed;
    await new Promise((r) => setTimeout(r, 120));
    assert.equal(sim.scenarioStatus().placed, placed, 'stopped');
    const timed = await admin(sim, 'POST', '/__sim/scenario', { ordersPerSecond: 50, durationMs: 100 });
    assert.equal(timed.body.running, true);
    await waitFor(() => !sim.scenarioStatus().running, 2000, 'duration end');
    assert.equal((await admin(sim, 'POST', '/__sim/scenario', { ordersPerSecond: 0 })).status, 400);
  });
});

describe('simulator: robosync simulator (CLI)', () => {
  it('prints one JSON line first, serves, loads --faults (YAML), and exits cleanly on SIGTERM', async function () {
    this.timeout(30_000);
    const faults = join(mkdtempSync(join(tmpdir(), 'robosync-sim-')), 'faults.yaml');
    writeFileSync(faults, 'latencyMs: 3\nonly:\n  endpoints: [/v5/order/realtime]\n');
    const args = ['--port', '0', '--seed', '7', '--accounts', '2', '--symbols', 'BTCUSDT,SOLUSDT', '--log-level', 'warn', '--faults', faults];
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'simulator', ...args], {
      cwd: new URL('../../', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const rl = createInterface({ input: child.stdout! });
      const [line] = (await once(rl, 'line')) as [string];
      const info = JSON.parse(line);
      assert.equal(info.exchange, 'bybit');
      assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.wsUrl, info.url.replace('http', 'ws'));
      assert.deepEqual(info.symbols, ['BTCUSDT', 'SOLUSDT']);
      assert.equal(info.accounts.length, 2);
      const st = await admin(info, 'GET', '/__sim/info');
      assert.deepEqual(st.body, info);
      const f = await admin(info, 'GET', '/__sim/faults');
      assert.equal(f.body.latencyMs, 3);
      assert.deepEqual(f.body.only, { endpoints: ['/v5/order/realtime'] });
      const c = client({ url: info.url, accounts: [{ ...info.accounts[0], uid: '' }], now: Date.now } as never);
      assert.equal((await c.get('/v5/position/list', 'category=linear&settleCoin=USDT')).retCode, 0);
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('rejects bad arguments with exit code 2 and a message naming the option', async function () {
    this.timeout(30_000);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'simulator', '--port', 'abc'], { cwd: new URL('../../', import.meta.url).pathname, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 2);
    assert.match(err, /--port/);
  });
});
