import assert from 'node:assert/strict';
import { compareProgress } from '../../src/domain/order-status.js';
import type { OrderReport, OrderStatus } from '../../src/domain/types.js';
import { StoreUnavailableError } from '../../src/errors.js';
import { StoreInputError } from '../../src/store/errors.js';
import { createStore } from '../../src/store/store.js';
import type { Store, SyncBatch } from '../../src/store/types.js';
import { DB_KINDS, executionReport, orderReport, positionReport, closedPnlReport, useStore, type StoreFixture } from '../helpers/db.js';

const ACCOUNT = 'acc-tx';

function batch(b: Omit<SyncBatch, 'exchange' | 'accountId' | 'now'>): SyncBatch {
  return { exchange: 'bybit', accountId: ACCOUNT, now: 1_800_000_000_000, ...b };
}

async function state(fx: StoreFixture) {
  const count = async (t: string) => Number((await fx.query<{ n: unknown }>(`select count(*) as n from ${t}`))[0]!.n);
  return {
    orders: await fx.query('select order_id, status, updated_time::text as t, last_synced_at::text as s from orders order by order_id'),
    executions: await count('executions'),
    closedPnl: await count('closed_pnl'),
    positions: await fx.store.positions('bybit', ACCOUNT),
    cursors: await fx.store.getCursors(ACCOUNT),
  };
}

