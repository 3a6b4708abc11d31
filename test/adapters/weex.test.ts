import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/types.js';
import { createWeexAdapter, fromWeexSymbol } from '../../src/exchanges/weex/index.js';
import type { ExchangeAdapter, Page } from '../../src/exchanges/adapter.js';
import { walkPages } from '../../src/exchanges/walk.js';
import { AuthError, ExchangeUnavailableError, RateLimitedError } from '../../src/errors.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestGate } from '../helpers/gate.js';
import { CONFORMANCE_ACCOUNTS, runAdapterConformance, type AdapterOptions } from './conformance.js';

const DAY = 86_400_000;
const P = { priority: 'hot' } as const;
const TWO_53 = 2n ** 53n;

function weexAdapter(sim: SimulatorHandle, o: AdapterOptions): ExchangeAdapter {
  const acct = sim.accounts[o.account]!;
  return createWeexAdapter(
    { id: acct.id, credentials: { apiKey: acct.apiKey, apiSecret: acct.apiSecret, passphrase: acct.passphrase, ...o.credentials } },
    { baseUrl: sim.url, timeoutMs: o.timeoutMs ?? 2_000, options: o.options },
    { gate: o.gate, clock: systemClock, logger: silentLogger() },
  );
}

function common(simSymbol: string): string {
  const s = fromWeexSymbol(simSymbol);
  if (!s) throw new Error(`not a WEEX symbol: ${simSymbol}`);
  return s;
}

runAdapterConformance('weex', async () => {
  const sim = await startSimulator({
    exchange: 'weex',
    seed: 7,
    accounts: CONFORMANCE_ACCOUNTS,
    symbols: ['BTCUSDT', 'ETHUSDT'],
    priceTickMs: 60_000,
    fundingIntervalMs: 3_600_000,
    // The suite's traffic shares one IP; the per-UID budget keeps its default weight (500) on a
    // 2 s window instead of 10 s, so the burst test waits 2 s for the budget to refill, not 10.
    limits: { weexIpWeight: 100_000, weexWindowMs: 2_000 },
    behaviour: { partialFillRate: 0 },
  });
  return {
    sim,
    makeAdapter: (o) => weexAdapter(sim, o),
    symbolOf: common,
    pageSize: { openOrders: 100, orderHistory: 100, executions: 100, closedPnl: 100 },
    truthKey: {
      order: (r) => String(r.order_id),
      execution: (r) => String(r.tradeId),
      executionType: (r) => String(r.execType),
      executionOrderId: (r) => String(r.orderId),
      closedPnl: (r) => String(r.order_id),
    },
    // /order/fills lists trades only; funding is not among them.
    fundingInExecutions: false,
    unknownOrderId: '9000000000000000001',
    close: () => sim.close(),
  };
  // WEEX v2: no closed-PnL endpoint, no private stream researched
}, { privateStream: false, closedPnl: false });

async function collect<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of walkPages(fetchPage)) out.push(...items);
  return out;
}

async function weexSim(o: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  return startSimulator({ exchange: 'weex', seed: 21, accounts: 2, symbols: ['BTCUSDT', 'ETHUSDT'], priceTickMs: 60_000, behaviour: { partialFillRate: 0 }, ...o });
}

