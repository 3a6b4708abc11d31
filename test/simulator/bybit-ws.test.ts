import assert from 'node:assert/strict';
import WebSocket from 'ws';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { idleFor } from '../../src/simulator/bybit/ws.js';
import { away, client, hmacHex, startTestSim, waitFor } from './helpers.js';

/** A raw private-stream client that records every message. */
class RawWs {
  readonly msgs: any[] = [];
  closed: { code: number } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.msgs.push(JSON.parse(d.toString())));
    ws.on('close', (code) => (this.closed = { code }));
  }
  static async open(url: string): Promise<RawWs> {
    const ws = new WebSocket(url);
    const c = new RawWs(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return c;
  }
  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }
  async reply(pred: (m: any) => boolean, what = 'reply'): Promise<any> {
    return waitFor(() => this.msgs.find(pred), 3000, what);
  }
  topic(t: string): any[] {
    return this.msgs.filter((m) => m.topic === t);
  }
  async auth(key: string, secret: string, expires = Date.now() + 5000): Promise<any> {
    const reqId = `auth-${Math.random()}`;
    this.send({ req_id: reqId, op: 'auth', args: [key, expires, hmacHex(secret, `GET/realtime${expires}`)] });
    return this.reply((m) => m.req_id === reqId, 'auth reply');
  }
  async sub(topics: string[]): Promise<any> {
    const reqId = `sub-${Math.random()}`;
    this.send({ req_id: reqId, op: 'subscribe', args: topics });
    return this.reply((m) => m.req_id === reqId, 'subscribe reply');
  }
  close(): void {
    this.ws.terminate();
  }
}

