import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startServer, type ServerHandle } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/logger.js';
import { until } from '../helpers/engine.js';
import { TOKEN, call, startServerRig, wsConnect, type ServerRig } from './helpers.js';

/** A connected peer whose messages are kept so a test can wait for the one it wants. */
class Client {
  closed: { code: number; reason: string } | null = null;
  #waiters: Array<() => void> = [];
  constructor(
    readonly ws: WebSocket,
    /** filled by wsConnect's listener, attached before the socket opened */
    readonly messages: any[],
  ) {
    ws.on('message', () => {
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const w of this.#waiters.splice(0)) w();
    });
    ws.on('error', () => undefined);
  }
  static async open(url: string, opts: Parameters<typeof wsConnect>[1] = { token: TOKEN }): Promise<Client> {
    const r = await wsConnect(url, opts);
    if (r.ws === null) throw new Error(`refused with ${r.status}`);
    return new Client(r.ws, r.messages);
  }
  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }
  async next(pred: (m: any) => boolean, ms = 5000, from = 0): Promise<any> {
    const end = Date.now() + ms;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) before the message came`);
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${ms} ms; got ${JSON.stringify(this.messages.slice(-3))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
  /** Request/answer by id. */
  async ask(msg: Record<string, unknown>, ms = 5000): Promise<any> {
    const from = this.messages.length;
    this.send(msg);
    return this.next((m) => m.id === msg.id && m.type !== 'hello', ms, from);
  }
  async closedWithin(ms: number): Promise<{ code: number; reason: string }> {
    await until(() => this.closed !== null, ms, 'the socket to close');
    return this.closed!;
  }
  close(): void {
    this.ws.close();
  }
}

describe('WebSocket /api/v1/ws', function () {
  this.timeout(30_000);
  let rig: ServerRig;
  const clients: Client[] = [];
  const open = async (url = rig.url, opts?: Parameters<typeof wsConnect>[1]) => {
    const c = await Client.open(url, opts);
    clients.push(c);
    return c;
  };
  before(async () => {
    rig = await startServerRig({ tuning: { statsIntervalMs: 100 } });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.ws.terminate();
  });
  after(() => rig?.close());

  it('greets with hello: version, heartbeat, channels and inbound events', async () => {
    const c = await open();
    const hello = await c.next((m) => m.type === 'hello');
    assert.equal(hello.server, 'robosync');
    assert.equal(typeof hello.heartbeatMs, 'number');
    assert.ok(hello.channels.includes('order.changed') && hello.channels.includes('stats'));
    assert.ok(hello.inbound.includes('order.placed'));
  });

  describe('events in', () => {
    it('acks a good event (ok: true) and a bad one with the error and its field', async () => {
      const c = await open();
      assert.deepEqual(await c.ask({ id: 'm1', event: 'order.placed', robotId: 'grid-btc', orderLinkId: 'grid-x1' }), { type: 'ack', id: 'm1', ok: true });
      const bad = await c.ask({ id: 'm2', event: 'order.placed', robotId: 'ghost' });
      assert.equal(bad.ok, false);
      assert.equal(bad.error.code, 'bad_request');
      assert.equal(bad.error.field, 'robotId');
      assert.match(bad.error.message, /^robotId: expected a registered robot, received "ghost"$/);
      const typed = await c.ask({ type: 'event', id: 7, event: 'position.closed', robotId: 'dca-eth', symbol: 'ETHUSDT' });
      assert.deepEqual(typed, { type: 'ack', id: 7, ok: true });
      const badField = await c.ask({ id: 'm3', event: 'order.placed', robotId: 'grid-btc', orderId: 12 });
      assert.equal(badField.error.field, 'orderId');
    });

    it('acks a batch with one result per event', async () => {
      const c = await open();
      const a = await c.ask({ type: 'events', id: 'b1', events: [{ event: 'order.placed', robotId: 'grid-btc' }, { event: 'nope', robotId: 'grid-btc' }, { event: 'manual.action', robotId: 'idle-bot' }] });
      assert.equal(a.type, 'ack');
      assert.equal(a.ok, false);
      assert.equal(a.accepted, 2);
      assert.equal(a.rejected, 1);
      assert.equal(a.results[1].error.field, 'events[1].event');
    });

    it('malformed messages get an error, not a disconnect', async () => {
      const c = await open();
      let from = c.messages.length;
      c.send('this is not json');
      assert.equal((await c.next((m) => m.type === 'error', 5000, from)).error.code, 'bad_json');
      from = c.messages.length;
      c.send('[1,2]');
      assert.equal((await c.next((m) => m.type === 'error', 5000, from)).error.field, 'message');
      const unknownType = await c.ask({ id: 'u1', type: 'dance' });
      assert.equal(unknownType.type, 'error');
      assert.equal(unknownType.error.field, 'type');
      const badSub = await c.ask({ id: 's1', type: 'subscribe', robots: ['ok', 5] });
      assert.equal(badSub.error.field, 'robots[1]');
      const badChan = await c.ask({ id: 's2', type: 'subscribe', robots: '*', events: ['order.changed', 'gossip'] });
      assert.equal(badChan.error.field, 'events[1]');
      assert.equal(c.closed, null);
      assert.equal((await c.ask({ id: 'p', type: 'ping' })).type, 'pong');
    });

    it('a flood of malformed messages is abuse: closed with 1008 and a reason', async () => {
      const c = await open();
      for (let i = 0; i < 60; i++) c.send('{');
      const closed = await c.closedWithin(5000);
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /too many malformed messages/);
    });
  });

  describe('subscriptions', () => {
    it('a robot subscriber gets order.changed for its robot only; "*" gets all', async () => {
      const { sim } = rig;
      const acct = sim.accounts[0]!.id;
      const mine = await open();
      const all = await open();
      const sub = await mine.ask({ type: 'subscribe', id: 'sub', robots: ['grid-btc'], events: ['order.changed'] });
      assert.deepEqual(sub, { type: 'subscribed', id: 'sub', robots: ['grid-btc'], events: ['order.changed'] });
      assert.equal((await all.ask({ type: 'subscribe', id: 'sub', robots: '*', events: ['order.changed'] })).robots, '*');
      const px = Number(sim.price('BTCUSDT'));
      const a = await sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.010', price: (px * 0.8).toFixed(1), orderLinkId: 'grid-ws-1' });
      const b = await sim.placeOrder(acct, { symbol: 'ETHUSDT', side: 'Buy', orderType: 'Limit', qty: '0.10', price: (Number(sim.price('ETHUSDT')) * 0.8).toFixed(2) });
      assert.deepEqual(await mine.ask({ id: 'e', event: 'order.placed', robotId: 'grid-btc', orderId: String(a.orderId) }), { type: 'ack', id: 'e', ok: true });
      await all.next((m) => m.type === 'event' && m.data.after.orderId === a.orderId);
      const other = await all.next((m) => m.type === 'event' && m.data.after.orderId === b.orderId);
      assert.equal(other.data.robotId, 'dca-eth');
      const got = await mine.next((m) => m.type === 'event' && m.event === 'order.changed');
      assert.equal(got.data.robotId, 'grid-btc');
      assert.equal(got.data.after.orderLinkId, 'grid-ws-1');
      assert.equal(got.data.after.status, 'New');
      // Everything sent to `mine` before this pong has arrived: nothing of dca-eth's is among it.
      await mine.ask({ type: 'ping', id: 'flush' });
      const events = mine.messages.filter((m) => m.type === 'event');
      assert.ok(events.length >= 1);
      assert.ok(events.every((m) => m.event === 'order.changed' && m.data.robotId === 'grid-btc'), JSON.stringify(events.map((m) => m.data.robotId)));
    });

    it('robots without an events list get the robot change events; account-level sync events reach them too', async () => {
      const c = await open();
      const sub = await c.ask({ type: 'subscribe', id: 's', robots: ['idle-bot'] });
      assert.deepEqual(sub.events.sort(), ['fill.received', 'order.changed', 'position.changed', 'robot.tier_changed', 'sync.completed', 'sync.failed']);
      await call(rig.url, 'POST', `/api/v1/sync/accounts/${rig.sim.accounts[1]!.id}`, { token: TOKEN });
      const done = await c.next((m) => m.type === 'event' && m.event === 'sync.completed');
      assert.ok(done.data.robotIds.includes('idle-bot'));
      const unsub = await c.ask({ type: 'unsubscribe', id: 'u', robots: ['idle-bot'] });
      assert.deepEqual(unsub.robots, []);
    });

    it('subscribing to an unknown robot is allowed (it may register later) and reported', async () => {
      const c = await open();
      const sub = await c.ask({ type: 'subscribe', id: 's', robots: ['not-yet'], events: ['order.changed'] });
      assert.deepEqual(sub.unknownRobots, ['not-yet']);
    });

    it('the stats channel pushes live numbers and the status every interval', async () => {
      const c = await open();
      await c.ask({ type: 'subscribe', id: 's', events: ['stats'] });
      const from = c.messages.length;
      const s = await c.next((m) => m.type === 'stats', 2000, from);
      const s2 = await c.next((m) => m.type === 'stats' && m !== s, 2000, from);
      assert.ok(s2.data.now > s.data.now);
      assert.equal(s.data.state, 'running');
      assert.equal(s.data.robots.length, 3);
      assert.ok('eventLagMs' in s.data.live && 'apiCallsPerMin' in s.data.live);
    });
  });

  describe('heartbeat and back-pressure', () => {
    // Two servers: a paused reader also stops answering pings, so with a 100 ms heartbeat the
    // heartbeat would drop it before its buffer fills; back-pressure gets a normal heartbeat.
    let fast: ServerHandle;
    let tight: ServerHandle;
    before(async () => {
      fast = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0, token: TOKEN }, logger: silentLogger(), tuning: { heartbeatMs: 100 } });
      tight = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0, token: TOKEN }, logger: silentLogger(), tuning: { wsMaxBufferedBytes: 64 * 1024 } });
    });
    after(async () => {
      await fast?.close();
      await tight?.close();
    });

    it('answers a client ping with pong; keeps a peer that answers server pings', async () => {
      const c = await open(fast.url);
      const pong = await c.ask({ type: 'ping', id: 'hb-1' });
      assert.equal(pong.type, 'pong');
      assert.equal(typeof pong.at, 'number');
      await new Promise((r) => setTimeout(r, 600));
      assert.equal(c.closed, null, 'a healthy peer was dropped');
    });

    it('drops a peer that stops answering pings', async () => {
      const c = await open(fast.url, { token: TOKEN, autoPong: false });
      const started = Date.now();
      await c.closedWithin(2000);
      assert.ok(Date.now() - started < 1000, `dropped after ${Date.now() - started} ms`);
      const m = await call(fast.url, 'GET', '/metrics');
      assert.match(m.text, /^robosync_ws_disconnects_total\{reason="heartbeat"\} [1-9]/m);
    });

    it('cuts off a slow consumer with 1008 and a reason instead of buffering without bound', async () => {
      const c = await open(tight.url);
      await c.next((m) => m.type === 'hello');
      c.ws.pause();
      // It keeps writing but never reads: every ack it is owed piles up on the server. A batch of
      // bad events is the cheapest way to be owed a lot (the ack is ~3x the request).
      const batch = JSON.stringify({ type: 'events', id: 'flood', events: Array.from({ length: 1000 }, () => ({ event: 'order.placed', robotId: 'ghost' })) });
      const metric = async () => /^robosync_ws_disconnects_total\{reason="slow_consumer"\} [1-9]/m.test((await call(tight.url, 'GET', '/metrics')).text);
      let sent = 0;
      while (!(await metric())) {
        assert.ok(sent < 2000, 'the server never cut the slow consumer off');
        c.ws.send(batch);
        sent++;
      }
      c.ws.resume();
      const closed = await c.closedWithin(5000);
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /^slow consumer: more than 65536 bytes waiting to be sent$/);
      // Others are unaffected.
      const ok = await open(tight.url);
      assert.equal((await ok.ask({ type: 'ping', id: 'after' })).type, 'pong');
    });
  });

  it('only /api/v1/ws upgrades; other paths answer 404', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(rig.url.replace('http', 'ws') + '/api/v1/other', { headers: { authorization: `Bearer ${TOKEN}` } });
      ws.on('unexpected-response', (_q, res) => resolve(res.statusCode!));
      ws.on('open', () => reject(new Error('opened')));
      ws.on('error', () => undefined);
    });
    assert.equal(status, 404);
  });

  it('closing the server closes its peers with 1001', async () => {
    const s = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0, token: TOKEN }, logger: silentLogger() });
    try {
      const c = await open(s.url);
      await c.next((m) => m.type === 'hello');
      await s.close();
      const closed = await c.closedWithin(3000);
      assert.equal(closed.code, 1001);
      assert.equal(closed.reason, 'server shutting down');
    } finally {
      await s.close();
    }
  });
});