describe('weex adapter: exchange-specific', function () {
  this.timeout(20_000);
  let sim: SimulatorHandle;
  let range: { start: number; end: number };
  before(async () => {
    sim = await weexSim();
    const end = sim.now() - 60_000;
    sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 3, executions: 250, endAt: end });
    range = { start: end - 4 * DAY, end: end + 1 };
  });
  after(async () => {
    await sim?.close();
  });
  afterEach(() => sim?.resetFaults());

  it('keeps int64 fill ids above 2^53 digit for digit (they arrive as JSON numbers)', async () => {
    const a = weexAdapter(sim, { account: 0, gate: new TestGate() });
    const got = await collect((c) => a.executions({ range }, c, P));
    const truth = sim.truth({ accountId: sim.accounts[0]!.id }).executions.filter((r) => r.execType === 'Trade');
    assert.ok(got.length > 200);
    assert.ok(got.some((e) => BigInt(e.execId) > TWO_53), 'the simulator ids do not exceed 2^53: the test would prove nothing');
    assert.deepEqual(new Set(got.map((e) => e.execId)), new Set(truth.map((r) => String(r.tradeId))));
    const byId = new Map(truth.map((r) => [String(r.tradeId), r]));
    for (const e of got) {
      const t = byId.get(e.execId)!;
      assert.equal(e.orderId, String(t.orderId));
      assert.equal(e.qty, t.fillSize);
      assert.equal(e.fee, t.fillFee);
      // price = fillValue / fillSize, exactly
      assert.equal(e.value, t.fillValue);
      assert.match(e.price, /^\d+(\.\d+)?$/);
      assert.equal(e.symbol, common(String(t.symbol)));
      assert.equal(e.execType, 'Trade');
    }
  });

  it('routes every call through the gate under its path, with the caller priority and declared weights', async () => {
    const gate = new TestGate();
    const a = weexAdapter(sim, { account: 1, gate });
    await a.openOrders({ symbols: [] }, null, { priority: 'backfill' });
    await a.executions({ range: { start: sim.now() - DAY, end: sim.now() } }, null, { priority: 'idle' });
    await a.positions({ symbols: [] }, null, P);
    await a.position({ symbol: 'BTCUSDT' }, P);
    assert.deepEqual([...gate.calls.keys()], ['/capi/v2/order/current', '/capi/v2/order/fills', '/capi/v2/account/position/allPosition', '/capi/v2/account/position/singlePosition']);
    assert.deepEqual(gate.priorities, ['backfill', 'idle', 'hot', 'hot']);
    for (const endpoint of gate.calls.keys()) assert.ok(a.info.budgets.endpoints[endpoint], `${endpoint} has no budget`);
  });

  it('describes WEEX: no closed PnL, no private stream, 90-day floor; closedPnl() says it is not supported', async () => {
    const gate = new TestGate();
    const a = weexAdapter(sim, { account: 1, gate });
    assert.deepEqual(a.info.streams, ['executions', 'orders', 'positions']);
    assert.equal(a.info.privateStream, false);
    assert.equal(a.info.historyFloorMs, 90 * DAY);
    assert.equal(a.openStream, undefined);
    await assert.rejects(a.closedPnl({ range }, null, P), /not offered by the WEEX v2 API/);
    assert.equal(gate.count(), 0);
    assert.equal(weexAdapter(sim, { account: 1, gate, options: { rateLimitWindowLimit: 1000 } }).info.budgets.buckets.uid!.limit, 1000);
  });

  it('maps HTTP 429 to RateLimitedError with the 10 s WEEX back-off', async () => {
    const a = weexAdapter(sim, { account: 1, gate: new TestGate({ rateLimitRetries: 0 }) });
    sim.setFaults({ rateLimitRate: 1 });
    const t = Date.now();
    await assert.rejects(a.openOrders({ symbols: [] }, null, P), (e: unknown) => {
      assert.ok(e instanceof RateLimitedError, String(e));
      assert.ok(e.resetAt >= t + 9_000 && e.resetAt <= Date.now() + 10_000, String(e.resetAt - t));
      return true;
    });
  });

  it('maps a wrong passphrase to AuthError and keeps key, secret and passphrase out of the message', async () => {
    const acct = sim.accounts[1]!;
    const passphrase = `wrong-${acct.passphrase}`;
    const a = weexAdapter(sim, { account: 1, gate: new TestGate(), credentials: { passphrase } });
    await assert.rejects(a.positions({ symbols: [] }, null, P), (e: unknown) => {
      assert.ok(e instanceof AuthError, String(e));
      assert.equal(e.code, '40012');
      for (const s of [acct.apiKey, acct.apiSecret, acct.passphrase!, passphrase]) assert.ok(!e.message.includes(s) && !String(e.stack).includes(s), 'secret leaked');
      return true;
    });
  });

  it('refuses credentials without a passphrase before any call', () => {
    const acct = sim.accounts[1]!;
    assert.throws(
      () => createWeexAdapter({ id: 'x', credentials: { apiKey: acct.apiKey, apiSecret: acct.apiSecret } }, { baseUrl: sim.url }, { gate: new TestGate(), clock: systemClock, logger: silentLogger() }),
      /passphrase/,
    );
  });

  it('reports hedge-style positions with positionIdx and avgPrice = open_value / size; position() fills in flat sides', async () => {
    const acct = sim.accounts[1]!;
    const a = weexAdapter(sim, { account: 1, gate: new TestGate() });
    await sim.placeOrder(acct.id, { symbol: 'cmt_ethusdt', side: 'Sell', orderType: 'Market', qty: '0.30' });
    const [short] = (await a.positions({ symbols: ['ETHUSDT'] }, null, P)).items;
    assert.ok(short, 'no position');
    assert.equal(short.side, 'Sell');
    assert.equal(short.positionIdx, 2);
    assert.equal(short.size, '0.300000');
    const raw = short.raw as { open_value: string; size: string };
    assert.equal(short.avgPrice, new Decimal(raw.open_value).dividedBy(raw.size).toFixed());
    const both = await a.position({ symbol: 'ETHUSDT' }, P);
    assert.deepEqual(both.map((p) => [p.positionIdx, p.side]), [[1, ''], [2, 'Sell']]);
    await sim.placeOrder(acct.id, { symbol: 'cmt_ethusdt', side: 'Buy', orderType: 'Market', qty: '0.30', reduceOnly: true });
  });

  it('finds an open order by client id alone, and cancels by client id', async () => {
    const acct = sim.accounts[1]!;
    const a = weexAdapter(sim, { account: 1, gate: new TestGate() });
    const price = (Number(sim.price('cmt_btcusdt')) * 0.7).toFixed(1);
    const placed = await a.placeOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price, orderLinkId: 'by-client-1', timeInForce: 'PostOnly' }, P);
    assert.match(placed.orderId, /^\d+$/);
    const found = await a.order({ orderId: '', orderLinkId: 'by-client-1', symbol: 'BTCUSDT' }, P);
    assert.equal(found?.orderId, placed.orderId);
    assert.equal(found?.status, 'New');
    assert.equal((found?.raw as { order_type: string }).order_type, 'postOnly');
    await a.cancelOrder({ symbol: 'BTCUSDT', orderLinkId: 'by-client-1' }, P);
    assert.equal((await a.order({ orderId: placed.orderId, symbol: 'BTCUSDT' }, P))?.status, 'Cancelled');
    assert.equal(sim.truth({ accountId: acct.id }).orders.find((o) => o.order_id === placed.orderId)?.status, 'canceled');
  });
});

