import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { client, rawRequest, startTestSim } from './helpers.js';

describe('simulator: REST faults', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startTestSim({ accounts: 2 });
  });
  afterEach(() => sim.resetFaults());
  after(() => sim.close());

  const q = 'category=linear&settleCoin=USDT';

  it('http5xxRate=1: 500/502/503/504 answers and no effect', async () => {
    sim.setFaults({ http5xxRate: 1 });
    const c = client(sim);
    const seen = new Set<number>();
    for (let i = 0; i < 30; i++) seen.add((await c.getRaw('/v5/order/realtime', q)).status);
    assert.ok([...seen].every((s) => [500, 502, 503, 504].includes(s)), [...seen].join());
    assert.ok(seen.size >= 3);
    const before = sim.truth().orders.length;
    const r = await c.postRaw('/v5/order/create', JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }));
    assert.ok(r.status >= 500);
    assert.equal(sim.truth().orders.length, before, 'a 5xx has no effect');
  });

  it('timeoutRate=1: the request takes effect but is never answered', async () => {
    sim.setFaults({ timeoutRate: 1 });
    const c = client(sim);
    const before = sim.truth().orders.length;
    await assert.rejects(rawRequest(sim.url, 'POST', '/v5/order/create', {
      body: JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }),
      headers: { 'content-type': 'application/json', ...c.headers(JSON.stringify({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' })) },
      timeoutMs: 200,
    }), /client timeout/);
    assert.equal(sim.truth().orders.length, before + 1, 'the order exists although the client never heard');
  });

  it('malformedRate=1: the body is cut short (invalid JSON)', async () => {
    sim.setFaults({ malformedRate: 1 });
    const r = await client(sim).getRaw('/v5/order/realtime', q);
    assert.equal(r.status, 200);
    assert.throws(() => JSON.parse(r.text));
  });

  it('rateLimitRate=1: spurious 10006 with an exhausted window in the headers', async () => {
    sim.setFaults({ rateLimitRate: 1 });
    const r = await client(sim).getRaw('/v5/order/realtime', q);
    const b = JSON.parse(r.text);
    assert.equal(b.retCode, 10006);
    assert.equal(r.headers['x-bapi-limit-status'], '0');
  });

  it('latency: fixed plus jitter', async () => {
    sim.setFaults({ latencyMs: 80, latencyJitterMs: 20 });
    const t = performance.now();
    await client(sim).getRaw('/v5/order/realtime', q);
    const dt = performance.now() - t;
    assert.ok(dt >= 75 && dt < 400, `took ${dt} ms`);
  });

  it('clockSkewMs shifts the server clock: market time moves and an unsynced client gets 10002', async () => {
    sim.setFaults({ clockSkewMs: -60_000 });
    const t = JSON.parse((await rawRequest(sim.url, 'GET', '/v5/market/time')).text);
    assert.ok(Math.abs(Number(t.result.timeSecond) * 1000 - (Date.now() - 60_000)) < 3000);
    const unsynced = client(sim, 0, Date.now);
    assert.equal((await unsynced.get('/v5/order/realtime', q)).retCode, 10002);
    assert.equal((await client(sim).get('/v5/order/realtime', q)).retCode, 0, 'a client on server time passes');
  });

  it('only: faults limited to some accounts and/or endpoints', async () => {
    sim.setFaults({ rateLimitRate: 1, only: { accounts: [sim.accounts[0]!.id], endpoints: ['/v5/order/realtime'] } });
    assert.equal((await client(sim, 0).get('/v5/order/realtime', q)).retCode, 10006);
    assert.equal((await client(sim, 0).get('/v5/position/list', q)).retCode, 0);
    assert.equal((await client(sim, 1).get('/v5/order/realtime', q)).retCode, 0);
    sim.setFaults({ only: null as never });
    assert.equal(sim.faults().only, undefined);
    assert.equal((await client(sim, 1).get('/v5/order/realtime', q)).retCode, 10006);
  });

  it('setFaults validates: names the field, what was expected and what came', () => {
    assert.throws(() => sim.setFaults({ http5xxRate: 2 }), /faults\.http5xxRate: expected a number in \[0, 1\], received 2/);
    assert.throws(() => sim.setFaults({ nope: 1 } as never), /faults\.nope/);
    assert.throws(() => sim.setFaults({ only: { accounts: 'a' } } as never), /faults\.only\.accounts: expected a list of strings/);
  });
});