describe('simulator bybit: private WebSocket', () => {
  let sim: SimulatorHandle;
  let now = Date.now();
  const opened: RawWs[] = [];
  const open = async (q = '') => {
    const c = await RawWs.open(`${sim.wsUrl}/v5/private${q}`);
    opened.push(c);
    return c;
  };
  before(async () => {
    sim = await startTestSim({ accounts: 2, now: () => now, limits: { wsIdleMs: 400 } });
  });
  afterEach(() => {
    for (const c of opened.splice(0)) c.close();
    sim.resetFaults();
  });
  after(() => sim.close());

  it('auth with the documented signature; reply echoes req_id and carries conn_id', async () => {
    now = Date.now();
    const c = await open();
    const a = sim.accounts[0]!;
    const r = await c.auth(a.apiKey, a.apiSecret, now + 5000);
    assert.equal(r.success, true);
    assert.equal(r.ret_msg, '');
    assert.equal(r.op, 'auth');
    assert.equal(typeof r.conn_id, 'string');
  });

  it('auth fails for an expired expires, a wrong signature or malformed args; the connection stays usable', async () => {
    now = Date.now();
    const c = await open();
    const a = sim.accounts[0]!;
    assert.equal((await c.auth(a.apiKey, a.apiSecret, now - 1)).success, false);
    assert.equal((await c.auth(a.apiKey, 'wrong-secret', now + 5000)).success, false);
    c.send({ req_id: 'bad', op: 'auth', args: ['x'] });
    const bad = await c.reply((m) => m.req_id === 'bad');
    assert.deepEqual([bad.success, bad.ret_msg], [false, 'Params Error']);
    assert.equal((await c.auth(a.apiKey, a.apiSecret, now + 5000)).success, true);
  });

  it('private subscribe without auth fails with "Request not authorized"; ping -> pong', async () => {
    const c = await open();
    const r = await c.sub(['order']);
    assert.equal(r.success, false);
    assert.equal(r.ret_msg, 'Request not authorized');
    assert.equal(r.op, 'subscribe');
    c.send({ req_id: 'p1', op: 'ping' });
    const pong = await c.reply((m) => m.op === 'pong');
    assert.equal(pong.req_id, 'p1');
    assert.match(pong.args[0], /^\d{13}$/);
    assert.equal(typeof pong.conn_id, 'string');
    c.send('not json');
    assert.equal((await c.reply((m) => m.success === false && !m.op)).ret_msg, 'Params Error');
  });

  it('pushes order/execution/execution.fast/position for an order life; position on create and cancel too', async () => {
    now = Date.now();
    const c = await open();
    const a = sim.accounts[1]!;
    await c.auth(a.apiKey, a.apiSecret, now + 5000);
    const s = await c.sub(['order', 'execution', 'execution.fast', 'position']);
    assert.equal(s.success, true);
    const rest = client(sim, 1);
    const price = away(sim, 'BTCUSDT', -0.1);
    const created = await rest.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price, orderLinkId: 'ws-1' });
    const id = created.result.orderId;
    const newMsg = await c.reply((m) => m.topic === 'order' && m.data[0].orderId === id, 'order New');
    assert.equal(newMsg.data[0].orderStatus, 'New');
    assert.equal(newMsg.data[0].category, 'linear');
    assert.equal(newMsg.data[0].closedPnl, '0');
    assert.equal(typeof newMsg.id, 'string');
    assert.equal(typeof newMsg.creationTime, 'number');
    const posOnCreate = await c.reply((m) => m.topic === 'position', 'position on create');
    assert.equal(posOnCreate.data[0].size, '0.000');
    assert.ok('entryPrice' in posOnCreate.data[0] && !('avgPrice' in posOnCreate.data[0]));

    sim.setPrice('BTCUSDT', (Number(price) - 20).toFixed(1));
    const filled = await c.reply((m) => m.topic === 'order' && m.data[0].orderStatus === 'Filled', 'order Filled');
    assert.equal(filled.data[0].orderId, id);
    const exec = await c.reply((m) => m.topic === 'execution', 'execution');
    assert.ok(Array.isArray(exec.data));
    assert.equal(exec.data[0].orderId, id);
    assert.equal(exec.data[0].category, 'linear');
    assert.equal(exec.data[0].execPnl, '0');
    assert.equal(exec.data[0].isMaker, true);
    const fast = await c.reply((m) => m.topic === 'execution.fast', 'execution.fast');
    assert.equal(fast.id, undefined);
    assert.equal(fast.data[0].orderLinkId, '', 'maker side has no orderLinkId on execution.fast');
    assert.deepEqual(Object.keys(fast.data[0]).sort(), ['category', 'execId', 'execPrice', 'execQty', 'execTime', 'isMaker', 'orderId', 'orderLinkId', 'seq', 'side', 'symbol']);
    const pos = await waitFor(() => c.topic('position').find((m) => m.data[0].size === '0.002'), 3000, 'position after fill');
    assert.equal(pos.data[0].side, 'Buy');
    assert.equal(Number(pos.data[0].entryPrice), Number(price));
    assert.equal(pos.data[0].seq, exec.data[0].seq);

    // A cancel also pushes a position message although the position did not change.
    const before = c.topic('position').length;
    const r2 = await rest.post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: away(sim, 'BTCUSDT', -0.2) });
    await rest.post('/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: r2.result.orderId });
    await c.reply((m) => m.topic === 'order' && m.data[0].orderStatus === 'Cancelled', 'order Cancelled');
    await waitFor(() => c.topic('position').length >= before + 2, 3000, 'position on create and cancel');
  });

  it('categorised topics work; mixing both kinds in one request fails; unknown topics fail', async () => {
    now = Date.now();
    const c = await open();
    const a = sim.accounts[0]!;
    await c.auth(a.apiKey, a.apiSecret, now + 5000);
    assert.equal((await c.sub(['order', 'execution.linear'])).success, false);
    assert.equal((await c.sub(['orderbook.1.BTCUSDT'])).success, false);
    assert.equal((await c.sub(['order.linear'])).success, true);
    await client(sim, 0).post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' });
    const m = await c.reply((x) => x.topic === 'order.linear', 'order.linear push');
    assert.equal(m.data[0].symbol, 'ETHUSDT');
  });

  it('no replay: a client that connects after an event does not get it', async () => {
    now = Date.now();
    await client(sim, 0).post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' });
    const c = await open();
    const a = sim.accounts[0]!;
    await c.auth(a.apiKey, a.apiSecret, now + 5000);
    await c.sub(['order', 'execution', 'position']);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.msgs.filter((m) => m.topic).length, 0);
  });

  it('idle disconnect after the configured time without client messages; pings keep it open', async () => {
    const idle = await open();
    const pinged = await open();
    const t = setInterval(() => pinged.send({ op: 'ping' }), 100);
    try {
      await waitFor(() => idle.closed, 2000, 'idle close');
      assert.equal(pinged.closed, null);
    } finally {
      clearInterval(t);
    }
  });

  it('faults: dropped messages, a duplicate Filled (CancelByUser / EC_OrigClOrdIDDoesNotExist), drop every N ms', async () => {
    now = Date.now();
    const c = await open();
    const a = sim.accounts[0]!;
    await c.auth(a.apiKey, a.apiSecret, now + 5000);
    await c.sub(['order', 'execution']);
    sim.setFaults({ wsDuplicateFilledRate: 1 });
    await client(sim, 0).post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.01' });
    const dup = await c.reply((m) => m.topic === 'order' && m.data[0].rejectReason === 'EC_OrigClOrdIDDoesNotExist', 'duplicate Filled');
    assert.equal(dup.data[0].orderStatus, 'Filled');
    assert.equal(dup.data[0].cancelType, 'CancelByUser');
    assert.equal(c.topic('order').filter((m) => m.data[0].orderStatus === 'Filled').length, 2);

    sim.setFaults({ wsDuplicateFilledRate: 0, wsDropMessageRate: 1 });
    const n = c.msgs.length;
    await client(sim, 0).post('/v5/order/create', { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(c.msgs.length, n, 'every push dropped');

    sim.setFaults({ wsDropMessageRate: 0, wsDropEveryMs: 150 });
    const d = await open();
    await waitFor(() => d.closed, 2000, 'forced drop');
    assert.notEqual(d.closed!.code, 1000, 'an abrupt drop, not a clean close');
  });

  it('max_active_time: 30s..600s like "1m"; a smaller configured idle time wins', () => {
    assert.equal(idleFor('1m', 600_000), 60_000);
    assert.equal(idleFor('45s', 600_000), 45_000);
    assert.equal(idleFor('5s', 600_000), 30_000);
    assert.equal(idleFor('20m', 600_000), 600_000);
    assert.equal(idleFor('1m', 400), 400);
    assert.equal(idleFor('soon', 600_000), 600_000);
    assert.equal(idleFor(null, 600_000), 600_000);
  });

  it('unknown WS paths are refused', async () => {
    await assert.rejects(RawWs.open(`${sim.wsUrl}/v5/public/nothing`));
  });
});
