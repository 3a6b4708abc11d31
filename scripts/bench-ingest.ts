/**
 * Ingest benchmark: executions into the ledger, on PostgreSQL and on PGlite.
 *
 *   npm run bench:ingest -- [--json bench-results-ingest.json] [--rows 100000] [--extra 50000]
 *                           [--orm-cap 5000] [--only postgresql|pglite] [--raw full|small]
 *                           [--pglite-dir memory|tmp] [--url postgres://…/postgres] [--repeat 3]
 *
 * Two phases per path, each on an emptied table: (1) `rows` new executions, (2) the same rows
 * again plus `extra` new ones (a replayed page plus fresh fills). Paths:
 *   a  orm-one-row   one row at a time through the ORM, as an ORM-merge sync does: a fresh entity
 *                    manager, findOne by key, create if missing, flush. Capped at `orm-cap` rows
 *                    per phase (an even sample of the phase's rows); rows/s is what counts.
 *   b  store         store.applySync({ executions }) — the real path: for large batches the ids
 *                    already stored are skipped and the rest COPYed straight into the table
 *                    (PostgreSQL: COPY FROM STDIN; PGlite: COPY FROM '/dev/blob').
 *   b' statements    the store's batched statement (json_to_recordset, 5k rows a statement), no COPY.
 *   b" unnest        the same INSERT … SELECT … FROM unnest(?::text[], …) ON CONFLICT, 15 bound
 *                    arrays, for reference (DESIGN's measured approach).
 *   c  copy-ceiling  PostgreSQL only: pg-copy-streams COPY into a temp table, then one
 *                    INSERT … SELECT … ON CONFLICT DO NOTHING, on a bare pg client.
 * store and copy-ceiling run `repeat` times and report the median run; the load average at start and end
 * goes into the JSON (on a shared 2-core machine, other processes move these numbers by 2x).
 * Raw objects are full Bybit execution rows (~700 bytes of JSON) unless `--raw small`.
 * Creates and drops its own PostgreSQL database; PGlite runs in memory (or a temp directory).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { ExecutionReport } from '../src/domain/types.js';
import { Execution } from '../src/store/entities.js';
import { copyField } from '../src/store/sql/copy.js';
import { executionsJson, upsertExecutions, type ExecutionInput } from '../src/store/sql/upsert-executions.js';
import { run } from '../src/store/sql/query.js';
import { createStore, storeInternals } from '../src/store/store.js';
import type { DatabaseConfig, Store } from '../src/store/types.js';

type Kind = 'postgresql' | 'pglite';

interface Args {
  json: string;
  rows: number;
  extra: number;
  ormCap: number;
  only: Kind | null;
  raw: 'full' | 'small';
  pgliteDir: 'memory' | 'tmp';
  url: string;
  repeat: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    json: 'bench-results-ingest.json',
    rows: 100_000,
    extra: 50_000,
    ormCap: 5_000,
    only: null,
    raw: 'full',
    pgliteDir: 'memory',
    url: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    repeat: 3,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined) throw new Error(`${flag}: expected a value`);
      i++;
      return value;
    };
    const int = () => {
      const v = Number(need());
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag}: expected a non-negative integer, received ${value}`);
      return v;
    };
    switch (flag) {
      case '--json':
        a.json = need();
        break;
      case '--rows':
        a.rows = int();
        break;
      case '--extra':
        a.extra = int();
        break;
      case '--orm-cap':
        a.ormCap = int();
        break;
      case '--only': {
        const v = need();
        if (v !== 'postgresql' && v !== 'pglite') throw new Error(`--only: expected postgresql or pglite, received ${v}`);
        a.only = v;
        break;
      }
      case '--raw': {
        const v = need();
        if (v !== 'full' && v !== 'small') throw new Error(`--raw: expected full or small, received ${v}`);
        a.raw = v;
        break;
      }
      case '--pglite-dir': {
        const v = need();
        if (v !== 'memory' && v !== 'tmp') throw new Error(`--pglite-dir: expected memory or tmp, received ${v}`);
        a.pgliteDir = v;
        break;
      }
      case '--url':
        a.url = need();
        break;
      case '--repeat':
        a.repeat = Math.max(1, int());
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return a;
}

// ---------------------------------------------------------------- data

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'DOGEUSDT', 'BNBUSDT', 'ADAUSDT', 'AVAXUSDT', 'LINKUSDT', 'PEPEUSDT'];
const T0 = 1_732_300_000_000;

/** Bybit-like execution ids (UUIDs), deterministic. */
function uuid(n: number): string {
  const h = (n * 2_654_435_761) >>> 0;
  const hex = (h.toString(16) + n.toString(16)).padStart(32, '0').slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function execution(n: number, raw: Args['raw']): ExecutionInput {
  const symbol = SYMBOLS[n % SYMBOLS.length]!;
  const side = n % 2 ? 'Buy' : 'Sell';
  const price = (60_000 + (n % 997) / 10).toFixed(1);
  const qty = ((1 + (n % 50)) / 1000).toFixed(3);
  const execId = uuid(n);
  const orderId = uuid(n >> 2 | 0x40000000);
  const report: ExecutionReport = {
    execId,
    orderId,
    orderLinkId: `grid-${n % 100}-${n >> 2}`,
    symbol,
    side,
    price,
    qty,
    value: (Number(price) * Number(qty)).toFixed(4),
    fee: (Number(price) * Number(qty) * 0.00055).toFixed(8),
    feeCurrency: 'USDT',
    isMaker: n % 3 === 0,
    execType: n % 500 === 0 ? 'Funding' : 'Trade',
    execTime: T0 + n * 7,
    raw:
      raw === 'small'
        ? { execId, execPrice: price, execQty: qty, seq: n }
        : {
            symbol,
            orderId,
            orderLinkId: `grid-${n % 100}-${n >> 2}`,
            side,
            orderPrice: price,
            orderQty: qty,
            leavesQty: '0',
            createType: 'CreateByUser',
            orderType: 'Limit',
            stopOrderType: '',
            execFee: (Number(price) * Number(qty) * 0.00055).toFixed(8),
            execFeeV2: '',
            execId,
            execPrice: price,
            execQty: qty,
            execType: 'Trade',
            execValue: (Number(price) * Number(qty)).toFixed(4),
            execTime: String(T0 + n * 7),
            feeCurrency: 'USDT',
            isMaker: n % 3 === 0,
            feeRate: '0.00055',
            tradeIv: '',
            markIv: '',
            markPrice: price,
            indexPrice: price,
            underlyingPrice: '',
            blockTradeId: '',
            closedSize: '0',
            seq: 4_600_000_000 + n,
            extraFees: '',
          },
  };
  return { report, robotId: `robot-${n % 100}` };
}

function dataset(a: Args): { phase1: ExecutionInput[]; phase2: ExecutionInput[] } {
  const phase1 = Array.from({ length: a.rows }, (_, i) => execution(i, a.raw));
  const fresh = Array.from({ length: a.extra }, (_, i) => execution(a.rows + i, a.raw));
  return { phase1, phase2: [...phase1, ...fresh] };
}

/** An even sample of `n` rows (keeps the phase's mix of old and new rows). */
function sample<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const step = items.length / n;
  return Array.from({ length: n }, (_, i) => items[Math.floor(i * step)]!);
}