/** A deterministic shuffle (xorshift), so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    const j = (s >>> 0) % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

for (const kind of DB_KINDS) {
  describe(`store transactions (${kind})`, function () {
    this.timeout(30_000);
    const fx = useStore(kind);
    beforeEach(() => fx.reset());

    async function seed() {
      await fx.store.applySync(
        batch({
          orders: [{ report: orderReport({ orderId: 'o-1' }), robotId: null }],
          executions: [{ report: executionReport({ execId: 'e-1' }), robotId: null }],
          positions: [positionReport()],
          cursors: [{ stream: 'executions', symbol: '', time: 1_700_000_000_000, id: 'e-1', exchangeCursor: 'page-1' }],
        }),
      );
      return state(fx);
    }

    /** Every kind of write, ahead of a last step that the database rejects. */
    function fullBatch(last: Partial<SyncBatch>): SyncBatch {
      return batch({
        orders: [
          { report: orderReport({ orderId: 'o-1', status: 'Filled', cumExecQty: '0.01', updatedTime: 1_700_000_000_009 }), robotId: null },
          { report: orderReport({ orderId: 'o-2' }), robotId: null },
        ],
        executions: Array.from({ length: 2_500 }, (_, i) => ({ report: executionReport({ execId: `e-new-${i}` }), robotId: null })),
        closedPnl: [{ report: closedPnlReport(), robotId: null }],
        positions: [positionReport({ seq: '101', size: '0.02' })],
        cursors: [{ stream: 'executions', symbol: '', time: 1_700_000_000_500, id: 'e-new-2499', exchangeCursor: 'page-2' }],
        ...last,
      });
    }

    it('writes nothing, rows or cursor, when the last statement of the batch fails', async () => {
      const before = await seed();
      // The database, not our validation, refuses this: jsonb/text cannot hold U+0000.
      await assert.rejects(
        fx.store.applySync(fullBatch({ cursors: [{ stream: 'executions', symbol: '', time: 1, id: 'x', exchangeCursor: 'bad\u0000cursor' }] })),
        (err: Error) => !(err instanceof StoreUnavailableError) && /unicode|escape|0x00|invalid/i.test(err.message),
      );
      assert.deepEqual(await state(fx), before);
      await assert.rejects(fx.store.applySync(fullBatch({ positions: [positionReport({ raw: { note: 'nul \u0000 inside' } })] })));
      assert.deepEqual(await state(fx), before);
      // the same batch without the bad row goes through
      const ok = await fx.store.applySync(fullBatch({}));
      assert.deepEqual([ok.orders.updated, ok.orders.inserted, ok.executions.inserted, ok.closedPnl.inserted, ok.positions.updated], [1, 1, 2_500, 1, 1]);
      assert.equal((await fx.store.getCursors(ACCOUNT))[0]!.exchangeCursor, 'page-2');
    });

    it('rejects bad input before any SQL, naming the field', async () => {
      const before = await seed();
      await assert.rejects(
        fx.store.applySync(fullBatch({ executions: [{ report: executionReport({ execId: 'e-x', qty: '1,5' }), robotId: null }] })),
        (err: unknown) => err instanceof StoreInputError && err.field === 'executions[0].qty' && /1,5/.test(err.message),
      );
      await assert.rejects(
        fx.store.applySync(batch({ orders: [{ report: orderReport({ status: 'Gone' as OrderStatus }), robotId: null }] })),
        (err: unknown) => err instanceof StoreInputError && err.field === 'orders[0].status',
      );
      assert.deepEqual(await state(fx), before);
    });

    it('ends consistent when several connections write the same orders at once', async () => {
      // Every order goes New -> PartiallyFilled (x3) -> Filled; all those reports, shuffled, are
      // cut into small batches and written concurrently through several stores (connections).
      const ids = Array.from({ length: 40 }, (_, i) => `o-${String(i).padStart(3, '0')}`);
      const ladder = (orderId: string): OrderReport[] => [
        orderReport({ orderId, status: 'New', updatedTime: 1 }),
        orderReport({ orderId, status: 'PartiallyFilled', cumExecQty: '0.002', updatedTime: 2 }),
        orderReport({ orderId, status: 'PartiallyFilled', cumExecQty: '0.005', updatedTime: 2 }),
        orderReport({ orderId, status: 'PartiallyFilled', cumExecQty: '0.007', updatedTime: 3 }),
        orderReport({ orderId, status: 'Filled', cumExecQty: '0.01', updatedTime: 4 }),
      ];
      const reports = shuffle(ids.flatMap(ladder), 42);
      const stores: Store[] = kind === 'postgresql' ? await Promise.all([1, 2, 3].map(() => createStore(fx.db.config))) : [];
      const writers = [fx.store, ...stores];
      try {
        const batches: OrderReport[][] = [];
        for (let i = 0; i < reports.length; i += 7) batches.push(reports.slice(i, i + 7));
        const results = await Promise.all(
          batches.map((b, i) => writers[i % writers.length]!.applySync(batch({ orders: b.map((report) => ({ report, robotId: null })) }))),
        );
        const sum = (k: 'inserted' | 'updated' | 'unchanged') => results.reduce((n, r) => n + r.orders[k], 0);
        assert.equal(sum('inserted'), ids.length, 'each order inserted exactly once');
        assert.equal(sum('inserted') + sum('updated') + sum('unchanged'), reports.length);
        for (const r of results) {
          for (const c of r.orders.changes) {
            if (c.before) assert.ok(compareProgress(c.after, c.before) > 0, `a change only moves forward (${c.after.orderId})`);
          }
        }
        const rows = await fx.query<{ order_id: string; status: string; cum_exec_qty: string; updated_time: unknown }>(
          'select order_id, status, cum_exec_qty, updated_time from orders order by order_id',
        );
        assert.deepEqual(
          rows.map((r) => [r.order_id, r.status, r.cum_exec_qty, Number(r.updated_time)]),
          ids.map((id) => [id, 'Filled', '0.01', 4]),
        );
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('inserts each execution once when overlapping batches, large and small, race', async () => {
      // Large batches take the COPY path on PostgreSQL (no ON CONFLICT): the per-account lock
      // must keep a concurrent writer from slipping a duplicate in between.
      const fill = (i: number) => ({ report: executionReport({ execId: `race-${i}` }), robotId: null });
      const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => fill(from + i));
      const stores: Store[] = kind === 'postgresql' ? await Promise.all([1, 2].map(() => createStore(fx.db.config))) : [];
      const writers = [fx.store, ...stores];
      try {
        const pages = [range(0, 3_000), range(1_500, 3_000), range(2_900, 200), range(4_000, 2_500), range(100, 50)];
        const results = await Promise.all(pages.map((p, i) => writers[i % writers.length]!.applySync(batch({ executions: p }))));
        const inserted = results.reduce((n, r) => n + r.executions.inserted, 0);
        const distinct = new Set(pages.flat().map((x) => x.report.execId)).size;
        assert.equal(inserted, distinct);
        assert.equal(Number((await fx.query<{ n: unknown }>('select count(*) as n from executions'))[0]!.n), distinct);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('answers other calls while a large batch is being written', async () => {
      // On PGlite every call shares one backend: the store must queue them, never interleave
      // them into the open transaction (that would hang until the acquire timeout).
      const big = fx.store.applySync(
        batch({ executions: Array.from({ length: 8_000 }, (_, i) => ({ report: executionReport({ execId: `big-${i}` }), robotId: null })) }),
      );
      const others = await Promise.all([
        fx.store.ping(),
        fx.store.openOrders('bybit', ACCOUNT),
        fx.store.getCursors(),
        fx.store.listRobots(),
        fx.store.applySync(batch({ orders: [{ report: orderReport({ orderId: 'beside' }), robotId: null }] })),
      ]);
      assert.equal(others[4].orders.inserted, 1);
      assert.equal((await big).executions.inserted, 8_000);
    });
  });
}
