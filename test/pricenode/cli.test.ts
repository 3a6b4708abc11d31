import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { runCli } from '../helpers/cli.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { TOKEN_A, kline, startInstance, ticker, type Instance } from './helpers.js';

/**
 * `robosync nodes …` as a user runs it: the real CLI in a child process, against a PostgreSQL
 * database of its own (no daemon), pulling from a live robosync instance over HTTP.
 */
describe('robosync nodes (CLI)', function () {
  this.timeout(60_000);
  let a: Instance;
  let db: TestDb;
  let dir: string;
  let cfg: string;
  const env = { NODE_KEY: TOKEN_A };
  const cli = (...args: string[]) => runCli(['nodes', ...args, '-c', cfg], { env });

  before(async () => {
    a = await startInstance({ token: TOKEN_A });
    const t0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    await a.nodes.market.upsertKlines(Array.from({ length: 30 }, (_, i) => kline({ open_time: t0 + i * 60_000 })), Date.now());
    await a.nodes.market.upsertTickers([ticker({ time: t0 })], Date.now());
    db = await createTestDb('postgresql');
    dir = mkdtempSync(join(tmpdir(), 'robosync-nodes-cli-'));
    cfg = join(dir, 'robosync.yaml');
    writeFileSync(cfg, `database:\n  url: ${db.url}\nlogging:\n  level: warn\n`);
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
    await a?.close();
  });

  it('add, test, sync, list, update, remove: the key never printed, the data in the database; bad input exits 2, a refused key 1', async () => {
    const bad = await cli('add', '--name', 'x', '--url', 'ftp://nowhere');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /baseUrl: expected an http\(s\) URL without credentials, query or fragment/);

    const add = await cli('add', '--name', 'from-cli', '--url', a.url, '--api-key-env', 'NODE_KEY', '--interval', '10m', '--priority', '3', '--symbols', 'BTCUSDT');
    assert.equal(add.code, 0, add.stderr);
    const id = /added node (\d+) \(from-cli\)/.exec(add.stdout)?.[1];
    assert.ok(id, add.stdout);
    assert.match(add.stdout, /node…6789\s+10\.0m\s+3\s+yes\s+BTCUSDT/);

    const test = await cli('test', id);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /reachable: yes \(\d+ ms\)\n {2}version: {3}robosync \d+\.\d+\.\d+\n {2}auth: {6}ok\n {2}offers: {4}2 \(pair, data type\) series/);

    const sync = await cli('sync', id);
    assert.equal(sync.code, 0, sync.stdout + sync.stderr);
    assert.match(sync.stdout, /from-cli\): ok in/);
    assert.match(sync.stdout, /bybit\s+BTCUSDT\s+klines:1m\s+completed\s+30\s+30\s+1/);
    assert.match(sync.stdout, /bybit\s+BTCUSDT\s+tickers\s+completed\s+1\s+1\s+1/);
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      assert.equal((await c.query('select count(*)::int as n from klines')).rows[0].n, 30);
      assert.equal((await c.query('select count(*)::int as n from tickers')).rows[0].n, 1);
      // Timeframes the node does not have are not asked for.
      const st = await c.query(`select stream, state from node_sync_status order by stream`);
      assert.deepEqual(st.rows, [{ stream: 'klines:1m', state: 'completed' }, { stream: 'tickers', state: 'completed' }]);
    } finally {
      await c.end();
    }

    const list = await cli('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /from-cli\s+http:\/\/127\.0\.0\.1:\d+\s+node…6789/);
    assert.match(list.stdout, /NODE\s+EXCHANGE\s+SYMBOL\s+DATA\s+STATE/);
    assert.match(list.stdout, /BTCUSDT\s+klines:1m\s+completed/);

    const update = await runCli(['nodes', 'update', id, '--api-key-env', 'WRONG', '-c', cfg], { env: { WRONG: 'a-wrong-key-123' } });
    assert.equal(update.code, 0, update.stderr);
    const refused = await cli('test', id);
    assert.equal(refused.code, 1);
    assert.match(refused.stdout, /auth: {6}refused\n {2}error: {5}GET \/api\/v1\/data\/sync\/status: HTTP 401: the node refused the API key/);

    const rm = await cli('remove', id);
    assert.equal(rm.code, 0, rm.stderr);
    assert.equal(rm.stdout, `removed node ${id}\n`);

    for (const r of [add, test, sync, list, update, refused, rm]) {
      for (const k of [TOKEN_A, 'a-wrong-key-123']) assert.ok(!r.stdout.includes(k) && !r.stderr.includes(k), 'a key was printed');
    }
  });
});