// ---------------------------------------------------------------- paths

interface PhaseResult {
  rows: number;
  inserted: number;
  ms: number;
  rowsPerSec: number;
}
interface PathResult {
  path: string;
  phase1: PhaseResult;
  phase2: PhaseResult;
  total: { rows: number; ms: number; rowsPerSec: number };
  note?: string;
}

const ACCOUNT = 'bench-acc';

async function timed(rows: number, fn: () => Promise<number>): Promise<PhaseResult> {
  const t = performance.now();
  const inserted = await fn();
  const ms = performance.now() - t;
  return { rows, inserted, ms: Math.round(ms), rowsPerSec: Math.round((rows / ms) * 1000) };
}

function combine(path: string, phase1: PhaseResult, phase2: PhaseResult, note?: string): PathResult {
  const rows = phase1.rows + phase2.rows;
  const ms = phase1.ms + phase2.ms;
  return { path, phase1, phase2, total: { rows, ms, rowsPerSec: Math.round((rows / ms) * 1000) }, ...(note ? { note } : {}) };
}

async function emptyTable(store: Store): Promise<void> {
  await storeInternals(store).query('truncate executions');
  if (store.kind === 'postgresql') await storeInternals(store).query('checkpoint');
}

async function ormOneRow(store: Store, rows: ExecutionInput[]): Promise<number> {
  const { orm, exclusive } = storeInternals(store);
  let inserted = 0;
  for (const { report: r, robotId } of rows) {
    await exclusive(async () => {
      const em = orm.em.fork();
      const found = await em.findOne(Execution, { exchange: 'bybit', accountId: ACCOUNT, execId: r.execId });
      if (found) return; // executions never change: a merge finds nothing to update
      em.create(Execution, {
        exchange: 'bybit',
        accountId: ACCOUNT,
        execId: r.execId,
        orderId: r.orderId,
        orderLinkId: r.orderLinkId,
        robotId,
        symbol: r.symbol,
        side: r.side,
        price: r.price,
        qty: r.qty,
        value: r.value,
        fee: r.fee,
        feeCurrency: r.feeCurrency,
        isMaker: r.isMaker,
        execType: r.execType,
        execTime: r.execTime,
        raw: r.raw,
      });
      await em.flush();
      inserted++;
    });
  }
  return inserted;
}

