import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { BybitPrivateStream } from '../../src/exchanges/bybit/stream.js';
import type { OrderReport, PositionReport } from '../../src/domain/types.js';
import { AuthError } from '../../src/errors.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/**
 * Protocol-level checks of the stream client against a bare WebSocket peer that speaks A.6:
 * the cases a full simulator does not make easy on demand (a peer that stops answering pings,
 * refuses auth, pushes rows of other categories). End-to-end behaviour against the simulator
 * is in test/adapters/.
 */
const KEY = 'stream-test-key-1';
const SECRET = 'stream-test-secret-1';

interface Peer {
  server: WebSocketServer;
  url: string;
  sockets: WebSocket[];
  received: Array<Record<string, unknown>>;
  mutePongs: boolean;
  refuseAuth: boolean;
  push(msg: unknown): void;
  close(): Promise<void>;
}

async function startPeer(): Promise<Peer> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(server, 'listening');
  const peer: Peer = {
    server,
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v5/private`,
    sockets: [],
    received: [],
    mutePongs: false,
    refuseAuth: false,
    push: (msg) => peer.sockets.at(-1)?.send(JSON.stringify(msg)),
    close: async () => {
      for (const s of peer.sockets) s.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('connection', (ws) => {
    peer.sockets.push(ws);
    ws.on('message', (raw) => {
      const m = JSON.parse(raw.toString()) as Record<string, unknown>;
      peer.received.push(m);
      const reply = (o: Record<string, unknown>) => ws.send(JSON.stringify({ ...o, req_id: m.req_id, conn_id: 'c1' }));
      if (m.op === 'auth') {
        const [key, expires, sig] = m.args as [string, number, string];
        const good = createHmac('sha256', SECRET).update(`GET/realtime${expires}`).digest('hex');
        const ok = !peer.refuseAuth && key === KEY && sig === good && expires > Date.now();
        reply({ success: ok, ret_msg: ok ? '' : 'Params Error', op: 'auth' });
      } else if (m.op === 'subscribe') reply({ success: true, ret_msg: '', op: 'subscribe' });
      else if (m.op === 'ping' && !peer.mutePongs) reply({ op: 'pong', args: [String(Date.now())] });
    });
  });
  return peer;
}

function makeStream(url: string, over: Partial<ConstructorParameters<typeof BybitPrivateStream>[0]> = {}): BybitPrivateStream {
  return new BybitPrivateStream({
    url,
    apiKey: KEY,
    apiSecret: SECRET,
    clock: systemClock,
    logger: silentLogger(),
    heartbeatMs: 40,
    pongTimeoutMs: 100,
    reconnectMinMs: 10,
    reconnectMaxMs: 40,
    recvWindowMs: 5000,
    ...over,
  });
}

function nextEvent<T>(stream: BybitPrivateStream, event: 'open' | 'close' | 'orders' | 'positions' | 'executions' | 'heartbeat' | 'error', timeoutMs = 2000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    stream.once(event, (v: unknown) => {
      clearTimeout(t);
      resolve(v as T);
    });
  });
}

describe('bybit private stream (protocol)', () => {
  let peer: Peer;
  let stream: BybitPrivateStream | null = null;
  beforeEach(async () => {
    peer = await startPeer();
  });
  afterEach(async () => {
    await stream?.stop();
    stream = null;
    await peer.close();
  });

  it('authenticates with a future expires, subscribes order/execution/position, then opens', async () => {
    stream = makeStream(peer.url);
    const before = Date.now();
    const opened = nextEvent<{ reconnect: boolean }>(stream, 'open');
    stream.start();
    assert.deepEqual(await opened, { reconnect: false });
    assert.equal(stream.connected, true);
    const auth = peer.received.find((m) => m.op === 'auth')!;
    assert.ok((auth.args as [string, number])[1] > before);
    const sub = peer.received.find((m) => m.op === 'subscribe')!;
    assert.deepEqual([...(sub.args as string[])].sort(), ['execution', 'order', 'position']);
  });

  it('emits heartbeat(at) with the local time the answered ping was sent', async () => {
    stream = makeStream(peer.url);
    const before = Date.now();
    const hb = nextEvent<number>(stream, 'heartbeat');
    stream.start();
    const at = await hb;
    assert.ok(at >= before && at <= Date.now(), `at ${at}`);
    assert.ok(peer.received.some((m) => m.op === 'ping'));
  });

  it('maps pushes, positions by entryPrice, and skips rows of other categories', async () => {
    stream = makeStream(peer.url);
    const opened = nextEvent(stream, 'open');
    stream.start();
    await opened;
    const orders = nextEvent<OrderReport[]>(stream, 'orders');
    peer.push({
      id: 'm1', topic: 'order', creationTime: Date.now(),
      data: [
        { category: 'spot', orderId: 'spot-1', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', orderStatus: 'New', createdTime: '1', updatedTime: '1' },
        {
          category: 'linear', orderId: 'o1', orderLinkId: '', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', price: '100', qty: '1',
          orderStatus: 'Filled', avgPrice: '100', cumExecQty: '1', cumExecValue: '100', cumFeeDetail: { USDT: '0.06' },
          reduceOnly: true, createdTime: '1717000000000', updatedTime: '1717000000500',
        },
      ],
    });
    const got = await orders;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.orderId, 'o1');
    assert.equal(got[0]!.status, 'Filled');
    assert.equal(got[0]!.fee, '0.06');
    const positions = nextEvent<PositionReport[]>(stream, 'positions');
    peer.push({
      id: 'm2', topic: 'position', creationTime: Date.now(),
      data: [{ category: 'linear', symbol: 'BTCUSDT', positionIdx: 0, side: 'Buy', size: '0.5', entryPrice: '101.5', unrealisedPnl: '0', cumRealisedPnl: '1', updatedTime: '1717000000600', seq: 5 }],
    });
    const p = (await positions)[0]!;
    assert.equal(p.avgPrice, '101.5');
    assert.equal(p.seq, '5');
  });

  it('treats a missing pong as a dead connection and reconnects with open({reconnect:true})', async () => {
    stream = makeStream(peer.url);
    const first = nextEvent(stream, 'open');
    stream.start();
    await first;
    peer.mutePongs = true;
    const closed = nextEvent<{ reason: string }>(stream, 'close');
    const again = nextEvent<{ reconnect: boolean }>(stream, 'open');
    assert.match((await closed).reason, /pong/);
    peer.mutePongs = false;
    assert.deepEqual(await again, { reconnect: true });
    assert.equal(peer.sockets.length, 2);
  });

  it('reconnects after the server drops the socket', async () => {
    stream = makeStream(peer.url);
    const first = nextEvent(stream, 'open');
    stream.start();
    await first;
    const again = nextEvent<{ reconnect: boolean }>(stream, 'open');
    peer.sockets[0]!.terminate();
    assert.deepEqual(await again, { reconnect: true });
  });

  it('stop() closes cleanly and does not reconnect', async () => {
    stream = makeStream(peer.url);
    const first = nextEvent(stream, 'open');
    stream.start();
    await first;
    const closed = nextEvent<{ reason: string }>(stream, 'close');
    await stream.stop();
    assert.equal((await closed).reason, 'stopped');
    assert.equal(stream.connected, false);
    let reopened = false;
    stream.on('open', () => (reopened = true));
    // Longer than the whole backoff range (10..40 ms): a redial would have happened by now.
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(reopened, false);
    assert.equal(peer.sockets.length, 1);
  });

  it('reports a refused auth as AuthError without the key or secret, and keeps retrying', async () => {
    peer.refuseAuth = true;
    stream = makeStream(peer.url);
    const err = nextEvent<Error>(stream, 'error');
    stream.start();
    const e = await err;
    assert.ok(e instanceof AuthError);
    assert.ok(!e.message.includes(KEY) && !e.message.includes(SECRET));
    peer.refuseAuth = false;
    assert.deepEqual(await nextEvent(stream, 'open'), { reconnect: false });
  });
});
