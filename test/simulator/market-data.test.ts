import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { client, rawRequest, startTestSim } from './helpers.js';

const get = async (sim: SimulatorHandle, pq: string) => JSON.parse((await rawRequest(sim.url, 'GET', pq)).text);

describe('simulator: market data and determinism', () => {
  let a: SimulatorHandle;
  let b: SimulatorHandle;
  let other: SimulatorHandle;
  before(async () => {
    [a, b, other] = await Promise.all([startTestSim({ seed: 42 }), startTestSim({ seed: 42 }), startTestSim({ seed: 43 })]);
  });
  after(() => Promise.all([a.close(), b.close(), other.close()]));

  it('same seed: same accounts and keys; another seed: different ones', () => {
    assert.deepEqual(a.accounts, b.accounts);
    assert.notDeepEqual(a.accounts.map((x) => x.apiKey), other.accounts.map((x) => x.apiKey));
    assert.match(a.accounts[0]!.apiKey, /^[A-Za-z0-9]{18}$/);
    assert.deepEqual(a.info().accounts[0], { id: 'acc-1', apiKey: a.accounts[0]!.apiKey, apiSecret: a.accounts[0]!.apiSecret });
  });

  it('klines for past times are stable, identical for the same seed, newest first, 1..1000', async () => {
    const end = Date.UTC(2025, 0, 10);
    const q = `/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&end=${end}&limit=24`;
    const k1 = await get(a, q);
    const k2 = await get(b, q);
    assert.equal(k1.retCode, 0);
    assert.deepEqual(k1.result, k2.result);
    assert.notDeepEqual(k1.result.list, (await get(other, q)).result.list);
    const list: string[][] = k1.result.list;
    assert.equal(list.length, 24);
    assert.equal(list[0]![0], String(end));
    for (let i = 1; i < list.length; i++) assert.equal(Number(list[i - 1]![0]) - Number(list[i]![0]), 3_600_000);
    for (const [, o, h, l, c, v, t] of list) {
      assert.ok(Number(h) >= Math.max(Number(o), Number(c)) && Number(l) <= Math.min(Number(o), Number(c)));
      assert.ok(Number(v) > 0 && Number(t) > 0);
    }
    // Jumping the live price does not rewrite the past.
    a.setPrice('BTCUSDT', '12345.6');
    assert.deepEqual((await get(a, q)).result.list, list);
    for (const interval of ['1', '5', 'D', 'W', 'M']) assert.equal((await get(a, `/v5/market/kline?category=linear&symbol=ETHUSDT&interval=${interval}&limit=3`)).result.list.length, 3, interval);
    assert.equal((await get(a, '/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1')).result.list.length, 200);
    assert.equal((await get(a, '/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&limit=1001')).retCode, 10001);
    assert.equal((await get(a, '/v5/market/kline?category=linear&symbol=BTCUSDT&interval=7')).retCode, 10001);
    const ranged = await get(a, `/v5/market/kline?category=linear&symbol=BTCUSDT&interval=1&start=${end - 10 * 60_000}&end=${end}`);
    assert.equal(ranged.result.list.length, 11);
  });

  it('the live price continues the path; the last kline closes at the live price', async () => {
    const live = Number(b.price('ETHUSDT'));
    const k = await get(b, '/v5/market/kline?category=linear&symbol=ETHUSDT&interval=1&limit=1');
    assert.ok(Math.abs(Number(k.result.list[0][4]) - live) / live < 0.002);
    const t = await get(b, '/v5/market/tickers?category=linear&symbol=ETHUSDT');
    assert.ok(Math.abs(Number(t.result.list[0].lastPrice) - live) / live < 0.002);
  });

  it('instruments-info and tickers have the realistic fields', async () => {
    const i = await get(a, '/v5/market/instruments-info?category=linear');
    assert.deepEqual(i.result.list.map((x: any) => x.symbol), ['BTCUSDT', 'ETHUSDT']);
    const btc = i.result.list[0];
    for (const k of ['contractType', 'status', 'baseCoin', 'quoteCoin', 'settleCoin', 'priceScale', 'launchTime', 'fundingInterval']) assert.ok(k in btc, k);
    assert.deepEqual(Object.keys(btc.lotSizeFilter).sort(), ['maxMktOrderQty', 'maxOrderQty', 'minNotionalValue', 'minOrderQty', 'postOnlyMaxOrderQty', 'qtyStep']);
    assert.deepEqual(Object.keys(btc.priceFilter).sort(), ['maxPrice', 'minPrice', 'tickSize']);
    assert.ok('maxLeverage' in btc.leverageFilter);
    const t = await get(a, '/v5/market/tickers?category=linear');
    assert.equal(t.result.list.length, 2);
    for (const k of ['lastPrice', 'markPrice', 'indexPrice', 'prevPrice24h', 'highPrice24h', 'lowPrice24h', 'volume24h', 'turnover24h', 'fundingRate', 'nextFundingTime', 'bid1Price', 'ask1Price']) {
      assert.equal(typeof t.result.list[0][k], 'string', k);
    }
    assert.equal((await get(a, '/v5/market/tickers?category=linear&symbol=NOPEUSDT')).retCode, 10001);
  });

  it('funding: Funding executions for open positions (orderType UNKNOWN), realised into the position', async () => {
    const c = client(a);
    await c.post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1.00' });
    const before = (await c.get('/v5/position/list', 'category=linear&symbol=ETHUSDT')).result.list[0];
    assert.equal(a.runFunding(), 1);
    const f = (await c.get('/v5/execution/list', 'category=linear&execType=Funding')).result.list;
    assert.equal(f.length, 1);
    assert.equal(f[0].orderType, 'UNKNOWN');
    assert.equal(f[0].execQty, '1.00');
    assert.equal(f[0].isMaker, false);
    const after = (await c.get('/v5/position/list', 'category=linear&symbol=ETHUSDT')).result.list[0];
    assert.equal(Number(after.cumRealisedPnl).toFixed(8), (Number(before.cumRealisedPnl) - Number(f[0].execFee)).toFixed(8));
    assert.equal(after.seq, f[0].seq);
    const trades = (await c.get('/v5/execution/list', 'category=linear&execType=Trade')).result.list;
    assert.ok(trades.every((x: any) => x.execType === 'Trade'));
  });

  it('periodic funding runs on its own timer', async () => {
    const s = await startTestSim({ fundingIntervalMs: 50 });
    try {
      await client(s).post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.010' });
      await new Promise((r) => setTimeout(r, 180));
      const n = s.truth().executions.filter((e: any) => e.execType === 'Funding').length;
      assert.ok(n >= 2, `funding rows ${n}`);
    } finally {
      await s.close();
    }
  });
});
