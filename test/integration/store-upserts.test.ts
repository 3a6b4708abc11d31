import assert from 'node:assert/strict';
import type { OrderReport } from '../../src/domain/types.js';
import type { StoredExecution, SyncBatch } from '../../src/store/types.js';
import {
  DB_KINDS,
  closedPnlReport,
  executionReport,
  orderReport,
  positionReport,
  useStore,
  type StoreFixture,
} from '../helpers/db.js';

const ACCOUNT = 'acc-1';

function batch(b: Omit<SyncBatch, 'exchange' | 'accountId' | 'now'> & { now?: number }): SyncBatch {
  return { exchange: 'bybit', accountId: ACCOUNT, now: 1_800_000_000_000, ...b };
}

const orders = (...reports: OrderReport[]) => reports.map((report) => ({ report, robotId: 'robot-1' }));

async function collect(fx: StoreFixture, table: 'executions' | 'orders' | 'closed_pnl') {
  const out: Record<string, unknown>[] = [];
  for await (const r of fx.store.exportRows(table, {})) out.push(r);
  return out;
}

async function orderRow(fx: StoreFixture, orderId: string) {
  const rows = await fx.query<Record<string, unknown>>(
    `select status, status_rank, updated_time::text as updated_time, cum_exec_qty, first_seen_at::text as first_seen_at,
            last_synced_at::text as last_synced_at, robot_id, order_link_id
     from orders where account_id = ? and order_id = ?`,
    [ACCOUNT, orderId],
  );
  assert.equal(rows.length, 1, `one row for order ${orderId}`);
  return rows[0]!;
}

