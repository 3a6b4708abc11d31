import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { spawnCli } from '../helpers/cli.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { call } from '../server/helpers.js';
import { TOKEN_A, kline, startInstance, until, type Instance } from './helpers.js';

/**
 * `robosync run` with price nodes, as a real process: the collector fills the tables from the
 * simulator on its interval, a node registered over the API is pulled on its own schedule, and
 * SIGINT stops everything cleanly (exit 0, "engine stopped" logged).
 */
describe('robosync run with price nodes (daemon process)', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  let a: Instance;
  let db: TestDb;
  let dir: string;
  const TOKEN = 'daemon-token-0123456789';

  before(async () => {
    sim = await startSimulator({ seed: 21, accounts: 1, symbols: ['BTCUSDT'] });
    a = await startInstance({ token: TOKEN_A });
    // Well inside the daemon's 10-minute first-sync lookback, whatever minute it starts in.
    const t0 = Math.floor((Date.now() - 300_000) / 60_000) * 60_000;
    await a.nodes.market.upsertKlines(Array.from({ length: 5 }, (_, i) => kline({ symbol: 'FROMNODE', open_time: t0 + i * 60_000 })), Date.now());
    db = await createTestDb('postgresql');
    dir = mkdtempSync(join(tmpdir(), 'robosync-daemon-'));
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
    await a?.close();
    await sim?.close();
  });

  it('collects, pulls a registered node on its interval, and stops cleanly on SIGINT', async () => {
    const cfg = join(dir, 'robosync.yaml');
    writeFileSync(
      cfg,
      [
        'database:',
        `  url: ${db.url}`,
        'exchanges:',
        '  bybit:',
        `    baseUrl: ${sim.url}`,
        'server:',
        '  port: 0',
        '  token: ${ROBOSYNC_TOKEN}',
        'pricenode:',
        '  collector: { enabled: true, symbols: [BTCUSDT], timeframes: [1m], intervalMs: 1s }',
        '  sync: { reloadMs: 300 }',
        "  lookbacks: { '1m': 10m }",
        'logging: { level: info, format: json }',
        '',
      ].join('\n'),
    );
    const child = spawnCli(['run', '-c', cfg], { env: { ROBOSYNC_TOKEN: TOKEN } });
    try {
      await until(() => /control plane listening/.test(child.output.stderr) || child.exitCode !== null, 20_000, 'the control plane');
      assert.equal(child.exitCode, null, child.output.stderr);
      const url = JSON.parse(child.output.stderr.split('\n').find((l) => l.includes('control plane listening'))!).url as string;
      const status = async () => (await call(url, 'GET', '/api/v1/data/sync/status', { token: TOKEN })).json;
      await until(async () => (await status()).totals?.tickers >= 3, 15_000, 'three collector runs');
      const s = await status();
      assert.ok(s.totals.klines >= 10, JSON.stringify(s.totals));
      assert.equal(s.collector.enabled, true);

      const added = await call(url, 'POST', '/api/v1/sync/nodes', { token: TOKEN, body: { name: 'a', baseUrl: a.url, apiKey: TOKEN_A, interval: '300ms', symbols: ['FROMNODE'] } });
      assert.equal(added.status, 201, added.text);
      await until(async () => {
        const n = (await call(url, 'GET', '/api/v1/sync/nodes')).json;
        return n.status.length === 1 && n.status[0].state === 'completed' && n.nodes[0].lastSuccessAt > 0;
      }, 10_000, 'the node pulled on schedule');
      assert.equal((await status()).series.find((x: { symbol: string }) => x.symbol === 'FROMNODE').rows, 5);
    } finally {
      child.kill('SIGINT');
    }
    const r = await child.result;
    assert.equal(r.code, 0, r.stderr.slice(-2000));
    assert.match(r.stderr, /"message":"price nodes started"/);
    assert.match(r.stderr, /"message":"engine stopped"/);
    for (const secret of [TOKEN, TOKEN_A]) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'a key is in the daemon output');
  });
});
