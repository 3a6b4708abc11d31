import assert from 'node:assert/strict';
import type { AfterPage } from '../../src/pricenode/node-sync.js';
import type { KlineRow } from '../../src/pricenode/types.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { VERSION } from '../../src/version.js';
import { call } from '../server/helpers.js';
import { recordingLogger } from '../server/helpers.js';
import { TOKEN_A, TOKEN_B, startInstance, tableRows, type Instance } from './helpers.js';

/**
 * Two robosync instances in one process, each with its own PostgreSQL database and control
 * plane on loopback: A collects from the simulator over HTTP; B registers A as a node through
 * its API and pulls A's export. The comparisons are of the stored rows, column for column.
 */
const MIN = 60_000;
const PAGE = 100;

function bar(symbol: string, open_time: number, close = '100.5'): KlineRow {
  return { exchange: 'bybit', symbol, timeframe: '1m', open_time, close_time: open_time + MIN - 1, open: '100', high: '101', low: '99', close, volume: '5', quote_volume: '502.5', trade_count: 7, taker_buy_volume: '2', taker_buy_quote_volume: '201' };
}

describe('price nodes: two robosync instances', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  let a: Instance;
  let b: Instance;
  let hook: AfterPage | null = null;
  const rec = recordingLogger();
  let nodeA: number;

  before(async () => {
    sim = await startSimulator({ seed: 5, accounts: 1, symbols: ['BTCUSDT', 'ETHUSDT'] });
    a = await startInstance({ sim, token: TOKEN_A, pricenode: { collector: { enabled: true, symbols: ['BTCUSDT', 'ETHUSDT'] } } });
    b = await startInstance({
      token: TOKEN_B,
      logger: rec.logger,
      // B reaches further back than A collected, so "the synced range" is all of A.
      pricenode: { sync: { pageSize: PAGE, retryMinMs: 200, retryMaxMs: 1000, timeoutMs: 2000 }, lookbacks: { tickers: '400d', '1m': '400d', '5m': '400d', '1h': '400d', '1d': '400d' } },
      deps: { afterPage: (e) => hook?.(e) },
    });
    const c = await a.nodes.collectNow();
    assert.ok(c.ok, c.errors.join('; '));
  });
  after(async () => {
    await b?.close();
    await a?.close();
    await sim?.close();
  });

  it('B registers A through its API, tests it and syncs it: B holds exactly A\'s tickers and klines', async () => {
    const body = { name: 'node-a', baseUrl: `${a.url}/`, apiKey: TOKEN_A, interval: '1h', priority: 2 };
    assert.equal((await call(b.url, 'POST', '/api/v1/sync/nodes', { body })).status, 401, 'registering needs B\'s token');
    const created = await call(b.url, 'POST', '/api/v1/sync/nodes', { token: TOKEN_B, body });
    assert.equal(created.status, 201, created.text);
    const node = created.json.node;
    nodeA = node.id;
    assert.equal(created.headers.get('location'), `/api/v1/sync/nodes/${nodeA}`);
    assert.deepEqual({ ...node, createdAt: 0, updatedAt: 0 }, {
      id: nodeA, name: 'node-a', baseUrl: a.url, keyHint: 'node…6789', intervalMs: 3_600_000, priority: 2, active: true, symbols: [],
      createdAt: 0, updatedAt: 0, lastRunAt: null, lastSuccessAt: null, lastError: null, failures: 0, nextRunAt: null,
    });
    assert.ok(!created.text.includes(TOKEN_A));

    const test = await call(b.url, 'POST', `/api/v1/sync/nodes/${nodeA}/test`, { token: TOKEN_B });
    assert.equal(test.status, 200, test.text);
    assert.deepEqual({ ...test.json.test, latencyMs: typeof test.json.test.latencyMs }, {
      nodeId: nodeA, name: 'node-a', baseUrl: a.url, reachable: true, latencyMs: 'number', version: `robosync ${VERSION}`, auth: 'ok', series: 10, error: null,
    });

    const sync = await call(b.url, 'POST', `/api/v1/sync/nodes/${nodeA}/sync`, { token: TOKEN_B });
    assert.equal(sync.status, 200, sync.text);
    const r = sync.json.result;
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.streams.length, 10);
    assert.ok(r.streams.every((s: { state: string }) => s.state === 'completed'));
    // 360 one-minute bars in pages of 100: the export was really paged.
    assert.equal(r.streams.find((s: { symbol: string; stream: string }) => s.symbol === 'BTCUSDT' && s.stream === 'klines:1m').pages, 4);

    for (const table of ['tickers', 'klines'] as const) assert.deepEqual(await tableRows(b, table), await tableRows(a, table), table);
    assert.ok((await tableRows(b, 'klines')).length > 1500);

    // The status API (open read) shows every (node, pair, data type) with A's newest time.
    const list = await call(b.url, 'GET', '/api/v1/sync/nodes');
    assert.equal(list.status, 200);
    assert.ok(!list.text.includes(TOKEN_A));
    const aSeries = (await a.nodes.dataStatus()).series;
    assert.equal(list.json.status.length, 10);
    for (const s of list.json.status) {
      assert.equal(s.state, 'completed');
      assert.equal(s.error, null);
      assert.equal(s.lastTime, aSeries.find((x) => x.symbol === s.symbol && x.stream === s.stream)!.last_time);
    }
    const n = list.json.nodes[0];
    assert.equal(n.failures, 0);
    assert.ok(n.lastSuccessAt > 0 && n.nextRunAt - n.lastRunAt === 3_600_000);

    // B's own data status now reads like A's.
    const [sa, sb] = await Promise.all([call(a.url, 'GET', '/api/v1/data/sync/status', { token: TOKEN_A }), call(b.url, 'GET', '/api/v1/data/sync/status', { token: TOKEN_B })]);
    assert.deepEqual(sb.json.totals, sa.json.totals);
    assert.deepEqual(sb.json.latest_kline_time, sa.json.latest_kline_time);
    assert.equal(sb.json.latest_ticker_time, sa.json.latest_ticker_time);
  });

  it('an instance on embedded PGlite pulls A the same way and holds the same rows', async () => {
    const c = await startInstance({ db: 'pglite', pricenode: { sync: { pageSize: 500 }, lookbacks: { tickers: '400d', '1m': '400d', '5m': '400d', '1h': '400d', '1d': '400d' } } });
    try {
      const n = await c.nodes.addNode({ name: 'node-a', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['BTCUSDT', 'ETHUSDT'] });
      const r = await c.nodes.syncNode(n.id);
      assert.equal(r.ok, true, JSON.stringify(r));
      for (const table of ['tickers', 'klines'] as const) assert.deepEqual(await tableRows(c, table, "symbol in ('BTCUSDT', 'ETHUSDT')"), await tableRows(a, table, "symbol in ('BTCUSDT', 'ETHUSDT')"), table);
      assert.deepEqual((await c.nodes.dataStatus()).totals, (await a.nodes.dataStatus()).totals);
    } finally {
      await c.close();
    }
  });

  it('the next pass pulls only what is new: the new snapshot and the forming bars, then the tables are equal again', async () => {
    await new Promise((r) => setTimeout(r, 20));
    assert.ok((await a.nodes.collectNow()).ok);
    const r = await b.nodes.syncNode(nodeA);
    assert.equal(r.ok, true);
    const fetched = r.streams.reduce((n, s) => n + s.fetched, 0);
    // Each (pair, data type) re-reads its last row (the bar may have been forming) plus what is new.
    assert.ok(fetched >= 12 && fetched <= 30, `fetched ${fetched}`);
    assert.equal(r.streams.filter((s) => s.stream === 'tickers').reduce((n, s) => n + s.written, 0), 2);
    for (const table of ['tickers', 'klines'] as const) assert.deepEqual(await tableRows(b, table), await tableRows(a, table), table);
  });

  it('rows inserted on A while B pages are neither skipped nor duplicated; rows behind B\'s page come with a re-sync', async () => {
    const T0 = Math.floor((Date.now() - 2 * 86_400_000) / MIN) * MIN;
    // A has the even minutes of 1,200 (600 bars): gaps to insert into.
    await a.nodes.market.upsertKlines(Array.from({ length: 600 }, (_, k) => bar('PAGEUSDT', T0 + 2 * k * MIN)), Date.now());
    const last = T0 + 2 * 599 * MIN;
    const node = await b.nodes.addNode({ name: 'node-a-paging', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['PAGEUSDT'] });

    const received: number[] = [];
    const ahead: number[] = [];
    const behind: number[] = [];
    const beyond: number[] = [];
    let boundary = 0;
    hook = async (e) => {
      if (e.node.id !== node.id) return;
      received.push(...e.times);
      boundary = Math.max(boundary, ...e.times);
      if (e.page === 2 || e.page === 4) {
        // Odd minutes ahead of the reader (inside the range still to come) and behind it, and new bars after the end.
        const odd = (k: number) => T0 + (2 * k + 1) * MIN;
        const aheadNow = Array.from({ length: 10 }, (_, i) => odd(e.page === 2 ? 300 + 20 * i : 405 + 19 * i)).filter((t) => t > boundary);
        const behindNow = [odd(3 + e.page), odd(50 + e.page)].filter((t) => t < boundary);
        const beyondNow = Array.from({ length: 5 }, (_, i) => last + (2 * (i + 1) + e.page * 20) * MIN);
        await a.nodes.market.upsertKlines([...aheadNow, ...behindNow, ...beyondNow].map((t) => bar('PAGEUSDT', t, '200.25')), Date.now());
        ahead.push(...aheadNow);
        behind.push(...behindNow);
        beyond.push(...beyondNow);
      }
    };
    let r;
    try {
      r = await b.nodes.syncNode(node.id);
    } finally {
      hook = null;
    }
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(ahead.length, 20);
    assert.equal(behind.length, 4);
    assert.equal(beyond.length, 10);

    // Every row exactly once: no page repeated a row, none was skipped.
    assert.equal(new Set(received).size, received.length, 'a row came twice');
    const onA = (await a.query<{ t: string }>(`select open_time::text as t from klines where symbol = 'PAGEUSDT' order by open_time`)).map((x) => Number(x.t));
    assert.equal(onA.length, 600 + 34);
    const behindSet = new Set(behind);
    assert.deepEqual([...received].sort((x, y) => x - y), onA.filter((t) => !behindSet.has(t)), 'received = A minus the rows inserted behind the reader');
    const where = "symbol = 'PAGEUSDT'";
    const bRows = await tableRows(b, 'klines', where);
    assert.equal(bRows.length, 630);
    assert.equal(r.streams[0]!.pages, Math.ceil(630 / PAGE));

    // Rows inserted behind a reader are not in its pass (it already read past them): a re-sync from a time brings them.
    const again = await call(b.url, 'POST', `/api/v1/sync/nodes/${node.id}/sync?since=${T0}`, { token: TOKEN_B });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(await tableRows(b, 'klines', where), await tableRows(a, 'klines', where));
  });

  it('the export pages a fixed range exactly once while rows arrive inside, behind and beyond it', async () => {
    const T0 = Date.UTC(2026, 0, 5);
    await a.nodes.market.upsertKlines(Array.from({ length: 300 }, (_, k) => bar('RANGEUSDT', T0 + 2 * k * MIN)), Date.now());
    const end = T0 + 400 * MIN;
    const seen: number[] = [];
    let next: string | null = null;
    let pages = 0;
    const inside: number[] = [];
    do {
      const q: string = `/api/v1/data/klines/export?symbol=RANGEUSDT&timeframe=1m&start_time=${T0}&end_time=${end}&limit=50${next ? `&next=${next}` : ''}`;
      const res = await call(a.url, 'GET', q, { token: TOKEN_A });
      assert.equal(res.status, 200, res.text);
      pages++;
      const times = res.json.data.map((x: KlineRow) => x.open_time);
      seen.push(...times);
      if (pages === 1) {
        const boundary = times[times.length - 1];
        const ins = [T0 + 251 * MIN, T0 + 301 * MIN, T0 + 399 * MIN];
        inside.push(...ins);
        // inside ahead, behind the boundary, at and beyond the end bound
        await a.nodes.market.upsertKlines([...ins, boundary - MIN, T0 + 1 * MIN, end, end + 2 * MIN].map((t) => bar('RANGEUSDT', t, '300')), Date.now());
      }
      next = res.json.next;
      assert.equal(res.json.has_more, next !== null);
    } while (next);
    const expected = [...Array.from({ length: 200 }, (_, k) => T0 + 2 * k * MIN), ...inside].sort((x, y) => x - y);
    assert.deepEqual(seen, expected);
    assert.equal(pages, Math.ceil(expected.length / 50));
  });

  it('bad export requests get a 400 naming the parameter; auth is required with a token; the server keeps serving', async () => {
    const before = await tableRows(a, 'klines');
    const good = '/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&limit=5';
    const token = encodeURIComponent((await call(a.url, 'GET', good, { token: TOKEN_A })).json.next);
    const tickerToken = (await call(a.url, 'GET', '/api/v1/data/tickers/export?symbol=BTCUSDT&limit=1', { token: TOKEN_A })).json.next;
    const cases: [string, string, RegExp][] = [
      ['/api/v1/data/klines/export?timeframe=1m', 'symbol', /symbol: expected a symbol such as BTCUSDT, received nothing/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=2m', 'timeframe', /timeframe: expected one of 1m, 5m, 1h, 1d, received "2m"/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT', 'timeframe', /timeframe: expected one of/],
      ['/api/v1/data/tickers/export?symbol=BTCUSDT&limit=5001', 'limit', /limit: expected an integer from 1 to 5000, received "5001"/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&limit=10001', 'limit', /limit: expected an integer from 1 to 10000/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&start_time=10&end_time=5', 'end_time', /end_time: expected a time after start_time \(10\)/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&start_time=yesterday', 'start_time', /start_time: expected a time in ms since the epoch or an ISO 8601 date/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&next=garbage', 'next', /next: expected the token of a previous page of this same query \(not a token this server issued\)/],
      [`/api/v1/data/klines/export?symbol=ETHUSDT&timeframe=1m&next=${token}`, 'next', /a token for bybit\/BTCUSDT, not bybit\/ETHUSDT/],
      [`/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=5m&next=${token}`, 'next', /a token for timeframe 1m, not 5m/],
      [`/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&next=${tickerToken}`, 'next', /a token from the tickers export, not the klines export/],
      ['/api/v1/data/klines/export?symbol=BTCUSDT&timeframe=1m&startTime=5', 'startTime', /startTime: expected no such parameter \(known: symbol, exchange, timeframe, start_time, end_time, limit, next\)/],
      ['/api/v1/data/tickers/export?symbol=BTC%20USDT', 'symbol', /symbol: expected a symbol/],
    ];
    for (const [path, field, re] of cases) {
      const r = await call(a.url, 'GET', path, { token: TOKEN_A });
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(r.json.error.field, field, path);
      assert.match(r.json.error.message, re, path);
    }
    const noToken = await call(a.url, 'GET', good);
    assert.equal(noToken.status, 401);
    assert.equal(noToken.json.error.message, 'authorization: expected "Bearer <token>", received nothing');
    assert.equal((await call(a.url, 'GET', good, { token: 'not-the-token-at-all' })).status, 401);
    assert.equal((await call(a.url, 'GET', '/api/v1/data/sync/status')).status, 401);
    // /api/v1/version and /healthz stay open: a node test reads them before it knows the key works.
    assert.equal((await call(a.url, 'GET', '/api/v1/version')).json.version, VERSION);
    const ok = await call(a.url, 'GET', good, { token: TOKEN_A });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.data.length, 5);
    assert.equal(ok.json.has_more, true);
    assert.deepEqual(await tableRows(a, 'klines'), before);
  });

  it('a wrong key gives every (pair, data type) a clear failed state with the reason; the right key again heals it', async () => {
    const cursorsBefore = (await b.nodes.node(nodeA)).status.map((s) => [s.symbol, s.stream, s.lastTime]);
    const put = await call(b.url, 'PUT', `/api/v1/sync/nodes/${nodeA}`, { token: TOKEN_B, body: { apiKey: 'wrong-key-for-node-a' } });
    assert.equal(put.status, 200, put.text);
    assert.equal(put.json.node.keyHint, 'wron…de-a');

    const test = (await call(b.url, 'POST', `/api/v1/sync/nodes/${nodeA}/test`, { token: TOKEN_B })).json.test;
    assert.equal(test.reachable, true);
    assert.equal(test.auth, 'refused');
    assert.match(test.error, /HTTP 401: the node refused the API key \(authorization: the token is not valid\)/);

    const r = (await call(b.url, 'POST', `/api/v1/sync/nodes/${nodeA}/sync`, { token: TOKEN_B })).json.result;
    assert.equal(r.ok, false);
    assert.equal(r.nodeError, 'GET /api/v1/data/sync/status: HTTP 401: the node refused the API key (authorization: the token is not valid)');
    const after = (await call(b.url, 'GET', `/api/v1/sync/nodes/${nodeA}`)).json;
    assert.equal(after.status.length, 10);
    for (const s of after.status) {
      assert.equal(s.state, 'failed');
      assert.equal(s.error, r.nodeError);
    }
    // Cursors stay where they were; the node is backed off (retryMinMs 200 for the first failure).
    assert.deepEqual(after.status.map((s: { symbol: string; stream: string; lastTime: number }) => [s.symbol, s.stream, s.lastTime]), cursorsBefore);
    assert.equal(after.node.failures, 1);
    assert.equal(after.node.lastError, r.nodeError);
    assert.equal(after.node.nextRunAt - after.node.lastRunAt, 200);

    // No key at all is told apart from a wrong one.
    await b.nodes.updateNode(nodeA, { apiKey: null });
    assert.match((await b.nodes.syncNode(nodeA)).nodeError!, /HTTP 401: the node requires an API key and none is set/);
    assert.equal((await b.nodes.node(nodeA)).node.failures, 2);

    await b.nodes.updateNode(nodeA, { apiKey: TOKEN_A });
    const healed = await b.nodes.syncNode(nodeA);
    assert.equal(healed.ok, true);
    const back = await b.nodes.node(nodeA);
    assert.equal(back.node.failures, 0);
    assert.equal(back.node.lastError, null);
    assert.ok(back.status.every((s) => s.state === 'completed' && s.error === null));
  });

  it('node registration: bad input is a 400 naming the field (never echoing a key); unknown ids are 404', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'x', baseUrl: 'ftp://host' }, 'baseUrl', /baseUrl: expected an http\(s\) URL without credentials/],
      [{ name: 'x', baseUrl: 'http://user:pw@host:1' }, 'baseUrl', /received "\(a URL with credentials\)"/],
      [{ name: 'has space', baseUrl: 'http://h:1' }, 'name', /name: expected a name/],
      [{ name: 'x', baseUrl: 'http://h:1', apiKey: 'short' }, 'apiKey', /apiKey: expected a key of 8 to 512 printable characters without spaces, or null, received a string of 5 characters/],
      [{ name: 'x', baseUrl: 'http://h:1', apiKey: 'has a space in it' }, 'apiKey', /received a string of 17 characters/],
      [{ name: 'x', baseUrl: 'http://h:1', interval: '5 parsecs' }, 'interval', /interval: expected a duration from 100 ms to 7 days/],
      [{ name: 'x', baseUrl: 'http://h:1', priority: 11 }, 'priority', /priority: expected an integer from 1 \(first\) to 10 \(last\), received number 11/],
      [{ name: 'x', baseUrl: 'http://h:1', symbols: 'BTCUSDT' }, 'symbols', /symbols: expected a list of symbols/],
      [{ name: 'x', baseUrl: 'http://h:1', colour: 'red' }, 'colour', /colour: expected no such field/],
      [{ name: 'node-a', baseUrl: 'http://h:1' }, 'name', /name: expected a name no other node has, received "node-a" \(already registered\)/],
      [[1, 2], 'body', /body: expected a JSON object/],
    ];
    const count = (await b.nodes.nodes()).nodes.length;
    for (const [body, field, re] of cases) {
      const r = await call(b.url, 'POST', '/api/v1/sync/nodes', { token: TOKEN_B, body });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.field, field);
      assert.match(r.json.error.message, re);
      assert.ok(!r.text.includes('has a space in it'));
    }
    assert.equal((await b.nodes.nodes()).nodes.length, count, 'nothing was stored');
    assert.equal((await call(b.url, 'PUT', `/api/v1/sync/nodes/${nodeA}`, { token: TOKEN_B, body: { id: 999 } })).json.error.field, 'id');
    for (const [method, path] of [['GET', '/api/v1/sync/nodes/999'], ['PUT', '/api/v1/sync/nodes/999'], ['DELETE', '/api/v1/sync/nodes/999'], ['POST', '/api/v1/sync/nodes/999/sync'], ['POST', '/api/v1/sync/nodes/999/test']] as const) {
      const r = await call(b.url, method, path, { token: TOKEN_B, body: method === 'PUT' ? { priority: 3 } : undefined });
      assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    }
    assert.equal((await call(b.url, 'GET', '/api/v1/sync/nodes/abc')).json.error.field, 'id');
    assert.equal((await call(b.url, 'POST', `/api/v1/sync/nodes/${nodeA}/sync?since=soon`, { token: TOKEN_B })).json.error.field, 'since');
  });

  it('a removed node is gone with its status rows; the data it brought stays', async () => {
    const extra = await b.nodes.addNode({ name: 'short-lived', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['ETHUSDT'] });
    assert.equal((await b.nodes.syncNode(extra.id)).ok, true);
    const rows = (await tableRows(b, 'klines')).length;
    const del = await call(b.url, 'DELETE', `/api/v1/sync/nodes/${extra.id}`, { token: TOKEN_B });
    assert.deepEqual(del.json, { deleted: extra.id });
    assert.equal((await b.nodes.market.statuses(extra.id)).length, 0);
    assert.equal((await tableRows(b, 'klines')).length, rows);
  });

  it('no key of a node reached B\'s log, and every answer showed it as a hint at most', async () => {
    const text = JSON.stringify(rec.lines);
    assert.ok(rec.lines.some((l) => l.message === 'price node synced'), 'the log saw the syncs');
    assert.ok(rec.lines.some((l) => l.message === 'price node sync failed' && /refused the API key/.test(String(l.meta?.error))));
    for (const secret of [TOKEN_A, TOKEN_B, 'wrong-key-for-node-a']) assert.ok(!text.includes(secret), `a key is in the log: ${secret.slice(0, 4)}…`);
    const list = await call(b.url, 'GET', '/api/v1/sync/nodes');
    assert.ok(!list.text.includes(TOKEN_A));
    assert.ok(list.json.nodes.every((n: Record<string, unknown>) => !('apiKey' in n)));
  });

  it('/metrics counts rows, runs and consecutive failures per node', async () => {
    const m = (await call(b.url, 'GET', '/metrics')).text;
    const value = (re: RegExp) => Number(re.exec(m)?.[1] ?? NaN);
    const klineRows = Number((await b.query<{ n: string }>('select count(*)::text as n from klines'))[0]!.n);
    // Every kline on B came from a node; updated forming bars count again.
    assert.ok(value(/^robosync_pricenode_rows_total\{source="node",data="klines"\} (\d+)$/m) >= klineRows);
    assert.ok(value(/^robosync_pricenode_runs_total\{kind="node",outcome="failed"\} (\d+)$/m) >= 2);
    assert.equal(value(/^robosync_pricenode_node_consecutive_failures\{node="node-a"\} (\d+)$/m), 0);
    assert.ok(!/short-lived/.test(m), 'a removed node keeps no series');
    assert.ok(!m.includes(TOKEN_A));
  });
});
