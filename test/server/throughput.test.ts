import assert from 'node:assert/strict';
import { TOKEN, call, startServerRig, wsConnect, type ServerRig } from './helpers.js';

/**
 * How many robot events per second the control plane takes in on this machine, over HTTP
 * batches and over one WebSocket (one message per event, and batches), with every event accepted
 * by the engine (which coalesces them into at most two syncs per account). Printed, and held to a
 * floor far below what was measured so a slow CI machine does not fail it.
 */
const FLOOR_PER_SEC = 2000;

describe('ingest throughput', function () {
  this.timeout(60_000);
  let rig: ServerRig;
  before(async () => {
    rig = await startServerRig({ tuning: { maxBatchEvents: 1000 } });
  });
  after(() => rig?.close());

  const event = (i: number) => ({ event: i % 2 ? 'order.placed' : 'position.opened', robotId: i % 3 ? 'grid-btc' : 'idle-bot', orderLinkId: `grid-t${i}` });

  it('POST /api/v1/events in batches of 1,000', async () => {
    const batches = 20;
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const r = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, body: { events: Array.from({ length: 1000 }, (_, i) => event(b * 1000 + i)) } });
      assert.equal(r.json.accepted, 1000);
    }
    const perSec = Math.round((batches * 1000) / ((performance.now() - started) / 1000));
    console.log(`      HTTP batches: ${perSec} events/s`);
    assert.ok(perSec > FLOOR_PER_SEC, `${perSec} events/s`);
  });

  it('WebSocket, one message per event with an ack each (pipelined)', async () => {
    const peer = await wsConnect(rig.url, { token: TOKEN });
    const ws = peer.ws!;
    const n = 20_000;
    let acked = 0;
    const done = new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'ack') {
          assert.equal(m.ok, true);
          if (++acked === n) resolve();
        }
      });
    });
    const started = performance.now();
    for (let i = 0; i < n; i++) ws.send(JSON.stringify({ id: i, ...event(i) }));
    await done;
    const perSec = Math.round(n / ((performance.now() - started) / 1000));
    console.log(`      WebSocket single events: ${perSec} events/s`);
    ws.close();
    assert.ok(perSec > FLOOR_PER_SEC, `${perSec} events/s`);
  });

  it('WebSocket batches of 1,000', async () => {
    const peer = await wsConnect(rig.url, { token: TOKEN });
    const ws = peer.ws!;
    const batches = 20;
    let acked = 0;
    const done = new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString());
        if (m.type === 'ack') {
          assert.equal(m.accepted, 1000);
          if (++acked === batches) resolve();
        }
      });
    });
    const started = performance.now();
    for (let b = 0; b < batches; b++) ws.send(JSON.stringify({ type: 'events', id: b, events: Array.from({ length: 1000 }, (_, i) => event(b * 1000 + i)) }));
    await done;
    const perSec = Math.round((batches * 1000) / ((performance.now() - started) / 1000));
    console.log(`      WebSocket batches: ${perSec} events/s`);
    ws.close();
    assert.ok(perSec > FLOOR_PER_SEC, `${perSec} events/s`);
  });
});