async function viaStore(store: Store, rows: ExecutionInput[]): Promise<number> {
  const r = await store.applySync({ exchange: 'bybit', accountId: ACCOUNT, now: Date.now(), executions: rows });
  return r.executions.inserted;
}

async function viaStatements(store: Store, rows: ExecutionInput[]): Promise<number> {
  const { knex, exclusive } = storeInternals(store);
  return exclusive(() => knex.transaction(async (trx) => (await upsertExecutions(trx, 'bybit', ACCOUNT, rows, { copy: false })).inserted));
}

const UNNEST_SQL = `
insert into executions as e (exchange, account_id, exec_id, order_id, order_link_id, robot_id,
  symbol, side, price, qty, value, fee, fee_currency, is_maker, exec_type, exec_time, raw)
select ?, ?, t.exec_id, t.order_id, t.order_link_id, t.robot_id, t.symbol, t.side, t.price, t.qty,
  t.value, t.fee, t.fee_currency, t.is_maker, t.exec_type, t.exec_time, t.raw::jsonb
from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::numeric[],
  ?::numeric[], ?::numeric[], ?::text[], ?::boolean[], ?::text[], ?::bigint[], ?::text[])
  as t(exec_id, order_id, order_link_id, robot_id, symbol, side, price, qty, value, fee, fee_currency,
  is_maker, exec_type, exec_time, raw)
on conflict (exchange, account_id, exec_id) do nothing
returning e.exec_id`;

function unnestColumns(items: ExecutionInput[]): unknown[][] {
  const cols: unknown[][] = Array.from({ length: 15 }, () => []);
  for (const { report: r, robotId } of items) {
    const v = [r.execId, r.orderId, r.orderLinkId, robotId, r.symbol, r.side, r.price, r.qty, r.value, r.fee, r.feeCurrency, r.isMaker, r.execType, r.execTime, JSON.stringify(r.raw)];
    v.forEach((x, i) => cols[i]!.push(x));
  }
  return cols;
}

async function viaUnnest(store: Store, rows: ExecutionInput[]): Promise<number> {
  const { knex, exclusive } = storeInternals(store);
  return exclusive(() =>
    knex.transaction(async (trx) => {
      let inserted = 0;
      for (let i = 0; i < rows.length; i += 5_000) {
        inserted += (await run(trx, UNNEST_SQL, ['bybit', ACCOUNT, ...unnestColumns(rows.slice(i, i + 5_000))])).length;
      }
      return inserted;
    }),
  );
}