describe('weex adapter: [U] switches against the simulator', function () {
  this.timeout(20_000);

  for (const order of ['desc', 'asc'] as const) {
    it(`walks fills the simulator returns ${order === 'desc' ? 'newest' : 'oldest'} first, with ties at page boundaries, each once (fillsOrder auto)`, async () => {
      const sim = await weexSim({ behaviour: { partialFillRate: 0, weexFillsOrder: order, maxFillsPerMatch: 3 } });
      try {
        const end = sim.now() - 60_000;
        sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 2, executions: 330, endAt: end });
        const a = weexAdapter(sim, { account: 0, gate: new TestGate() });
        const got = await collect((c) => a.executions({ range: { start: end - 3 * DAY, end: end + 1 } }, c, P));
        const truth = sim.truth({ accountId: sim.accounts[0]!.id }).executions.filter((r) => r.execType === 'Trade');
        const ids = got.map((e) => e.execId);
        assert.equal(new Set(ids).size, ids.length, 'a fill came twice');
        assert.deepEqual(new Set(ids), new Set(truth.map((r) => String(r.tradeId))));
        const times = new Set(truth.map((r) => Number(r.createdTime)));
        assert.ok(times.size < truth.length, 'no fills share a millisecond: ties were not exercised');
      } finally {
        await sim.close();
      }
    });
  }

  it("reads {code:'00000',data} wrapped answers in 'auto' and 'always', and refuses them in 'never'", async () => {
    const sim = await weexSim({ behaviour: { partialFillRate: 0, weexWrapReads: true } });
    try {
      const acct = sim.accounts[0]!;
      const price = (Number(sim.price('cmt_btcusdt')) * 0.7).toFixed(1);
      const row = await sim.placeOrder(acct.id, { symbol: 'cmt_btcusdt', side: 'Buy', orderType: 'Limit', qty: '0.001', price });
      for (const wrapped of ['auto', 'always']) {
        const a = weexAdapter(sim, { account: 0, gate: new TestGate(), options: { wrapped } });
        const open = await a.openOrders({ symbols: [] }, null, P);
        assert.deepEqual(open.items.map((o) => o.orderId), [String(row.order_id)]);
        assert.equal((await a.order({ orderId: String(row.order_id), symbol: 'BTCUSDT' }, P))?.status, 'New');
      }
      const never = weexAdapter(sim, { account: 0, gate: new TestGate(), options: { wrapped: 'never' } });
      await assert.rejects(never.openOrders({ symbols: [] }, null, P), ExchangeUnavailableError);
    } finally {
      await sim.close();
    }
  });

  it("refuses bare answers when wrapped is 'always'", async () => {
    const sim = await weexSim();
    try {
      const a = weexAdapter(sim, { account: 0, gate: new TestGate(), options: { wrapped: 'always' } });
      await assert.rejects(a.positions({ symbols: [] }, null, P), /envelope/);
    } finally {
      await sim.close();
    }
  });
});
