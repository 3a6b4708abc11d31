import assert from 'node:assert/strict';
import { StoreInputError } from '../../src/store/errors.js';
import { marketStore } from '../../src/store/market.js';
import { DB_KINDS, useStore } from '../helpers/db.js';
import { kline, ticker } from './helpers.js';

const T0 = Date.UTC(2026, 0, 1);

for (const kind of DB_KINDS) {
  describe(`price-node store (${kind})`, function () {
    this.timeout(60_000);
    const fx = useStore(kind);
    const m = () => marketStore(fx.store);
    beforeEach(() => fx.reset());

    it('tickers: batched insert, a replay changes nothing, the series summary counts exactly what was new', async () => {
      const rows = Array.from({ length: 2500 }, (_, i) => ticker({ time: T0 + i * 1000, price: String(65000 + i) }));
      assert.deepEqual(await m().upsertTickers(rows, 1), { inserted: 2500, updated: 0, unchanged: 0 });
      assert.deepEqual(await m().upsertTickers([...rows.slice(0, 10), ticker({ time: T0 + 2500 * 1000 })], 2), { inserted: 1, updated: 0, unchanged: 10 });
      const [s] = await m().series();
      assert.deepEqual(s, { exchange: 'bybit', symbol: 'BTCUSDT', stream: 'tickers', first_time: T0, last_time: T0 + 2500 * 1000, rows: 2501 });
      const [{ n }] = await fx.query<{ n: string }>('select count(*)::text as n from tickers');
      assert.equal(n, '2501');
      // Decimals come back as the text that went in (no float, no padding).
      const [back] = await m().tickersPage({ exchange: 'bybit', symbol: 'BTCUSDT', from: T0, to: T0 + 1, limit: 10 });
      assert.deepEqual(back, rows[0]);
    });

    it('klines: a changed bar (the forming one) is updated, an identical one is not, duplicates in a batch collapse', async () => {
      const bars = Array.from({ length: 100 }, (_, i) => kline({ open_time: T0 + i * 60_000 }));
      assert.deepEqual(await m().upsertKlines(bars, 1), { inserted: 100, updated: 0, unchanged: 0 });
      const changed = kline({ open_time: T0 + 99 * 60_000, close: '1.9', high: '2.5' });
      assert.deepEqual(await m().upsertKlines([...bars.slice(90), changed, changed], 2), { inserted: 0, updated: 1, unchanged: 11 });
      // numerically equal text is not a change
      assert.deepEqual(await m().upsertKlines([kline({ open_time: T0, open: '1.50', volume: '10.0' })], 3), { inserted: 0, updated: 0, unchanged: 1 });
      const page = await m().klinesPage({ exchange: 'bybit', symbol: 'BTCUSDT', timeframe: '1m', from: T0 + 99 * 60_000, to: Number.MAX_SAFE_INTEGER, limit: 5 });
      assert.deepEqual(page, [changed]);
      const series = await m().series();
      assert.deepEqual(series.map((s) => [s.stream, s.rows, s.last_time]), [['klines:1m', 100, T0 + 99 * 60_000]]);
    });

    it('keyset pages: exact boundaries, filtered by pair and timeframe, constant plan (primary key range)', async () => {
      await m().upsertKlines(Array.from({ length: 50 }, (_, i) => kline({ open_time: T0 + i * 60_000 })), 1);
      await m().upsertKlines([kline({ symbol: 'ETHUSDT' }), kline({ timeframe: '5m', close_time: T0 + 299_999 })], 1);
      const seen: number[] = [];
      let from = T0;
      for (;;) {
        const rows = await m().klinesPage({ exchange: 'bybit', symbol: 'BTCUSDT', timeframe: '1m', from, to: T0 + 40 * 60_000, limit: 7 });
        seen.push(...rows.map((r) => r.open_time));
        if (rows.length < 7) break;
        from = rows[rows.length - 1]!.open_time + 1;
      }
      assert.deepEqual(seen, Array.from({ length: 40 }, (_, i) => T0 + i * 60_000));
      if (kind === 'postgresql') {
        const plan = await fx.query<{ 'QUERY PLAN': string }>(
          `explain select * from klines where exchange = 'bybit' and symbol = 'BTCUSDT' and timeframe = '1m' and open_time >= ${T0} and open_time < ${T0 + 1e9} order by open_time limit 7`,
        );
        assert.match(plan.map((p) => p['QUERY PLAN']).join('\n'), /Index Scan using klines_pkey/);
      }
    });

    it('bad rows are refused before any SQL, naming the field; nothing of the batch is written', async () => {
      const bad: [() => Promise<unknown>, RegExp][] = [
        [() => m().upsertTickers([ticker(), ticker({ time: T0 + 1, price: 'NaN' })], 1), /tickers\[1\]\.price: expected a decimal string, received "NaN"/],
        [() => m().upsertTickers([ticker({ symbol: '' })], 1), /tickers\[0\]\.symbol: expected a non-empty string/],
        [() => m().upsertTickers([ticker({ time: -5 })], 1), /tickers\[0\]\.time: expected a time in ms/],
        [() => m().upsertKlines([kline({ timeframe: '2m' as never })], 1), /klines\[0\]\.timeframe: expected one of/],
        [() => m().upsertKlines([kline({ close_time: T0 - 1 })], 1), /klines\[0\]\.close_time: expected a time >= open_time/],
        [() => m().upsertKlines([kline({ trade_count: 1.5 })], 1), /klines\[0\]\.trade_count/],
        [() => m().upsertKlines([kline({ volume: '1e400x' })], 1), /klines\[0\]\.volume: expected a decimal string/],
      ];
      for (const [fn, re] of bad) {
        await assert.rejects(fn, (err: unknown) => err instanceof StoreInputError && re.test(err.message));
      }
      assert.deepEqual(await fx.query('select * from tickers'), []);
      assert.deepEqual(await fx.query('select * from klines'), []);
      assert.deepEqual(await m().series(), []);
    });

    it('node registry: names are unique (a clear input error), deleting a node deletes its status rows', async () => {
      const input = { name: 'a', baseUrl: 'http://127.0.0.1:1', apiKey: 'k-0123456789', intervalMs: 1000, priority: 5, active: true, symbols: ['BTCUSDT'] };
      const n = await m().insertNode(input, 10);
      assert.equal(n.name, 'a');
      assert.deepEqual(n.symbols, ['BTCUSDT']);
      assert.equal(n.createdAt, 10);
      await assert.rejects(m().insertNode(input, 11), (err: unknown) => err instanceof StoreInputError && err.field === 'name' && /already registered/.test(err.message));
      await m().saveStatuses([{ nodeId: n.id, exchange: 'bybit', symbol: 'BTCUSDT', stream: 'tickers', lastTime: 5, state: 'completed', error: null, rowsTotal: 3, lastRunRows: 3, updatedAt: 0 }], 12);
      assert.equal((await m().statuses(n.id)).length, 1);
      assert.equal(await m().deleteNode(n.id), true);
      assert.equal(await m().deleteNode(n.id), false);
      assert.deepEqual(await m().statuses(), []);
    });

    it('a node page and its cursor commit together: a failure of either leaves both untouched', async () => {
      const n = await m().insertNode({ name: 'b', baseUrl: 'http://127.0.0.1:1', apiKey: null, intervalMs: 1000, priority: 5, active: true, symbols: [] }, 1);
      const status = { nodeId: n.id, exchange: 'bybit', symbol: 'BTCUSDT', stream: 'klines:1m' as const, lastTime: T0 + 60_000, state: 'syncing' as const, error: null, rowsTotal: 2, lastRunRows: 2, updatedAt: 0 };
      await m().applyNodePage({ klines: [kline(), kline({ open_time: T0 + 60_000 })] }, status, 2);
      await assert.rejects(m().applyNodePage({ klines: [kline({ open_time: T0 + 120_000 }), kline({ open_time: T0 + 180_000, high: 'x' })] }, { ...status, lastTime: T0 + 180_000 }, 3), StoreInputError);
      // Rows valid, cursor write failing (a state the table refuses) after the rows went in: all rolled back.
      await assert.rejects(m().applyNodePage({ klines: [kline({ open_time: T0 + 120_000 })] }, { ...status, lastTime: T0 + 120_000, state: 'bogus' as never }, 4), /check constraint|node_sync_status_state_check/);
      const [s] = await m().statuses(n.id);
      assert.equal(s!.lastTime, T0 + 60_000);
      assert.equal((await fx.query('select 1 from klines')).length, 2);
    });
  });
}