async function copyCeiling(url: string, rows: ExecutionInput[]): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('begin');
    await c.query(`create temp table bench_in (exec_id text, order_id text, order_link_id text, robot_id text, symbol text,
      side text, price numeric, qty numeric, value numeric, fee numeric, fee_currency text, is_maker boolean,
      exec_type text, exec_time bigint, raw jsonb) on commit drop`);
    function* blocks(): Generator<string> {
      let buf = '';
      for (let i = 0; i < rows.length; i++) {
        const { report: r, robotId } = rows[i]!;
        buf +=
          [r.execId, r.orderId, r.orderLinkId, robotId, r.symbol, r.side, r.price, r.qty, r.value, r.fee, r.feeCurrency, r.isMaker, r.execType, r.execTime, JSON.stringify(r.raw)]
            .map(copyField)
            .join('\t') + '\n';
        if (i % 2_000 === 1_999) {
          yield buf;
          buf = '';
        }
      }
      if (buf) yield buf;
    }
    await pipeline(Readable.from(blocks()), c.query(copyStreams.from('copy bench_in from stdin')));
    const res = await c.query(`insert into executions (exchange, account_id, exec_id, order_id, order_link_id, robot_id, symbol, side,
      price, qty, value, fee, fee_currency, is_maker, exec_type, exec_time, raw)
      select 'bybit', '${ACCOUNT}', exec_id, order_id, order_link_id, robot_id, symbol, side, price, qty, value, fee,
      fee_currency, is_maker, exec_type, exec_time, raw from bench_in
      on conflict (exchange, account_id, exec_id) do nothing returning exec_id`);
    await c.query('commit');
    return res.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

/**
 * The run with the median total time out of `repeat` runs. The paths the ratios compare (store,
 * copy-ceiling) repeat `--repeat` times; the reference paths (statements, unnest) and the slow,
 * capped ORM path run once.
 */
async function measure(
  path: string,
  store: Store,
  a: Args,
  data: ReturnType<typeof dataset>,
  fn: (rows: ExecutionInput[]) => Promise<number>,
  opts: { capped?: boolean; repeat?: number } = {},
): Promise<PathResult> {
  const capped = opts.capped ?? false;
  const runs: PathResult[] = [];
  for (let i = 0; i < (opts.repeat ?? 1); i++) runs.push(await measureOnce(path, store, a, data, fn, capped));
  runs.sort((x, y) => x.total.ms - y.total.ms);
  const r = runs[Math.floor((runs.length - 1) / 2)]!;
  if (runs.length > 1) r.note = `median of ${runs.length} runs (totals ${runs.map((x) => x.total.rowsPerSec).join(', ')} rows/s)`;
  process.stderr.write(`  ${path.padEnd(14)} ${String(r.phase1.rowsPerSec).padStart(8)} ${String(r.phase2.rowsPerSec).padStart(8)} rows/s${runs.length > 1 ? `  (${r.note})` : ''}\n`);
  return r;
}

async function measureOnce(path: string, store: Store, a: Args, data: ReturnType<typeof dataset>, fn: (rows: ExecutionInput[]) => Promise<number>, capped: boolean): Promise<PathResult> {
  await emptyTable(store);
  const p1rows = capped ? sample(data.phase1, a.ormCap) : data.phase1;
  const p2rows = capped ? sample(data.phase2, a.ormCap) : data.phase2;
  const phase1 = await timed(p1rows.length, () => fn(p1rows));
  if (capped) {
    // phase 2 replays rows the table really holds: load the full phase-1 set first (untimed)
    await emptyTable(store);
    await viaStatements(store, data.phase1);
  }
  const phase2 = await timed(p2rows.length, () => fn(p2rows));
  const old = new Set(data.phase1);
  const expected2 = capped ? p2rows.filter((x) => !old.has(x)).length : a.extra;
  if (phase1.inserted !== p1rows.length || phase2.inserted !== expected2) {
    throw new Error(`${path}: inserted ${phase1.inserted}/${phase2.inserted}, expected ${p1rows.length}/${expected2}`);
  }
  return combine(path, phase1, phase2, capped ? `capped at ${a.ormCap} rows per phase` : undefined);
}

