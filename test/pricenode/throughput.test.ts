import assert from 'node:assert/strict';
import { call } from '../server/helpers.js';
import { TOKEN_A, kline, startInstance, type Instance } from './helpers.js';

/**
 * Export and node-sync throughput on this machine (PostgreSQL, loopback HTTP), printed, and held
 * to floors far below what was measured so a slow CI machine does not fail them. Also the point
 * of keyset paging: a page deep in the table costs what the first one costs. 50,000 klines keep
 * the suite short; the rates were the same with 100,000.
 */
const ROWS = 50_000;
const MIN = 60_000;

describe('price-node throughput', function () {
  this.timeout(60_000);
  let a: Instance;
  let b: Instance;
  const T0 = Math.floor((Date.now() - ROWS * MIN - 86_400_000) / MIN) * MIN;

  before(async () => {
    a = await startInstance({ token: TOKEN_A });
    const started = performance.now();
    for (let i = 0; i < ROWS; i += 10_000) {
      await a.nodes.market.upsertKlines(Array.from({ length: 10_000 }, (_, k) => kline({ symbol: 'BULKUSDT', open_time: T0 + (i + k) * MIN, close: String(100 + ((i + k) % 997) / 10) })), Date.now());
    }
    console.log(`      upsert: ${Math.round(ROWS / ((performance.now() - started) / 1000))} klines/s`);
    b = await startInstance({ pricenode: { sync: { pageSize: 10_000, maxRowsPerRun: 1_000_000 }, lookbacks: { '1m': '400d' } } });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  /** Pages through the first `rows` rows (an end_time bound) with this page size. */
  async function walk(limit: number, rows: number): Promise<{ rows: number; pages: number; ms: number; first: number; last: number }> {
    const end = T0 + rows * MIN;
    let next: string | null = null;
    let got = 0;
    let pages = 0;
    const times: number[] = [];
    const started = performance.now();
    do {
      const t = performance.now();
      const r = await call(a.url, 'GET', `/api/v1/data/klines/export?symbol=BULKUSDT&timeframe=1m&end_time=${end}&limit=${limit}${next ? `&next=${next}` : ''}`, { token: TOKEN_A });
      times.push(performance.now() - t);
      assert.equal(r.status, 200);
      got += r.json.data.length;
      pages++;
      next = r.json.next;
    } while (next);
    return { rows: got, pages, ms: performance.now() - started, first: times[0]!, last: times[times.length - 2] ?? times[0]! };
  }

  it('export: rows per second by page size; the last full page costs about what the first does', async () => {
    for (const limit of [100, 1000, 5000, 10_000]) {
      // Small pages over a fifth of the table: the rate is what is measured, not the total.
      const rows = limit < 1000 ? ROWS / 5 : ROWS;
      const w = await walk(limit, rows);
      assert.equal(w.rows, rows);
      const perSec = Math.round(w.rows / (w.ms / 1000));
      console.log(`      limit ${String(limit).padStart(5)}: ${perSec} rows/s over ${w.pages} pages (first page ${w.first.toFixed(1)} ms, last full page ${w.last.toFixed(1)} ms)`);
      assert.ok(perSec > 5000, `${perSec} rows/s`);
      if (limit >= 1000) assert.ok(w.last < w.first * 3 + 20, `deep page ${w.last} ms vs first ${w.first} ms`);
    }
  });

  it('node sync between two instances: rows per second, B equal to A', async () => {
    const node = await b.nodes.addNode({ name: 'bulk', baseUrl: a.url, apiKey: TOKEN_A, symbols: ['BULKUSDT'] });
    const started = performance.now();
    const r = await b.nodes.syncNode(node.id);
    const ms = performance.now() - started;
    assert.equal(r.ok, true, JSON.stringify(r));
    const s = r.streams.find((x) => x.stream === 'klines:1m')!;
    assert.equal(s.written, ROWS);
    assert.equal(s.pages, ROWS / 10_000);
    const perSec = Math.round(ROWS / (ms / 1000));
    console.log(`      node sync: ${perSec} rows/s (${ROWS} klines in pages of 10,000, ${Math.round(ms)} ms)`);
    assert.ok(perSec > 3000, `${perSec} rows/s`);
    const [ca, cb] = await Promise.all([a, b].map((i) => i.query<{ n: string; h: string }>(`select count(*)::text as n, md5(string_agg(open_time::text || close::text, ',' order by open_time)) as h from klines where symbol = 'BULKUSDT'`)));
    assert.deepEqual(cb, ca);
  });
});