for (const kind of DB_KINDS) {
  describe(`store upserts (${kind})`, function () {
    this.timeout(30_000);
    const fx = useStore(kind);
    beforeEach(() => fx.reset());

    it('replaying a page changes nothing', async () => {
      const page = batch({
        orders: orders(orderReport({ orderId: 'o-1' }), orderReport({ orderId: 'o-2', status: 'Filled', cumExecQty: '0.01' })),
        executions: [1, 2, 3].map((i) => ({ report: executionReport({ execId: `e-${i}`, execTime: 1_700_000_000_000 + i }), robotId: 'robot-1' })),
        closedPnl: [{ report: closedPnlReport(), robotId: 'robot-1' }],
        positions: [positionReport(), positionReport({ symbol: 'ETHUSDT', seq: null })],
        cursors: [{ stream: 'executions', symbol: '', time: 1_700_000_000_003, id: 'e-3', exchangeCursor: 'c1' }],
      });
      const first = await fx.store.applySync(page);
      assert.deepEqual([first.orders.inserted, first.executions.inserted, first.closedPnl.inserted, first.positions.inserted], [2, 3, 1, 2]);
      const snapshot = [await collect(fx, 'orders'), await collect(fx, 'executions'), await collect(fx, 'closed_pnl'), await fx.store.positions('bybit', ACCOUNT)];

      const again = await fx.store.applySync({ ...page, now: page.now + 60_000 });
      assert.deepEqual(
        { o: again.orders, e: again.executions, c: again.closedPnl, p: again.positions },
        {
          o: { inserted: 0, updated: 0, unchanged: 2, changes: [] },
          e: { inserted: 0, updated: 0, unchanged: 3, insertedRows: [] },
          c: { inserted: 0, updated: 0, unchanged: 1 },
          p: { inserted: 0, updated: 0, unchanged: 2, changes: [] },
        },
      );
      // not even bookkeeping columns move: nothing was written
      assert.deepEqual(
        [await collect(fx, 'orders'), await collect(fx, 'executions'), await collect(fx, 'closed_pnl'), await fx.store.positions('bybit', ACCOUNT)],
        snapshot,
      );
    });

    it('moves an order forward New -> PartiallyFilled -> Filled, reporting before and after', async () => {
      const t0 = 1_700_000_000_000;
      const r1 = await fx.store.applySync(batch({ now: 10, orders: orders(orderReport({ orderId: 'o-1', updatedTime: t0 })) }));
      assert.equal(r1.orders.inserted, 1);
      assert.equal(r1.orders.changes[0]!.before, null);
      assert.equal(r1.orders.changes[0]!.after.status, 'New');
      assert.equal(r1.orders.changes[0]!.after.robotId, 'robot-1');

      const r2 = await fx.store.applySync(
        batch({ now: 20, orders: orders(orderReport({ orderId: 'o-1', status: 'PartiallyFilled', cumExecQty: '0.004', updatedTime: t0 + 1 })) }),
      );
      assert.deepEqual([r2.orders.inserted, r2.orders.updated, r2.orders.unchanged], [0, 1, 0]);
      assert.equal(r2.orders.changes[0]!.before?.status, 'New');
      assert.equal(r2.orders.changes[0]!.after.status, 'PartiallyFilled');
      assert.equal(r2.orders.changes[0]!.after.cumExecQty, '0.004');

      const r3 = await fx.store.applySync(
        batch({ now: 30, orders: orders(orderReport({ orderId: 'o-1', status: 'Filled', cumExecQty: '0.01', updatedTime: t0 + 2 })) }),
      );
      assert.equal(r3.orders.changes[0]!.before?.status, 'PartiallyFilled');
      assert.equal(r3.orders.changes[0]!.after.status, 'Filled');
      const row = await orderRow(fx, 'o-1');
      assert.equal(row.status, 'Filled');
      assert.equal(Number(row.status_rank), 3);
      assert.equal(row.first_seen_at, '10', 'first_seen_at is set once');
      assert.equal(row.last_synced_at, '30', 'last_synced_at follows each write');
      assert.deepEqual(await fx.store.openOrders('bybit', ACCOUNT), []);
    });

    it('drops a stale report after Filled, even one with a newer update time', async () => {
      const t0 = 1_700_000_000_000;
      await fx.store.applySync(batch({ orders: orders(orderReport({ orderId: 'o-1', status: 'Filled', cumExecQty: '0.01', updatedTime: t0 + 5 })) }));
      for (const stale of [
        orderReport({ orderId: 'o-1', status: 'New', updatedTime: t0 }),
        orderReport({ orderId: 'o-1', status: 'PartiallyFilled', cumExecQty: '0.005', updatedTime: t0 + 9 }),
        orderReport({ orderId: 'o-1', status: 'New', updatedTime: t0 + 10 }),
      ]) {
        const r = await fx.store.applySync(batch({ orders: orders(stale) }));
        assert.deepEqual([r.orders.inserted, r.orders.updated, r.orders.unchanged, r.orders.changes.length], [0, 0, 1, 0]);
      }
      const row = await orderRow(fx, 'o-1');
      assert.deepEqual([row.status, row.updated_time, row.cum_exec_qty], ['Filled', String(t0 + 5), '0.01']);
    });

    it('breaks ties within a rank by update time, then by filled quantity', async () => {
      const t0 = 1_700_000_000_000;
      const pf = (updatedTime: number, cumExecQty: string) => orderReport({ orderId: 'o-1', status: 'PartiallyFilled', updatedTime, cumExecQty });
      await fx.store.applySync(batch({ orders: orders(pf(t0 + 10, '0.003')) }));
      assert.equal((await fx.store.applySync(batch({ orders: orders(pf(t0 + 9, '0.009')) }))).orders.unchanged, 1, 'older time loses');
      assert.equal((await fx.store.applySync(batch({ orders: orders(pf(t0 + 10, '0.002')) }))).orders.unchanged, 1, 'same time, less filled loses');
      assert.equal((await fx.store.applySync(batch({ orders: orders(pf(t0 + 10, '0.0030')) }))).orders.unchanged, 1, 'same progress is a replay');
      assert.equal((await fx.store.applySync(batch({ orders: orders(pf(t0 + 10, '0.004')) }))).orders.updated, 1, 'same time, more filled wins');
      assert.equal((await fx.store.applySync(batch({ orders: orders(pf(t0 + 11, '0.004')) }))).orders.updated, 1, 'newer time wins');
      const row = await orderRow(fx, 'o-1');
      assert.deepEqual([row.updated_time, row.cum_exec_qty], [String(t0 + 11), '0.004']);
    });

    it('keeps the most advanced report when a batch carries one order twice', async () => {
      const r = await fx.store.applySync(
        batch({
          orders: orders(
            orderReport({ orderId: 'o-1', status: 'Filled', cumExecQty: '0.01', updatedTime: 2 }),
            orderReport({ orderId: 'o-1', status: 'New', updatedTime: 3 }),
          ),
        }),
      );
      assert.deepEqual([r.orders.inserted, r.orders.updated, r.orders.unchanged], [1, 0, 1]);
      assert.equal((await orderRow(fx, 'o-1')).status, 'Filled');
    });

    it('never erases a known robot or link id with a report that lacks them', async () => {
      await fx.store.applySync(batch({ orders: [{ report: orderReport({ orderId: 'o-1', orderLinkId: 'bot-7-1' }), robotId: 'robot-7' }] }));
      await fx.store.applySync(
        batch({ orders: [{ report: orderReport({ orderId: 'o-1', orderLinkId: null, status: 'Cancelled', updatedTime: 1_700_000_000_009 }), robotId: null }] }),
      );
      const row = await orderRow(fx, 'o-1');
      assert.deepEqual([row.status, row.robot_id, row.order_link_id], ['Cancelled', 'robot-7', 'bot-7-1']);
    });

    it('returns numerics as the exact decimal strings and WEEX-sized ids unchanged', async () => {
      const bigId = '686643264626885530123'; // > 2^53
      await fx.store.applySync(
        batch({
          orders: orders(orderReport({ orderId: bigId, price: '123456789012.12345678', qty: '0.00000001', fee: '-0.000000000001' })),
          executions: [{ report: executionReport({ execId: `${bigId}9`, orderId: bigId, price: '123456789012.12345678', qty: '0.00000001', value: '1234.56789012', fee: '0.00000001' }), robotId: null }],
          closedPnl: [{ report: closedPnlReport({ orderId: bigId, closedPnl: '-0.00000001', avgEntryPrice: '123456789012.12345678' }), robotId: null }],
          positions: [positionReport({ size: '0.00000001', avgPrice: '123456789012.12345678', seq: '9007199254740993' })],
        }),
      );
      const [o] = await fx.store.openOrders('bybit', ACCOUNT);
      assert.deepEqual([o!.orderId, o!.price, o!.qty, o!.fee], [bigId, '123456789012.12345678', '0.00000001', '-0.000000000001']);
      const [e] = (await collect(fx, 'executions')) as unknown as StoredExecution[];
      assert.deepEqual([e!.execId, e!.orderId, e!.price, e!.qty, e!.value, e!.fee], [`${bigId}9`, bigId, '123456789012.12345678', '0.00000001', '1234.56789012', '0.00000001']);
      const [c] = await collect(fx, 'closed_pnl');
      assert.deepEqual([c!.orderId, c!.closedPnl, c!.avgEntryPrice], [bigId, '-0.00000001', '123456789012.12345678']);
      const [p] = await fx.store.positions('bybit', ACCOUNT);
      assert.deepEqual([p!.size, p!.avgPrice, p!.seq], ['0.00000001', '123456789012.12345678', '9007199254740993']);
      assert.equal(typeof o!.updatedTime, 'number');
      assert.equal(typeof e!.execTime, 'number');
    });

    it('inserts executions once, fills and funding alike, and returns only the new rows', async () => {
      const fill = (i: number, execType = 'Trade') => ({ report: executionReport({ execId: `e-${i}`, execType, execTime: 1_700_000_000_000 + i }), robotId: 'robot-1' });
      const r1 = await fx.store.applySync(batch({ executions: [fill(1), fill(2, 'Funding'), fill(1)] }));
      assert.deepEqual([r1.executions.inserted, r1.executions.unchanged], [2, 1], 'a repeated id within a page counts once');
      const r2 = await fx.store.applySync(batch({ executions: [fill(2, 'Funding'), fill(3)] }));
      assert.deepEqual([r2.executions.inserted, r2.executions.unchanged], [1, 1]);
      assert.deepEqual(
        r2.executions.insertedRows.map((x) => [x.execId, x.execType, x.robotId, x.accountId, x.exchange]),
        [['e-3', 'Trade', 'robot-1', ACCOUNT, 'bybit']],
      );
      const types = await fx.query<{ exec_type: string; n: string | number }>(
        'select exec_type, count(*) as n from executions group by exec_type order by exec_type',
      );
      assert.deepEqual(types.map((t) => [t.exec_type, Number(t.n)]), [['Funding', 1], ['Trade', 2]]);
    });

    it('keeps one closed-PnL row per closing order', async () => {
      const r = await fx.store.applySync(
        batch({
          closedPnl: [
            { report: closedPnlReport({ orderId: 'c-1' }), robotId: null },
            { report: closedPnlReport({ orderId: 'c-1' }), robotId: null },
            { report: closedPnlReport({ orderId: 'c-2', createdTime: 1_700_000_200_000 }), robotId: 'robot-1' },
          ],
        }),
      );
      assert.deepEqual([r.closedPnl.inserted, r.closedPnl.unchanged], [2, 1]);
      const again = await fx.store.applySync(batch({ closedPnl: [{ report: closedPnlReport({ orderId: 'c-2', createdTime: 1_700_000_200_000 }), robotId: null }] }));
      assert.deepEqual([again.closedPnl.inserted, again.closedPnl.unchanged], [0, 1]);
    });

    it('updates a position only when it is not older and says something new', async () => {
      const t = 1_700_000_000_000;
      const apply = async (p: Parameters<typeof positionReport>[0]) => (await fx.store.applySync(batch({ positions: [positionReport(p)] }))).positions;
      assert.equal((await apply({ seq: '100', updatedTime: t, size: '1.5' })).inserted, 1);
      assert.equal((await apply({ seq: '100', updatedTime: t, size: '1.50' })).unchanged, 1, 'numerically equal is a replay');
      assert.equal((await apply({ seq: '99', updatedTime: t + 5, size: '9' })).unchanged, 1, 'lower seq is older');
      assert.equal((await apply({ seq: '100', updatedTime: t - 1, size: '9' })).unchanged, 1, 'same seq, older time');
      const pnl = await apply({ seq: '100', updatedTime: t, size: '1.5', unrealisedPnl: '7.25' });
      assert.equal(pnl.updated, 1, 'mark-price move without a new time still lands');
      assert.equal(pnl.changes[0]!.before?.unrealisedPnl, '1.5');
      assert.equal(pnl.changes[0]!.after.unrealisedPnl, '7.25');
      assert.equal((await apply({ seq: '101', updatedTime: t + 1, size: '0', side: '' })).updated, 1);
      assert.equal((await apply({ seq: null, updatedTime: t, size: '5' })).unchanged, 1, 'without seq, time decides');
      assert.equal((await apply({ seq: null, updatedTime: t + 2, size: '5' })).updated, 1);
      const [p] = await fx.store.positions('bybit', ACCOUNT);
      assert.deepEqual([p!.size, p!.seq, p!.updatedTime], ['5', null, t + 2]);
    });

    it('writes and replays batches larger than one statement', async () => {
      const n = 12_000;
      const executions = Array.from({ length: n }, (_, i) => ({
        report: executionReport({ execId: `bulk-${i}`, execTime: 1_700_000_000_000 + i, symbol: i % 2 ? 'BTCUSDT' : 'ETHUSDT' }),
        robotId: null,
      }));
      const manyOrders = Array.from({ length: 6_000 }, (_, i) => ({ report: orderReport({ orderId: `bulk-o-${i}` }), robotId: null }));
      const first = await fx.store.applySync(batch({ executions, orders: manyOrders }));
      assert.deepEqual([first.executions.inserted, first.orders.inserted, first.orders.changes.length], [n, 6_000, 6_000]);
      const replay = await fx.store.applySync(batch({ executions: [...executions].reverse(), orders: manyOrders }));
      assert.deepEqual([replay.executions.inserted, replay.executions.unchanged, replay.orders.unchanged], [0, n, 6_000]);
      assert.equal((await fx.store.openOrders('bybit', ACCOUNT)).length, 6_000);
    });
  });
}