async function benchKind(kind: Kind, a: Args, data: ReturnType<typeof dataset>): Promise<{ paths: PathResult[]; server: string }> {
  let config: DatabaseConfig;
  let cleanup = async () => undefined as void;
  let dbUrl = '';
  if (kind === 'postgresql') {
    const name = `robosync_bench_ingest_${process.pid}`;
    const admin = new pg.Client({ connectionString: a.url });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.query(`create database "${name}"`);
    await admin.end();
    const u = new URL(a.url);
    u.pathname = `/${name}`;
    dbUrl = u.toString();
    config = { kind, url: dbUrl, poolSize: 4 };
    cleanup = async () => {
      const c = new pg.Client({ connectionString: a.url });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
    };
  } else {
    const dir = a.pgliteDir === 'tmp' ? mkdtempSync(join(tmpdir(), 'robosync-bench-')) : null;
    config = { kind, dataDir: dir ?? 'memory://' };
    if (dir) cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const store = await createStore(config);
  try {
    await store.migrate();
    const server = String((await storeInternals(store).query<{ v: string }>('select version() as v'))[0]!.v).split(',')[0]!;
    process.stderr.write(`${kind} (${server})\n                  phase 1  phase 2\n`);
    // warm-up: JIT, catalog caches, the temp table
    await viaStore(store, data.phase1.slice(0, 3_000));
    const paths: PathResult[] = [];
    paths.push(await measure('orm-one-row', store, a, data, (rows) => ormOneRow(store, rows), { capped: true }));
    paths.push(await measure('store', store, a, data, (rows) => viaStore(store, rows), { repeat: a.repeat }));
    paths.push(await measure('statements', store, a, data, (rows) => viaStatements(store, rows)));
    paths.push(await measure('unnest', store, a, data, (rows) => viaUnnest(store, rows)));
    if (kind === 'postgresql') paths.push(await measure('copy-ceiling', store, a, data, (rows) => copyCeiling(dbUrl, rows), { repeat: a.repeat }));
    return { paths, server };
  } finally {
    await store.close();
    await cleanup();
  }
}

function table(results: Record<string, { paths: PathResult[] }>): string {
  const lines = ['kind        path            phase1 r/s  phase2 r/s  total r/s   b/a     b/c'];
  for (const [kind, { paths }] of Object.entries(results)) {
    const get = (p: string) => paths.find((x) => x.path === p);
    const a = get('orm-one-row')!.total.rowsPerSec;
    const c = get('copy-ceiling')?.total.rowsPerSec;
    for (const p of paths) {
      const isB = p.path === 'store';
      lines.push(
        [
          kind.padEnd(11),
          p.path.padEnd(15),
          String(p.phase1.rowsPerSec).padStart(10),
          String(p.phase2.rowsPerSec).padStart(11),
          String(p.total.rowsPerSec).padStart(10),
          (isB ? `${(p.total.rowsPerSec / a).toFixed(0)}x` : '').padStart(7),
          (isB && c ? (p.total.rowsPerSec / c).toFixed(2) : '').padStart(7),
        ].join(' '),
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const loadStart = loadavg().map((x) => +x.toFixed(2));
  const data = dataset(a);
  const kinds: Kind[] = a.only ? [a.only] : ['postgresql', 'pglite'];
  const results: Record<string, { paths: PathResult[]; server: string }> = {};
  for (const kind of kinds) results[kind] = await benchKind(kind, a, data);

  const ratios: Record<string, Record<string, number>> = {};
  for (const [kind, r] of Object.entries(results)) {
    const get = (p: string) => r.paths.find((x) => x.path === p)?.total.rowsPerSec;
    const b = get('store')!;
    ratios[kind] = { storeOverOrmOneRow: +(b / get('orm-one-row')!).toFixed(1) };
    const c = get('copy-ceiling');
    if (c) ratios[kind]!.storeOverCopyCeiling = +(b / c).toFixed(3);
    const s = get('statements');
    if (s && c) ratios[kind]!.statementsOverCopyCeiling = +(s / c).toFixed(3);
  }
  const pgStore = results.postgresql?.paths.find((p) => p.path === 'store')?.total.rowsPerSec;
  const report = {
    benchmark: 'ingest-executions',
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgStart: loadStart, loadavgEnd: loadavg().map((x) => +x.toFixed(2)) },
    params: { rows: a.rows, extra: a.extra, ormCap: a.ormCap, raw: a.raw, pgliteDir: a.pgliteDir, repeat: a.repeat },
    results,
    ratios,
    targets: results.postgresql
      ? {
          postgresqlStoreRowsPerSecMin: 60_000,
          postgresqlStoreOverOrmMin: 50,
          met: (pgStore ?? 0) >= 60_000 && (ratios.postgresql?.storeOverOrmOneRow ?? 0) >= 50,
        }
      : undefined,
  };
  writeFileSync(a.json, JSON.stringify(report, null, 2) + '\n');
  process.stdout.write(`\n${table(results)}\n\nb = store (real path), a = orm-one-row, c = copy-ceiling; phase 1: ${a.rows} new rows, phase 2: the same again + ${a.extra} new\n`);
  process.stdout.write(`load average ${loadStart.join(' ')} at start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end (${cpus().length} cpus)\nwrote ${a.json}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench-ingest: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
