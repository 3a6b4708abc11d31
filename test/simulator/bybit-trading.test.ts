import assert from 'node:assert/strict';
import { Decimal } from 'decimal.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { away, client, startTestSim, type BybitRaw } from './helpers.js';

describe('simulator bybit: trading and the order state machine', () => {
  let sim: SimulatorHandle;
  let c: BybitRaw;
  before(async () => {
    sim = await startTestSim({ accounts: 4 });
    c = client(sim, 0);
  });
  after(() => sim.close());

  const create = (cl: BybitRaw, body: Record<string, unknown>) => cl.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', ...body });
  const order = async (cl: BybitRaw, orderId: string) => {
    const r = await cl.get('/v5/order/history', `category=linear&orderId=${orderId}`);
    assert.equal(r.retCode, 0, r.retMsg);
    return r.result.list[0];
  };

  it('a resting limit order is New and listed by /v5/order/realtime, newest first', async () => {
    const p1 = await create(c, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', -0.2), orderLinkId: 'rest-1' });
    const p2 = await create(c, { side: 'Buy', orderType: 'Limit', qty: '0.002', price: away(sim, 'BTCUSDT', -0.21), orderLinkId: 'rest-2' });
    assert.equal(p1.retCode, 0, p1.retMsg);
    assert.match(p1.result.orderId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(Object.keys(p1.result).sort(), ['orderId', 'orderLinkId']);
    const r = await c.get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT');
    const ids = r.result.list.map((o: any) => o.orderId);
    assert.ok(ids.indexOf(p2.result.orderId) < ids.indexOf(p1.result.orderId));
    const o = r.result.list.find((x: any) => x.orderId === p1.result.orderId);
    assert.equal(o.orderStatus, 'New');
    assert.equal(o.avgPrice, '');
    assert.equal(o.leavesQty, '0.001');
    assert.equal(o.cumExecQty, '0.000');
    assert.deepEqual(o.cumFeeDetail, {});
    assert.equal(o.positionIdx, 0);
    assert.equal(o.reduceOnly, false);
    assert.equal(o.cancelType, 'UNKNOWN');
    assert.equal(o.rejectReason, 'EC_NoError');
    assert.equal(o.orderLinkId, 'rest-1');
    assert.match(o.createdTime, /^\d{13}$/);
  });

  it('a duplicate orderLinkId is 110072; cancelling twice is 110010; unknown is 110001', async () => {
    const dup = await create(c, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', -0.2), orderLinkId: 'rest-1' });
    assert.equal(dup.retCode, 110072);
    const cx = await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'rest-1' });
    assert.equal(cx.retCode, 0, cx.retMsg);
    const again = await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'rest-1' });
    assert.equal(again.retCode, 110010);
    const unknown = await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: '00000000-0000-4000-8000-000000000000' });
    assert.equal(unknown.retCode, 110001);
    const none = await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(none.retCode, 10001);
    const o = await order(c, cx.result.orderId);
    assert.equal(o.orderStatus, 'Cancelled');
    assert.equal(o.cancelType, 'CancelByUser');
    assert.equal(o.leavesQty, '0.000');
  });

  it('validates the create body: strings for qty/price, steps, enums, one-way positionIdx', async () => {
    const cases: [Record<string, unknown>, number][] = [
      [{ side: 'Buy', orderType: 'Limit', qty: 0.001, price: '1000' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.0015', price: '1000' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000.05' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001' }, 10001],
      [{ side: 'Up', orderType: 'Limit', qty: '0.001', price: '1000' }, 10001],
      [{ side: 'Buy', orderType: 'Stop', qty: '0.001', price: '1000' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', positionIdx: 1 }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', symbol: 'NOPEUSDT' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', category: 'spot' }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', orderLinkId: 'x'.repeat(37) }, 10001],
      [{ side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', reduceOnly: 'true' }, 10001],
    ];
    for (const [body, code] of cases) assert.equal((await create(c, body)).retCode, code, JSON.stringify(body));
    const bad = await c.postRaw('/v5/order/create', '{"category":"linear",');
    assert.equal(JSON.parse(bad.text).retCode, 10001);
  });

  it('a market order fills at once as taker, possibly in several fills sharing execTime and seq', async () => {
    const r = await create(c, { side: 'Buy', orderType: 'Market', qty: '0.050' });
    assert.equal(r.retCode, 0, r.retMsg);
    const o = await order(c, r.result.orderId);
    assert.equal(o.orderStatus, 'Filled');
    assert.equal(o.timeInForce, 'IOC');
    assert.equal(o.cumExecQty, '0.050');
    assert.equal(o.leavesQty, '0.000');
    const ex = await c.get('/v5/execution/list', `category=linear&orderId=${r.result.orderId}`);
    const fills = ex.result.list;
    assert.ok(fills.length >= 1);
    const sum = fills.reduce((s: Decimal, f: any) => s.plus(f.execQty), new Decimal(0));
    assert.equal(sum.toFixed(3), '0.050');
    const fee = fills.reduce((s: Decimal, f: any) => s.plus(f.execFee), new Decimal(0));
    assert.equal(fee.toString(), new Decimal(o.cumFeeDetail.USDT).toString());
    assert.equal(o.cumExecFee, o.cumFeeDetail.USDT);
    for (const f of fills) {
      assert.equal(f.isMaker, false);
      assert.equal(f.feeRate, '0.00055');
      assert.equal(f.execType, 'Trade');
      assert.equal(f.execTime, fills[0].execTime);
      assert.equal(f.seq, fills[0].seq);
      assert.equal(typeof f.seq, 'number');
    }
    const value = fills.reduce((s: Decimal, f: any) => s.plus(f.execValue), new Decimal(0));
    assert.equal(value.toString(), new Decimal(o.cumExecValue).toString());
    const pos = await c.get('/v5/position/list', 'category=linear&symbol=BTCUSDT');
    const p = pos.result.list[0];
    assert.equal(p.side, 'Buy');
    assert.equal(p.size, '0.050');
    assert.equal(p.seq, fills[0].seq, 'position seq is the seq of its last execution');
    assert.equal(new Decimal(p.avgPrice).toFixed(2), value.div('0.050').toFixed(2));
  });

  it('reduce-only: rejected (110017) without an opposite position, capped to the position otherwise', async () => {
    const c2 = client(sim, 1);
    const r = await create(c2, { side: 'Sell', orderType: 'Market', qty: '0.010', reduceOnly: true });
    assert.equal(r.retCode, 110017);
    // Account 0 is long 0.050: a reduce-only sell of 0.100 closes exactly 0.050.
    const close = await create(c, { side: 'Sell', orderType: 'Market', qty: '0.100', reduceOnly: true });
    assert.equal(close.retCode, 0, close.retMsg);
    const o = await order(c, close.result.orderId);
    assert.equal(o.qty, '0.050');
    assert.equal(o.orderStatus, 'Filled');
    assert.equal(o.reduceOnly, true);
    const flat = (await c.get('/v5/position/list', 'category=linear&symbol=BTCUSDT')).result.list[0];
    assert.equal(flat.side, '');
    assert.equal(flat.size, '0.000');
    assert.equal(flat.avgPrice, '0');
    assert.equal(flat.unrealisedPnl, '0');
    const bySettle = (await c.get('/v5/position/list', 'category=linear&settleCoin=USDT')).result.list;
    assert.deepEqual(bySettle, [], 'settleCoin lists only positions with size > 0');
  });

  it('a closed-PnL row per closing order, consistent with its fills and the opening fills', async () => {
    const list = (await c.get('/v5/position/closed-pnl', 'category=linear&symbol=BTCUSDT')).result.list;
    assert.equal(list.length, 1);
    const row = list[0];
    const closeFills = (await c.get('/v5/execution/list', `category=linear&orderId=${row.orderId}`)).result.list;
    const openFills = (await c.get('/v5/execution/list', 'category=linear&symbol=BTCUSDT')).result.list.filter((f: any) => f.orderId !== row.orderId && f.side === 'Buy');
    const sum = (rows: any[], k: string) => rows.reduce((s: Decimal, f: any) => s.plus(f[k]), new Decimal(0));
    assert.equal(row.side, 'Sell');
    assert.equal(row.closedSize, '0.050');
    assert.equal(row.fillCount, String(closeFills.length));
    assert.equal(new Decimal(row.cumExitValue).toString(), sum(closeFills, 'execValue').toString());
    assert.equal(new Decimal(row.cumEntryValue).toString(), sum(openFills, 'execValue').toString());
    assert.equal(new Decimal(row.closeFee).toString(), sum(closeFills, 'execFee').toString());
    assert.equal(new Decimal(row.openFee).toString(), sum(openFills, 'execFee').toString());
    const expected = new Decimal(row.cumExitValue).minus(row.cumEntryValue).minus(row.openFee).minus(row.closeFee);
    assert.equal(new Decimal(row.closedPnl).toString(), expected.toString());
    assert.equal(new Decimal(row.avgEntryPrice).toFixed(4), new Decimal(row.cumEntryValue).div(row.closedSize).toFixed(4));
    for (const f of closeFills) assert.equal(f.closedSize, f.execQty);
    const pos = (await c.get('/v5/position/list', 'category=linear&symbol=BTCUSDT')).result.list[0];
    assert.equal(new Decimal(pos.cumRealisedPnl).toString(), expected.toString(), 'cumRealisedPnl = sum of closed PnL (fees included)');
  });

  it('a resting order fills as maker when the price crosses it (setPrice)', async () => {
    const c3 = client(sim, 2);
    const price = away(sim, 'BTCUSDT', -0.1);
    const r = await create(c3, { side: 'Buy', orderType: 'Limit', qty: '0.003', price });
    assert.equal((await order(c3, r.result.orderId)).orderStatus, 'New');
    sim.setPrice('BTCUSDT', (Number(price) - 100).toFixed(1));
    const o = await order(c3, r.result.orderId);
    assert.equal(o.orderStatus, 'Filled');
    assert.equal(Number(o.avgPrice), Number(price));
    const f = (await c3.get('/v5/execution/list', `category=linear&orderId=${r.result.orderId}`)).result.list;
    assert.equal(f[0].isMaker, true);
    assert.equal(f[0].feeRate, '0.0002');
    assert.equal(f[0].execPrice, Number(price).toFixed(2));
    // Not in the open list any more; in the recent-closed list.
    assert.equal((await c3.get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT')).result.list.length, 0);
    const closed = (await c3.get('/v5/order/realtime', 'category=linear&symbol=BTCUSDT&openOnly=1')).result.list;
    assert.equal(closed[0].orderId, r.result.orderId);
  });

  it('timeInForce: PostOnly that would take is Cancelled; IOC/FOK without liquidity are Cancelled', async () => {
    const c4 = client(sim, 3);
    const post = await create(c4, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', 0.05), timeInForce: 'PostOnly' });
    const po = await order(c4, post.result.orderId);
    assert.equal(po.orderStatus, 'Cancelled');
    assert.equal(po.rejectReason, 'EC_PostOnlyWillTakeLiquidity');
    const ioc = await create(c4, { side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', -0.05), timeInForce: 'IOC' });
    const io = await order(c4, ioc.result.orderId);
    assert.equal(io.orderStatus, 'Cancelled');
    assert.equal(io.cumExecQty, '0.000');
    const fok = await create(c4, { side: 'Sell', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', 0.05), timeInForce: 'FOK' });
    assert.equal((await order(c4, fok.result.orderId)).orderStatus, 'Cancelled');
    const fokTake = await create(c4, { side: 'Buy', orderType: 'Limit', qty: '0.002', price: away(sim, 'BTCUSDT', 0.05), timeInForce: 'FOK' });
    assert.equal((await order(c4, fokTake.result.orderId)).orderStatus, 'Filled');
  });

  it('cancel-all cancels the open orders in scope and lists them', async () => {
    const c4 = client(sim, 3);
    for (let i = 0; i < 3; i++) await create(c4, { side: 'Sell', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', 0.3 + i / 100) });
    await c4.post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', price: away(sim, 'ETHUSDT', 0.3) });
    const r = await c4.post('/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(r.retCode, 0);
    assert.equal(r.result.list.length, 3);
    assert.equal(r.result.success, '1');
    const left = (await c4.get('/v5/order/realtime', 'category=linear&settleCoin=USDT')).result.list;
    assert.deepEqual(left.map((o: any) => o.symbol), ['ETHUSDT']);
    assert.equal((await c4.post('/v5/order/cancel-all', { category: 'linear' })).retCode, 10001);
  });
});

describe('simulator bybit: partial fills', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startTestSim({ behaviour: { partialFillRate: 1 } });
  });
  after(() => sim.close());

  it('New -> PartiallyFilled -> Filled with leaves/cum/avg updated each step; Cancelled may keep cumExecQty', async () => {
    const c = client(sim);
    const price = away(sim, 'BTCUSDT', -0.1);
    const r = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.100', price });
    const id = r.result.orderId;
    sim.setPrice('BTCUSDT', (Number(price) - 50).toFixed(1));
    const get = async () => (await c.get('/v5/order/realtime', `category=linear&orderId=${id}`)).result.list[0];
    const o1 = await get();
    assert.equal(o1.orderStatus, 'PartiallyFilled');
    assert.ok(new Decimal(o1.cumExecQty).gt(0) && new Decimal(o1.cumExecQty).lt('0.1'));
    assert.equal(new Decimal(o1.leavesQty).plus(o1.cumExecQty).toFixed(3), '0.100');
    assert.equal(Number(o1.avgPrice), Number(price));
    assert.ok(Number(o1.updatedTime) >= Number(o1.createdTime));
    // Further crossings fill more, never more than qty.
    let last = o1;
    for (let i = 0; i < 40 && last.orderStatus === 'PartiallyFilled'; i++) {
      sim.setPrice('BTCUSDT', (Number(price) - 60 - i).toFixed(1));
      const o = await get();
      assert.ok(new Decimal(o.cumExecQty).gte(last.cumExecQty));
      last = o;
    }
    assert.equal(last.orderStatus, 'Filled');
    assert.equal(last.cumExecQty, '0.100');

    // Partially filled then cancelled: Cancelled with cumExecQty > 0.
    const p2 = away(sim, 'BTCUSDT', 0.1);
    const r2 = await c.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.100', price: p2 });
    sim.setPrice('BTCUSDT', (Number(p2) + 50).toFixed(1));
    const mid = (await c.get('/v5/order/realtime', `category=linear&orderId=${r2.result.orderId}`)).result.list[0];
    assert.equal(mid.orderStatus, 'PartiallyFilled');
    await c.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: r2.result.orderId });
    const done = (await c.get('/v5/order/history', `category=linear&orderId=${r2.result.orderId}`)).result.list[0];
    assert.equal(done.orderStatus, 'Cancelled');
    assert.equal(done.cumExecQty, mid.cumExecQty);
    assert.equal(done.leavesQty, '0.000');
    // The partly filled closing order wrote its closed-PnL row when it ended.
    const pnl = (await c.get('/v5/position/closed-pnl', 'category=linear')).result.list;
    assert.equal(pnl[0].orderId, r2.result.orderId);
    assert.equal(pnl[0].closedSize, mid.cumExecQty);
  });
});

