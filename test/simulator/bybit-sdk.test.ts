import assert from 'node:assert/strict';
import { RestClientV5, WebsocketClient } from 'bybit-api';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { away, startTestSim, waitFor } from './helpers.js';

/**
 * The official bybit-api SDK as an independent client: if the simulator and the SDK disagree
 * about signing, encoding, envelopes or stream shapes, these tests fail.
 */
describe('simulator bybit: official bybit-api SDK', () => {
  let sim: SimulatorHandle;
  let rest: RestClientV5;
  before(async () => {
    sim = await startTestSim({ accounts: 2 });
    const a = sim.accounts[0]!;
    rest = new RestClientV5({ key: a.apiKey, secret: a.apiSecret, baseUrl: sim.url, parseAPIRateLimits: true });
  });
  after(() => sim.close());

  it('RestClientV5: server time, instruments, tickers, klines', async () => {
    const t = await rest.getServerTime();
    assert.equal(t.retCode, 0);
    assert.ok(Math.abs(Number(t.result.timeSecond) * 1000 - Date.now()) < 5000);
    const i = await rest.getInstrumentsInfo({ category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(i.retCode, 0);
    const inst = i.result.list[0] as any;
    assert.equal(inst.status, 'Trading');
    assert.equal(inst.lotSizeFilter.qtyStep, '0.001');
    assert.equal(inst.priceFilter.tickSize, '0.10');
    const k = await rest.getKline({ category: 'linear', symbol: 'BTCUSDT', interval: '1', limit: 5 });
    assert.equal(k.result.list.length, 5);
    const tk = await rest.getTickers({ category: 'linear', symbol: 'ETHUSDT' });
    assert.equal(tk.result.list[0]!.symbol, 'ETHUSDT');
  });

  it('RestClientV5: place, list open, cancel, order history, executions, closed PnL, positions', async () => {
    const price = away(sim, 'BTCUSDT', -0.2);
    const placed = await rest.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price, orderLinkId: 'sdk-1' });
    assert.equal(placed.retCode, 0, placed.retMsg);
    assert.equal(placed.rateLimitApi?.maxRequests, 100_000);
    const open = await rest.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(open.result.list[0]!.orderLinkId, 'sdk-1');
    // Characters the SDK percent-encodes in the query it signs.
    const odd = await rest.getActiveOrders({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'a b/c:d' } as never);
    assert.equal(odd.retCode, 0, odd.retMsg);
    const cancelled = await rest.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: placed.result.orderId });
    assert.equal(cancelled.retCode, 0, cancelled.retMsg);
    const hist = await rest.getHistoricOrders({ category: 'linear', symbol: 'BTCUSDT', orderId: placed.result.orderId });
    assert.equal(hist.result.list[0]!.orderStatus, 'Cancelled');

    const buy = await rest.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.004' });
    assert.equal(buy.retCode, 0, buy.retMsg);
    const sell = await rest.submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.004', reduceOnly: true });
    assert.equal(sell.retCode, 0, sell.retMsg);
    const ex = await rest.getExecutionList({ category: 'linear', symbol: 'BTCUSDT', limit: 100 });
    assert.ok(ex.result.list.some((e) => e.orderId === buy.result.orderId));
    assert.ok(ex.result.list.some((e) => e.orderId === sell.result.orderId));
    const pnl = await rest.getClosedPnL({ category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(pnl.result.list[0]!.orderId, sell.result.orderId);
    const pos = await rest.getPositionInfo({ category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(pos.result.list[0]!.size, '0.000');
    assert.equal(pos.result.list[0]!.side, '' as never);
  });

  it('RestClientV5: pages with the cursor it is given (re-encoded by the SDK)', async () => {
    sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 3, executions: 120 });
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const r = await rest.getExecutionList({ category: 'linear', limit: 25, cursor });
      assert.equal(r.retCode, 0, r.retMsg);
      for (const e of r.result.list) {
        assert.ok(!seen.has(e.execId), 'no duplicate across pages');
        seen.add(e.execId);
      }
      cursor = r.result.nextPageCursor || undefined;
      pages++;
    } while (cursor && pages < 50);
    assert.ok(pages >= 5);
    assert.equal(seen.size, sim.truth({ accountId: sim.accounts[0]!.id }).executions.length);
  });

  it('RestClientV5: errors come back as retCode (10001, 110001), HTTP 404 is thrown', async () => {
    const bad = await rest.getActiveOrders({ category: 'linear' } as never);
    assert.equal(bad.retCode, 10001);
    const gone = await rest.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: 'no-such-order' });
    assert.equal(gone.retCode, 110001);
    const wrongKey = new RestClientV5({ key: 'x'.repeat(18), secret: 'y', baseUrl: sim.url });
    assert.equal((await wrongKey.getPositionInfo({ category: 'linear', settleCoin: 'USDT' })).retCode, 10003);
  });

  it('WebsocketClient: receives the private pushes of an order life (New -> Filled, execution, position)', async () => {
    const a = sim.accounts[1]!;
    const quiet = { trace: () => undefined, info: () => undefined, error: () => undefined };
    const ws = new WebsocketClient({ key: a.apiKey, secret: a.apiSecret, wsUrl: `${sim.wsUrl}/v5/private`, restOptions: { baseUrl: sim.url } }, quiet as never);
    const updates: any[] = [];
    const responses: any[] = [];
    ws.on('update', (u: any) => updates.push(u));
    ws.on('response', (r: any) => responses.push(r));
    ws.on('exception', () => undefined);
    try {
      void ws.subscribeV5(['order', 'execution', 'position'], 'linear');
      // The SDK connects, authenticates, then subscribes; no replay, so wait for the ack.
      await waitFor(() => responses.find((r) => r.op === 'subscribe' && r.success), 5000, 'subscribe ack');
      const r = new RestClientV5({ key: a.apiKey, secret: a.apiSecret, baseUrl: sim.url });
      const price = away(sim, 'ETHUSDT', -0.1);
      const placed = await r.submitOrder({ category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '0.05', price });
      assert.equal(placed.retCode, 0, placed.retMsg);
      const id = placed.result.orderId;
      await waitFor(() => updates.find((u) => u.topic === 'order' && u.data.some((o: any) => o.orderId === id && o.orderStatus === 'New')), 5000, 'New');
      sim.setPrice('ETHUSDT', (Number(price) - 1).toFixed(2));
      await waitFor(() => updates.find((u) => u.topic === 'order' && u.data.some((o: any) => o.orderId === id && o.orderStatus === 'Filled')), 5000, 'Filled');
      await waitFor(() => updates.find((u) => u.topic === 'execution' && u.data.some((e: any) => e.orderId === id)), 5000, 'execution');
      await waitFor(() => updates.find((u) => u.topic === 'position' && u.data.some((p: any) => p.symbol === 'ETHUSDT' && p.size === '0.05')), 5000, 'position');
    } finally {
      ws.closeAll(true);
    }
  });
});
