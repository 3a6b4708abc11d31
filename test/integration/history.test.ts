import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { stringify as toYaml } from 'yaml';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { createEngine } from '../../src/engine.js';
import { silentLogger } from '../../src/util/logger.js';

const DAY = 86_400_000;

/** History streams and backfill through the real CLI, against the simulator and real PostgreSQL. */
describe('history streams, backfill and export (CLI processes, simulator, PostgreSQL)', function () {
  this.timeout(120_000);
  let sim: SimulatorHandle;
  let dir: string;

  before(async () => {
    sim = await startSimulator({ seed: 21, accounts: 3, symbols: ['BTCUSDT', 'ETHUSDT'], limits: { ipLimit: 100_000 } });
    // 30 days of back-dated trading on the first account: several 7-day windows, > 5,000 fills
    sim.generateHistory({ accountId: sim.accounts[0]!.id, days: 30, executions: 5200 });
    sim.generateHistory({ accountId: sim.accounts[1]!.id, days: 3, executions: 300 });
    dir = mkdtempSync(join(tmpdir(), 'robosync-history-'));
  });
  after(() => sim.close());

  function writeConfig(db: TestDb, accounts: { id: string; apiKey: string; apiSecret: string }[]): string {
    const file = join(dir, `config-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(
      file,
      toYaml({
        database: { url: db.url },
        exchanges: { bybit: { baseUrl: sim.url, wsUrl: sim.wsUrl, timeoutMs: 5000 } },
        accounts: accounts.map((a) => ({ id: a.id, exchange: 'bybit', apiKey: a.apiKey, apiSecret: a.apiSecret })),
        logging: { level: 'warn', format: 'json' },
      }),
    );
    return file;
  }

  async function rows(db: TestDb, sql: string, params: unknown[] = []) {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end();
    }
  }

  it('a 30-day backfill equals the ground truth exactly: none lost, none twice', async () => {
    const db = await createTestDb('postgresql');
    try {
      const acct = sim.accounts[0]!;
      const cfg = writeConfig(db, [acct]);
      const r = await runCli(['backfill', '-c', cfg, '--account', acct.id, '--since', '31d']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /executions: window 1\/5/);
      const truth = sim.truth({ accountId: acct.id });
      const truthExecs = truth.executions.filter((e) => Number(e.execTime) >= Date.now() - 31 * DAY);
      assert.ok(truthExecs.filter((e) => e.execType === 'Trade').length >= 5000, 'the simulator made enough fills');
      const stored = await rows(db, `select exec_id, exec_type, qty, price from executions where account_id = $1`, [acct.id]);
      assert.equal(stored.length, truthExecs.length);
      const want = new Map(truthExecs.map((e) => [String(e.execId), e]));
      for (const s of stored) {
        const t = want.get(s.exec_id);
        assert.ok(t, `stored ${s.exec_id} that the exchange never had`);
        assert.equal(s.exec_type, t.execType);
        assert.equal(Number(s.qty), Number(t.execQty));
      }
      // funding kept apart from fills, by exec_type
      assert.ok(stored.some((s) => s.exec_type === 'Funding'));
      const closed = await rows(db, `select count(*)::int as n from closed_pnl where account_id = $1`, [acct.id]);
      assert.equal(closed[0].n, truth.closedPnl.filter((c) => Number(c.createdTime) >= Date.now() - 31 * DAY).length);
      const runs = await rows(db, `select scope, status, rows_new, api_calls from sync_runs order by id`);
      assert.equal(runs.at(-1).scope, `backfill:${acct.id}`);
      assert.equal(runs.at(-1).status, 'success');
      assert.ok(runs.at(-1).api_calls > 5);
      // a CSV export round-trips
      const csvFile = join(dir, 'executions.csv');
      const ex = await runCli(['export', 'executions', '-c', cfg, '--format', 'csv', '--account', acct.id, '-o', csvFile]);
      assert.equal(ex.code, 0, ex.stderr);
      const parsed = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
      assert.equal(parsed.length, stored.length);
      const fromDb = await rows(db, `select exec_id, order_id, price::text as price, qty::text as qty, fee::text as fee, exec_time from executions where account_id = $1`, [acct.id]);
      const byId = new Map(fromDb.map((x) => [x.exec_id, x]));
      for (const p of parsed) {
        const d = byId.get(p.execId ?? p.exec_id);
        assert.ok(d, 'exported row is in the table');
        assert.equal(p.price, d.price);
        assert.equal(p.qty, d.qty);
        assert.equal(p.fee, d.fee);
      }
    } finally {
      await db.drop();
    }
  });

  it('killed mid-backfill (SIGKILL) and rerun: the same final state as an uninterrupted run', async () => {
    const db = await createTestDb('postgresql');
    try {
      const acct = sim.accounts[0]!;
      const cfg = writeConfig(db, [acct]);
      sim.setFaults({ latencyMs: 15 });
      const child = spawnCli(['backfill', '-c', cfg, '--account', acct.id, '--since', '31d']);
      await new Promise<void>((resolve, reject) => {
        const t = setInterval(() => {
          if (/executions: window 2\/5/.test(child.output.stderr)) {
            clearInterval(t);
            child.kill('SIGKILL');
            resolve();
          }
          if (child.exitCode !== null) {
            clearInterval(t);
            reject(new Error(`backfill ended before it could be killed: ${child.output.stderr}`));
          }
        }, 5);
      });
      const killed = await child.result;
      assert.equal(killed.signal, 'SIGKILL');
      sim.setFaults({ latencyMs: 0 });
      const partial = (await rows(db, `select count(*)::int as n from executions`))[0].n;
      const again = await runCli(['backfill', '-c', cfg, '--account', acct.id, '--since', '31d']);
      assert.equal(again.code, 0, again.stderr);
      const truthExecs = sim.truth({ accountId: acct.id }).executions.filter((e) => Number(e.execTime) >= Date.now() - 31 * DAY);
      const stored = await rows(db, `select exec_id from executions where account_id = $1`, [acct.id]);
      assert.ok(partial < truthExecs.length, 'the kill happened mid-way');
      assert.equal(stored.length, truthExecs.length);
      assert.equal(new Set(stored.map((s) => s.exec_id)).size, stored.length);
    } finally {
      sim.setFaults({ latencyMs: 0 });
      await db.drop();
    }
  });

  it('one account with a wrong secret: its error is recorded clearly, the others complete', async () => {
    const db = await createTestDb('postgresql');
    try {
      const good = sim.accounts[1]!;
      const bad = { ...sim.accounts[2]!, apiSecret: 'definitely-not-the-secret' };
      const engine = await createEngine(
        {
          database: { url: db.url },
          exchanges: { bybit: { baseUrl: sim.url, wsUrl: sim.wsUrl, timeoutMs: 3000 } },
          accounts: [good, bad].map((a) => ({ id: a.id, exchange: 'bybit' as const, apiKey: a.apiKey, apiSecret: a.apiSecret })),
          history: { intervalMs: 300, initialLookback: '4d' },
          scheduler: { retryMinMs: 50, retryMaxMs: 200 },
        },
        { logger: silentLogger() },
      );
      await engine.start();
      try {
        const deadline = Date.now() + 20_000;
        let runs: { status: string; accounts_ok: number; accounts_failed: number; error_message: string | null }[] = [];
        while (Date.now() < deadline) {
          runs = await rows(db, `select status, accounts_ok, accounts_failed, error_message from sync_runs where scope = 'history' and finished_at is not null order by id`);
          if (runs.length >= 2) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(runs.length >= 1, 'history runs were recorded');
        const first = runs[0]!;
        assert.equal(first.status, 'partial');
        assert.equal(first.accounts_ok, 1);
        assert.equal(first.accounts_failed, 1);
        assert.match(first.error_message ?? '', new RegExp(`${bad.id}: AuthError`));
        assert.doesNotMatch(first.error_message ?? '', /definitely-not-the-secret/);
        assert.doesNotMatch(first.error_message ?? '', new RegExp(bad.apiKey));
        const goodRows = await rows(db, `select count(*)::int as n from executions where account_id = $1`, [good.id]);
        assert.ok(goodRows[0].n > 0, 'the good account synced its history');
        const badRows = await rows(db, `select count(*)::int as n from executions where account_id = $1`, [bad.id]);
        assert.equal(badRows[0].n, 0);
      } finally {
        await engine.stop();
      }
    } finally {
      await db.drop();
    }
  });
});
