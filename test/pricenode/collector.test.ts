import assert from 'node:assert/strict';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startInstance, type Instance } from './helpers.js';

/**
 * The collector against the simulator over real HTTP: bars equal the exchange's own answer,
 * the forming bar is updated in place, a failing series or a failing exchange costs only that
 * series or that run.
 */
describe('price collector (Bybit public REST, simulator)', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  let a: Instance;

  before(async () => {
    sim = await startSimulator({ seed: 9, accounts: 1, symbols: ['BTCUSDT', 'ETHUSDT'] });
    a = await startInstance({ sim, pricenode: { collector: { enabled: true, symbols: ['BTCUSDT', 'NOPEUSDT'], timeframes: ['1m', '1h'] }, lookbacks: { '1m': '30m', '1h': '1d' } } });
  });
  after(async () => {
    await a?.close();
    await sim?.close();
  });

  it('stores the exchange\'s bars as it sent them; an unknown symbol fails alone', async () => {
    const r = await a.nodes.collectNow();
    assert.equal(r.ok, false);
    assert.deepEqual(r.errors.map((e) => e.replace(/:.*/, '')), ['tickers', 'klines NOPEUSDT 1m', 'klines NOPEUSDT 1h']);
    assert.equal(r.errors[0], 'tickers: the exchange listed no ticker for NOPEUSDT');
    assert.match(r.errors[1]!, /bybit retCode 10001/);
    assert.equal(r.tickers, 1);
    const bars = await a.query<Record<string, string>>(`select open_time::text, close_time::text, open::text, high::text, low::text, close::text, volume::text, quote_volume::text from klines where symbol = 'BTCUSDT' and timeframe = '1h' order by open_time`);
    assert.ok(bars.length >= 24 && bars.length <= 25, `${bars.length} hourly bars`);
    const first = Number(bars[0]!.open_time);
    const last = Number(bars[bars.length - 1]!.open_time);
    const res = await fetch(`${sim.url}/v5/market/kline?category=linear&symbol=BTCUSDT&interval=60&start=${first}&end=${last}&limit=1000`);
    const list: string[][] = (await res.json()).result.list;
    const fromSim = list.reverse().map(([t, o, h, l, c, v, q]) => ({ open_time: t, close_time: String(Number(t) + 3_599_999), open: o, high: h, low: l, close: c, volume: v, quote_volume: q }));
    // All closed bars match exactly; the forming one may have moved between the two reads.
    assert.deepEqual(bars.slice(0, -1), fromSim.slice(0, -1));
    const [t] = await a.query<Record<string, string | null>>(`select price::text, bid::text, ask::text, volume_24h::text, change_24h::text from tickers where symbol = 'BTCUSDT'`);
    assert.ok(Object.values(t!).every((v) => v !== null && /^-?\d+(\.\d+)?$/.test(v)), JSON.stringify(t));
  });

  it('the forming bar is updated in place on the next run; nothing is duplicated', async () => {
    const count = async () => Number((await a.query<{ n: string }>(`select count(*)::text as n from klines where symbol = 'BTCUSDT' and timeframe = '1m'`))[0]!.n);
    const before = await count();
    const price = (Number(sim.price('BTCUSDT')) * 1.2).toFixed(1);
    sim.setPrice('BTCUSDT', price);
    const r = await a.nodes.collectNow();
    assert.ok(r.klines.updated >= 1, JSON.stringify(r.klines));
    const [bar] = await a.query<{ close: string }>(`select close::text from klines where symbol = 'BTCUSDT' and timeframe = '1m' order by open_time desc limit 1`);
    assert.ok(Math.abs(Number(bar!.close) / Number(price) - 1) < 0.01, `${bar!.close} vs ${price}`);
    assert.ok((await count()) - before <= 1, 'at most one new minute');
    const series = (await a.nodes.dataStatus()).series.find((s) => s.symbol === 'BTCUSDT' && s.stream === 'klines:1m')!;
    assert.equal(series.rows, await count());
  });

  it('an exchange answering 5xx costs that run only; the next run catches up', async () => {
    sim.setFaults({ http5xxRate: 1 });
    try {
      const r = await a.nodes.collectNow();
      assert.equal(r.ok, false);
      assert.ok(r.errors.some((e) => /^tickers: GET \/v5\/market\/tickers: HTTP 5\d\d/.test(e)), r.errors.join('\n'));
      assert.equal(r.tickers, 0);
    } finally {
      sim.resetFaults();
    }
    const ok = await a.nodes.collectNow();
    assert.equal(ok.tickers, 1);
  });
});
