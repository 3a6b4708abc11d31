import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { createEngine } from '../../src/engine.js';
import { priceNodesOf } from '../../src/pricenode/service.js';
import type { NodeRow } from '../../src/pricenode/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { createTestDb } from '../helpers/db.js';
import { recordingLogger } from '../server/helpers.js';
import { TOKEN_A, kline, startInstance, ticker, until, type Instance } from './helpers.js';

/**
 * The schedule, on real time with short settings: a node that is down backs off exponentially
 * (retryMinMs 200 doubling to retryMaxMs 800) while a healthy node keeps its own interval, and a
 * node that hangs (accepts, never answers) ties up nothing but its own job. The state (failures,
 * next run, status per pair) lives in the database and survives a restart.
 */
const RETRY_MIN = 200;
const RETRY_MAX = 800;
const backoff = (failures: number) => Math.min(RETRY_MAX, RETRY_MIN * 2 ** (failures - 1));

/** A TCP server that accepts connections and never answers (a hung node). */
async function blackhole(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port with nothing listening (connection refused). */
async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

describe('price nodes: schedule, backoff and restarts', function () {
  this.timeout(60_000);
  let a: Instance;
  let hole: Awaited<ReturnType<typeof blackhole>>;
  const T0 = Date.now() - 3_600_000;

  before(async () => {
    a = await startInstance({ token: TOKEN_A });
    await a.nodes.market.upsertKlines(Array.from({ length: 50 }, (_, i) => kline({ open_time: Math.floor(T0 / 60_000) * 60_000 + i * 60_000 })), Date.now());
    await a.nodes.market.upsertTickers([ticker({ time: T0 })], Date.now());
    hole = await blackhole();
  });
  after(async () => {
    await hole?.close();
    await a?.close();
  });

  it('a node that is down is retried with exponential backoff and blocks neither a healthy node nor a hung one', async () => {
    const c = await startInstance({ schedule: true, pricenode: { sync: { retryMinMs: RETRY_MIN, retryMaxMs: RETRY_MAX, timeoutMs: 1000, reloadMs: '60s' } } });
    try {
      const good = await c.nodes.addNode({ name: 'good', baseUrl: a.url, apiKey: TOKEN_A, intervalMs: 250 });
      const down = await c.nodes.addNode({ name: 'down', baseUrl: await closedPort(), intervalMs: 250, symbols: ['BTCUSDT'] });
      const hung = await c.nodes.addNode({ name: 'hung', baseUrl: hole.url, intervalMs: 250 });
      const seen = new Map<number, NodeRow[]>();
      const started = Date.now();
      while (Date.now() - started < 3000) {
        for (const n of await c.nodes.market.listNodes()) {
          const list = seen.get(n.id) ?? [];
          if (n.lastRunAt !== null && list[list.length - 1]?.lastRunAt !== n.lastRunAt) list.push(n);
          seen.set(n.id, list);
        }
        await new Promise((r) => setTimeout(r, 15));
      }
      const goodRuns = seen.get(good.id)!;
      const downRuns = seen.get(down.id)!;
      const hungRuns = seen.get(hung.id)!;

      // The healthy node ran on its own interval the whole time (one hung request would have
      // stalled a one-at-a-time design for a second per attempt).
      assert.ok(goodRuns.length >= 7, `good ran ${goodRuns.length} times`);
      assert.ok(goodRuns.every((n) => n.failures === 0 && n.lastError === null));

      // The down node: failures count up, each wait doubles from 200 ms and stops at 800 ms.
      assert.ok(downRuns.length >= 4, `down ran ${downRuns.length} times`);
      downRuns.forEach((n, i) => {
        assert.equal(n.failures, i + 1);
        assert.equal(n.nextRunAt! - n.lastRunAt!, backoff(n.failures));
        assert.match(n.lastError!, /GET \/api\/v1\/data\/sync\/status: network error \(ECONNREFUSED\)/);
        if (i > 0) assert.ok(n.lastRunAt! - downRuns[i - 1]!.lastRunAt! >= backoff(i), `gap ${i}`);
      });
      const status = await c.nodes.market.statuses(down.id);
      assert.deepEqual(status.map((s) => [s.symbol, s.stream, s.state]), ['klines:1d', 'klines:1h', 'klines:1m', 'klines:5m', 'tickers'].map((st) => ['BTCUSDT', st, 'failed']));
      assert.ok(status.every((s) => /ECONNREFUSED/.test(s.error!)));

      // The hung node timed out on its own schedule.
      assert.ok(hungRuns.length >= 2, `hung ran ${hungRuns.length} times`);
      assert.match(hungRuns[0]!.lastError!, /no answer within 1000 ms/);
      assert.equal(hungRuns[hungRuns.length - 1]!.failures, hungRuns.length);
    } finally {
      await c.close();
    }
  });

  it('a pass stops at maxRowsPerRun with the rest pending; the schedule follows with catch-up passes at once', async () => {
    const base = Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000;
    await a.nodes.market.upsertKlines(Array.from({ length: 1000 }, (_, i) => kline({ symbol: 'CAPUSDT', open_time: base + i * 60_000 })), Date.now());
    const c = await startInstance({ pricenode: { sync: { pageSize: 100, maxRowsPerRun: 250, reloadMs: '60s' }, lookbacks: { '1m': '2d' } } });
    try {
      const n = await c.nodes.addNode({ name: 'capped', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['CAPUSDT'], interval: '1h' });
      const r = await c.nodes.syncNode(n.id);
      assert.equal(r.ok, true);
      assert.equal(r.more, true);
      assert.deepEqual(r.streams.map((x) => [x.stream, x.state, x.fetched, x.pages]), [['klines:1m', 'pending', 300, 3]]);
      assert.equal(r.nextRunAt, r.finishedAt, 'due again at once');
      const [st] = (await c.nodes.node(n.id)).status;
      assert.equal(st!.state, 'pending');
      assert.equal(st!.lastTime, base + 299 * 60_000);
      await c.nodes.start();
      await until(async () => (await c.nodes.node(n.id)).status[0]!.state === 'completed', 10_000, 'catch-up passes');
      assert.equal(Number((await c.query<{ n: string }>("select count(*)::text as n from klines where symbol = 'CAPUSDT'"))[0]!.n), 1000);
      const done = (await c.nodes.node(n.id)).node;
      assert.equal(done.nextRunAt! - done.lastRunAt!, 3_600_000, 'back to its interval');
    } finally {
      await c.close();
    }
  });

  it('stopping mid-request ends the pass at once; a stop is not a failure of the node', async () => {
    const c = await startInstance({ pricenode: { sync: { timeoutMs: 10_000 } } });
    try {
      const good = await c.nodes.addNode({ name: 'good', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['BTCUSDT'] });
      assert.equal((await c.nodes.syncNode(good.id)).ok, true);
      // A good node whose next request hangs: point it at the black hole.
      await c.nodes.updateNode(good.id, { baseUrl: hole.url });
      const run = c.nodes.syncNode(good.id);
      await new Promise((r) => setTimeout(r, 300));
      const stoppedAt = Date.now();
      c.nodes.stop();
      const r = await run;
      assert.ok(Date.now() - stoppedAt < 1000, `took ${Date.now() - stoppedAt} ms to stop`);
      assert.equal(r.aborted, true);
      const after = await c.nodes.node(good.id);
      assert.equal(after.node.failures, 0);
      assert.equal(after.node.lastError, null);
      assert.ok(after.node.nextRunAt! <= Date.now(), 'due again at once');
      assert.ok(after.status.length === 2 && after.status.every((s) => s.state === 'completed' && s.lastTime !== null), JSON.stringify(after.status));
    } finally {
      await c.close();
    }
  });

  it('an engine stopped under running timers (stop() forgotten) ends them quietly: no crash, no retry loop', async () => {
    const rec = recordingLogger();
    const c = await startInstance({ schedule: true, logger: rec.logger, pricenode: { sync: { retryMinMs: 50, retryMaxMs: 100, reloadMs: '200ms' } } });
    try {
      await c.nodes.addNode({ name: 'fast', baseUrl: a.url, apiKey: TOKEN_A, intervalMs: 100 });
      await until(async () => (await c.nodes.market.listNodes())[0]!.lastSuccessAt !== null, 5000, 'a first run');
      await c.engine.stop();
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(rec.lines.filter((l) => l.meta?.component === 'pricenode' && (l.level === 'warn' || l.level === 'error')).map((l) => l.message), []);
      assert.ok(rec.lines.some((l) => l.meta?.component === 'pricenode' && l.message === 'price node synced'));
    } finally {
      await c.close();
    }
  });

  it('failures, the next run and the status per pair survive a restart; a node in backoff is not run early', async () => {
    const db = await createTestDb('postgresql');
    const config = {
      database: { url: db.url },
      pricenode: { sync: { retryMinMs: '30s', retryMaxMs: '5m', timeoutMs: 1000, reloadMs: '60s' } },
    };
    try {
      const e1 = await createEngine(config, { logger: silentLogger() });
      await e1.start();
      const n1 = priceNodesOf(e1);
      const node = await n1.addNode({ name: 'down', baseUrl: await closedPort(), symbols: ['ETHUSDT'], interval: '1m' });
      const r = await n1.syncNode(node.id);
      assert.ok(r.nodeError);
      await e1.stop();

      const e2 = await createEngine(config, { logger: silentLogger() });
      await e2.start();
      const n2 = priceNodesOf(e2);
      try {
        const back = await n2.node(node.id);
        assert.equal(back.node.failures, 1);
        assert.equal(back.node.nextRunAt! - back.node.lastRunAt!, 30_000);
        assert.equal(back.status.length, 5);
        assert.ok(back.status.every((s) => s.state === 'failed' && /ECONNREFUSED/.test(s.error!)));
        await n2.start();
        await new Promise((r) => setTimeout(r, 500));
        assert.equal((await n2.node(node.id)).node.lastRunAt, back.node.lastRunAt, 'ran before its backoff ended');
        // A manual sync does not wait for the backoff.
        await n2.syncNode(node.id);
        await until(async () => (await n2.node(node.id)).node.failures === 2, 5000, 'the manual run');
      } finally {
        n2.stop();
        await e2.stop();
      }
    } finally {
      await db.drop();
    }
  });
});
