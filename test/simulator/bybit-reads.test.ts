import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { away, client, rawRequest, startTestSim, type BybitRaw } from './helpers.js';

const DAY = 86_400_000;

describe('simulator bybit: read endpoints', () => {
  describe('parameters', () => {
    let sim: SimulatorHandle;
    let c: BybitRaw;
    before(async () => {
      sim = await startTestSim();
      c = client(sim);
    });
    after(() => sim.close());

    it('category is required; linear realtime needs symbol/baseCoin/settleCoin; positions need symbol/settleCoin', async () => {
      assert.equal((await c.get('/v5/order/realtime', 'symbol=BTCUSDT')).retCode, 10001);
      assert.equal((await c.get('/v5/order/realtime', 'category=futures&symbol=BTCUSDT')).retCode, 10001);
      assert.equal((await c.get('/v5/order/realtime', 'category=linear')).retCode, 10001);
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&baseCoin=BTC')).retCode, 0);
      assert.equal((await c.get('/v5/position/list', 'category=linear')).retCode, 10001);
      assert.equal((await c.get('/v5/position/list', 'category=spot&settleCoin=USDT')).retCode, 10001);
      assert.equal((await c.get('/v5/position/closed-pnl', 'category=option')).retCode, 10001);
      assert.equal((await c.get('/v5/execution/list', 'category=linear')).retCode, 0);
    });

    it('limit ranges: realtime/history 1..50, executions/closed-pnl 1..100, positions 1..200', async () => {
      const cases: [string, string, number][] = [
        ['/v5/order/realtime', 'category=linear&settleCoin=USDT&limit=', 50],
        ['/v5/order/history', 'category=linear&limit=', 50],
        ['/v5/execution/list', 'category=linear&limit=', 100],
        ['/v5/position/closed-pnl', 'category=linear&limit=', 100],
        ['/v5/position/list', 'category=linear&settleCoin=USDT&limit=', 200],
      ];
      for (const [path, q, max] of cases) {
        assert.equal((await c.get(path, q + max)).retCode, 0, `${path} ${max}`);
        assert.equal((await c.get(path, q + (max + 1))).retCode, 10001, `${path} ${max + 1}`);
        assert.equal((await c.get(path, q + '0')).retCode, 10001, `${path} 0`);
        assert.equal((await c.get(path, q + 'ten')).retCode, 10001, `${path} ten`);
      }
    });

    it('unknown paths are 404 with an envelope; wrong method too; GET with a body is 403', async () => {
      const r = await rawRequest(sim.url, 'GET', '/v5/order/nothing');
      assert.equal(r.status, 404);
      assert.equal(JSON.parse(r.text).retCode, 10017);
      const m = await rawRequest(sim.url, 'POST', '/v5/market/time', { body: '{}' });
      assert.equal(m.status, 404);
      const g = await rawRequest(sim.url, 'GET', '/v5/market/time', { body: '{"a":1}' });
      assert.equal(g.status, 403);
      const p = await rawRequest(sim.url, 'PUT', '/v5/market/time');
      assert.equal(p.status, 400);
    });

    it('query endpoints answer an empty list (retCode 0) for an unknown orderId', async () => {
      for (const path of ['/v5/order/realtime', '/v5/order/history', '/v5/execution/list']) {
        const r = await c.get(path, 'category=linear&orderId=00000000-0000-4000-8000-000000000000');
        assert.equal(r.retCode, 0, path);
        assert.deepEqual(r.result.list, []);
        assert.equal(r.result.nextPageCursor, '');
      }
    });
  });

  describe('pagination, ordering and time windows', () => {
    let sim: SimulatorHandle;
    let c: BybitRaw;
    before(async () => {
      sim = await startTestSim({ accounts: 2 });
      c = client(sim);
      sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 6, executions: 400 });
      sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 30, executions: 300, endAt: sim.now() - 8 * DAY });
    });
    after(() => sim.close());

    it('executions: newest execTime first with real ties, 3+ pages, stable under inserts', async () => {
      const t = sim.truth({ accountId: sim.accounts[0]!.id });
      const startedAt = sim.now();
      const expected = t.executions.filter((e: any) => Number(e.execTime) >= startedAt - 7 * DAY).map((e: any) => e.execId).sort();
      let inserted = 0;
      const { rows, pages } = await c.all('/v5/execution/list', { category: 'linear', limit: 50 }, async () => {
        // New fills land in front of the cursor and must not disturb the pages still to come.
        await c.post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: inserted % 2 ? 'Sell' : 'Buy', orderType: 'Market', qty: '0.01' });
        inserted++;
      });
      assert.ok(pages >= 3, `pages ${pages}`);
      const ids = rows.map((r: any) => r.execId);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      assert.deepEqual(ids.filter((id: string) => expected.includes(id)).sort(), expected);
      assert.equal(ids.length, expected.length, 'nothing newer than the first page leaks into later pages');
      const times = rows.map((r: any) => Number(r.execTime));
      for (let i = 1; i < times.length; i++) assert.ok(times[i]! <= times[i - 1]!, 'execTime descending');
      assert.ok(times.some((x, i) => i > 0 && x === times[i - 1]), 'some rows share an execTime');
      assert.ok(rows.some((r: any) => r.execType === 'Funding' && r.orderType === 'UNKNOWN'), 'funding rows are in the list');
    });

    it('order history and closed PnL page the same way, newest first, "" on the last page', async () => {
      const oh = await c.all('/v5/order/history', { category: 'linear', limit: 20 });
      assert.ok(oh.pages >= 3);
      const created = oh.rows.map((o: any) => Number(o.createdTime));
      for (let i = 1; i < created.length; i++) assert.ok(created[i]! <= created[i - 1]!);
      assert.equal(new Set(oh.rows.map((o: any) => o.orderId)).size, oh.rows.length);
      const cp = await c.all('/v5/position/closed-pnl', { category: 'linear', limit: 30 });
      assert.ok(cp.pages >= 3);
      const t = cp.rows.map((o: any) => Number(o.createdTime));
      for (let i = 1; i < t.length; i++) assert.ok(t[i]! <= t[i - 1]!);
    });

    it('cursor tokens are percent-encoded and accepted in the raw and the re-encoded form', async () => {
      const p1 = await c.get('/v5/execution/list', 'category=linear&limit=10');
      const token: string = p1.result.nextPageCursor;
      assert.match(token, /%/);
      assert.doesNotMatch(token, /[=&]/);
      const reencoded = await c.get('/v5/execution/list', `category=linear&limit=10&cursor=${encodeURIComponent(token)}`);
      const raw = await c.get('/v5/execution/list', `category=linear&limit=10&cursor=${token}`);
      assert.equal(reencoded.retCode, 0);
      assert.deepEqual(raw.result.list, reencoded.result.list);
      assert.notEqual(raw.result.list[0].execId, p1.result.list[0].execId);
      assert.equal((await c.get('/v5/execution/list', 'category=linear&cursor=garbage')).retCode, 10001);
    });

    it('7-day rules: default last 7 days; one-sided ranges extend 7 days; wider than 7 days is 10001', async () => {
      const now = sim.now();
      const all = sim.truth({ accountId: sim.accounts[0]!.id }).executions;
      const count = (a: number, b: number) => all.filter((e: any) => Number(e.execTime) >= a && Number(e.execTime) <= b).length;
      const n = async (q: Record<string, string | number>) => (await c.all('/v5/execution/list', { category: 'linear', limit: 100, ...q })).rows.length;
      const s = now - 20 * DAY;
      assert.equal(await n({ startTime: s }), count(s, s + 7 * DAY));
      assert.equal(await n({ endTime: now - 10 * DAY }), count(now - 17 * DAY, now - 10 * DAY));
      assert.equal(await n({ startTime: s, endTime: s + 7 * DAY }), count(s, s + 7 * DAY));
      const wide = await c.get('/v5/execution/list', { category: 'linear', startTime: s, endTime: s + 7 * DAY + 1 });
      assert.equal(wide.retCode, 10001);
      const backwards = await c.get('/v5/order/history', { category: 'linear', startTime: s, endTime: s - 1 });
      assert.equal(backwards.retCode, 10001);
      assert.ok(count(s, s + 7 * DAY) > 0);
    });
  });

  describe('retention, the closed-order cache and the history lag', () => {
    let sim: SimulatorHandle;
    let c: BybitRaw;
    let now = Date.now();
    before(async () => {
      sim = await startTestSim({ now: () => now, behaviour: { closedOrderCacheSize: 5 } });
      c = client(sim);
    });
    after(() => sim.close());

    it('unfilled cancelled orders show in history for 24 h only; filled ones stay', async () => {
      const r = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', -0.3) });
      await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: r.result.orderId });
      const filled = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' });
      const created = now;
      const inHistory = async (id: string) => (await c.get('/v5/order/history', { category: 'linear', startTime: created - 1000 })).result.list.some((o: any) => o.orderId === id);
      assert.ok(await inHistory(r.result.orderId));
      now += 23 * 3_600_000;
      assert.ok(await inHistory(r.result.orderId));
      now += 2 * 3_600_000;
      assert.ok(!(await inHistory(r.result.orderId)), 'gone after 24 h');
      assert.equal((await c.get('/v5/order/history', { category: 'linear', orderId: r.result.orderId })).result.list.length, 0);
      now += 8 * DAY;
      assert.ok(await inHistory(filled.result.orderId), 'filled orders stay after 7 days');
    });

    it('openOnly=1 keeps the last N closed orders; restart() wipes them, history still has them', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        now += 10;
        const r = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: i % 2 ? 'Sell' : 'Buy', orderType: 'Market', qty: '0.001' });
        ids.push(r.result.orderId);
      }
      const closed = (await c.get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT&openOnly=1&limit=50')).result.list.map((o: any) => o.orderId);
      assert.deepEqual(closed, ids.slice(-5).reverse());
      sim.restart();
      assert.deepEqual((await c.get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT&openOnly=1')).result.list, []);
      assert.equal((await c.get('/v5/order/history', { category: 'linear', orderId: ids[6]! })).result.list[0].orderStatus, 'Filled');
    });

    it('historyLagMs: history shows the state as of now - lag; realtime is current', async () => {
      sim.setFaults({ historyLagMs: 1000 });
      try {
        const price = away(sim, 'BTCUSDT', -0.05);
        const r = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price });
        const id = r.result.orderId;
        const hist = async () => (await c.get('/v5/order/history', { category: 'linear', orderId: id })).result.list[0];
        assert.equal(await hist(), undefined, 'not written yet');
        now += 500;
        sim.setPrice('BTCUSDT', (Number(price) - 10).toFixed(1));
        assert.equal((await c.get('/v5/order/realtime', { category: 'linear', orderId: id })).result.list[0].orderStatus, 'Filled');
        now += 600; // 1100 ms after creation, 600 after the fill
        assert.equal((await hist()).orderStatus, 'New');
        const fills = async () => (await c.get('/v5/execution/list', { category: 'linear', orderId: id })).result.list.length;
        assert.equal(await fills(), 0);
        now += 500;
        assert.equal((await hist()).orderStatus, 'Filled');
        assert.equal(await fills(), 1);
      } finally {
        sim.setFaults({ historyLagMs: 0 });
      }
    });

    it('nothing older than 2 years: clamped by default', async () => {
      sim.generateHistory({ days: 20, executions: 600, endAt: now - 725 * DAY });
      const all = sim.truth().executions.filter((e: any) => Number(e.execTime) < now - 720 * DAY);
      const older = all.filter((e: any) => Number(e.execTime) < now - 730 * DAY).length;
      assert.ok(older > 0 && older < all.length);
      const { rows } = await c.all('/v5/execution/list', { category: 'linear', limit: 100, startTime: now - 735 * DAY, endTime: now - 728 * DAY });
      assert.ok(rows.length > 0);
      assert.ok(rows.every((e: any) => Number(e.execTime) >= now - 730 * DAY));
    });
  });

  describe('rate limits', () => {
    let sim: SimulatorHandle;
    let now = Date.now();
    before(async () => {
      sim = await startTestSim({ accounts: 2, now: () => now, limits: { uidReadPerSec: 5, uidWritePerSec: 2, ipLimit: 40, ipWindowMs: 5000, ipBanMs: 60_000 } });
    });
    after(() => sim.close());

    it('per UID per endpoint: 10006 "Too many visits!" on HTTP 200 with X-Bapi-Limit* headers', async () => {
      const c = client(sim, 0);
      const statuses: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await c.getRaw('/v5/order/realtime', 'category=linear&settleCoin=USDT');
        assert.equal(JSON.parse(r.text).retCode, 0);
        statuses.push(String(r.headers['x-bapi-limit-status']));
        assert.equal(r.headers['x-bapi-limit'], '5');
      }
      assert.deepEqual(statuses, ['4', '3', '2', '1', '0']);
      const limited = await c.getRaw('/v5/order/realtime', 'category=linear&settleCoin=USDT');
      assert.equal(limited.status, 200);
      const b = JSON.parse(limited.text);
      assert.equal(b.retCode, 10006);
      assert.equal(b.retMsg, 'Too many visits!');
      assert.equal(limited.headers['x-bapi-limit-status'], '0');
      assert.equal(Number(limited.headers['x-bapi-limit-reset-timestamp']), now + 1000);
      // Other endpoints and other UIDs have their own buckets.
      assert.equal((await c.get('/v5/position/list', 'category=linear&settleCoin=USDT')).retCode, 0);
      assert.equal((await client(sim, 1).get('/v5/order/realtime', 'category=linear&settleCoin=USDT')).retCode, 0);
      // Rolling window: a second later the bucket has room again.
      now += 1001;
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT')).retCode, 0);
      // Order writes have the write budget.
      const w = () => c.post('/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' });
      assert.equal((await w()).retCode, 0);
      assert.equal((await w()).retCode, 0);
      assert.equal((await w()).retCode, 10006);
      assert.ok(sim.stats().rateLimitAnswers >= 2);
    });

    it('per IP: HTTP 403 and a ban for ipBanMs, for every endpoint', async () => {
      now += 10_000;
      const c = client(sim, 1);
      let first403 = -1;
      for (let i = 0; i < 45; i++) {
        const r = await rawRequest(sim.url, 'GET', '/v5/market/time');
        if (r.status === 403 && first403 < 0) first403 = i;
        assert.ok(r.headers['x-bapi-limit'], 'limit headers on every answer');
      }
      assert.equal(first403, 40);
      const priv = await c.getRaw('/v5/order/realtime', 'category=linear&settleCoin=USDT');
      assert.equal(priv.status, 403);
      assert.equal(sim.stats().ipBans, 1);
      now += 59_000;
      assert.equal((await rawRequest(sim.url, 'GET', '/v5/market/time')).status, 403);
      now += 1_001;
      assert.equal((await rawRequest(sim.url, 'GET', '/v5/market/time')).status, 200);
    });
  });
});
