import assert from 'node:assert/strict';
import { NotFoundError } from '../../src/errors.js';
import { exportPages } from '../../src/store/sql/export.js';
import { storeInternals } from '../../src/store/store.js';
import type { SyncBatch } from '../../src/store/types.js';
import { DB_KINDS, closedPnlReport, executionReport, orderReport, useStore } from '../helpers/db.js';

const batch = (accountId: string, b: Omit<SyncBatch, 'exchange' | 'accountId' | 'now'>, now = 1_800_000_000_000): SyncBatch => ({
  exchange: 'bybit',
  accountId,
  now,
  ...b,
});

for (const kind of DB_KINDS) {
  describe(`store registry, runs, cursors and export (${kind})`, function () {
    this.timeout(30_000);
    const fx = useStore(kind);
    beforeEach(() => fx.reset());

    it('creates, updates, lists and deletes accounts and robots', async () => {
      await fx.store.upsertAccount({ id: 'acc-b', exchange: 'weex', label: null });
      await fx.store.upsertAccount({ id: 'acc-a', exchange: 'bybit', label: 'desk' });
      await fx.store.upsertAccount({ id: 'acc-a', exchange: 'bybit', label: 'desk 2' });
      assert.deepEqual(await fx.store.listAccounts(), [
        { id: 'acc-a', exchange: 'bybit', label: 'desk 2' },
        { id: 'acc-b', exchange: 'weex', label: null },
      ]);

      await fx.store.upsertRobot({ id: 'r-2', accountId: 'acc-b', symbols: [], orderLinkPrefix: null, status: 'active' });
      await fx.store.upsertRobot({ id: 'r-1', accountId: 'acc-a', symbols: ['BTCUSDT', 'ETHUSDT'], orderLinkPrefix: 'grid-1-', status: 'active' });
      await fx.store.upsertRobot({ id: 'r-1', accountId: 'acc-a', symbols: ['SOLUSDT'], orderLinkPrefix: 'grid-1-', status: 'active' });
      await fx.store.setRobotStatus('r-2', 'paused');
      assert.deepEqual(await fx.store.listRobots(), [
        { id: 'r-1', accountId: 'acc-a', symbols: ['SOLUSDT'], orderLinkPrefix: 'grid-1-', status: 'active' },
        { id: 'r-2', accountId: 'acc-b', symbols: [], orderLinkPrefix: null, status: 'paused' },
      ]);
      await assert.rejects(fx.store.setRobotStatus('nobody', 'paused'), NotFoundError);

      await fx.store.deleteRobot('r-2');
      await fx.store.deleteRobot('r-2'); // idempotent
      assert.deepEqual(
        (await fx.store.listRobots()).map((r) => r.id),
        ['r-1'],
      );
    });

    it('starts, finishes and lists sync runs, newest first', async () => {
      const a = await fx.store.startRun('all', 1_000);
      const b = await fx.store.startRun('account:acc-a', 2_000);
      assert.ok(b > a);
      await fx.store.finishRun(a, {
        finishedAt: 1_500,
        status: 'partial',
        accountsOk: 9,
        accountsFailed: 1,
        rowsNew: 120,
        rowsUpdated: 7,
        rowsSkipped: 300,
        apiCalls: 42,
        errorMessage: 'acc-z: AuthError',
      });
      const runs = await fx.store.listRuns(10);
      assert.deepEqual(runs, [
        { id: b, startedAt: 2_000, finishedAt: null, scope: 'account:acc-a', status: 'running', accountsOk: 0, accountsFailed: 0, rowsNew: 0, rowsUpdated: 0, rowsSkipped: 0, apiCalls: 0, errorMessage: null },
        { id: a, startedAt: 1_000, finishedAt: 1_500, scope: 'all', status: 'partial', accountsOk: 9, accountsFailed: 1, rowsNew: 120, rowsUpdated: 7, rowsSkipped: 300, apiCalls: 42, errorMessage: 'acc-z: AuthError' },
      ]);
      assert.deepEqual(
        (await fx.store.listRuns(1)).map((r) => r.id),
        [b],
      );
      await assert.rejects(fx.store.finishRun(b + 100, { ...runs[1]!, finishedAt: 1 }), NotFoundError);
    });

    it('advances cursors with their rows and lists them per account', async () => {
      await fx.store.applySync(
        batch(
          'acc-a',
          {
            cursors: [
              { stream: 'executions', symbol: '', time: 10, id: 'e-10', exchangeCursor: null },
              { stream: 'orders', symbol: 'BTCUSDT', time: null, id: null, exchangeCursor: 'opaque==' },
              { stream: 'executions', symbol: '', time: 11, id: 'e-11', exchangeCursor: 'c' },
            ],
          },
          100,
        ),
      );
      await fx.store.applySync(batch('acc-b', { cursors: [{ stream: 'closed_pnl', symbol: '', time: 5, id: null, exchangeCursor: null }] }, 200));
      assert.deepEqual(await fx.store.getCursors('acc-a'), [
        { accountId: 'acc-a', stream: 'executions', symbol: '', time: 11, id: 'e-11', exchangeCursor: 'c', updatedAt: 100 },
        { accountId: 'acc-a', stream: 'orders', symbol: 'BTCUSDT', time: null, id: null, exchangeCursor: 'opaque==', updatedAt: 100 },
      ]);
      assert.deepEqual(
        (await fx.store.getCursors()).map((c) => `${c.accountId}/${c.stream}`),
        ['acc-a/executions', 'acc-a/orders', 'acc-b/closed_pnl'],
      );
    });

    it('saves cursor rows of many accounts in one call (the engine heartbeat)', async () => {
      assert.ok(fx.store.saveCursors, 'this store implements the optional saveCursors');
      await fx.store.applySync(batch('acc-a', { cursors: [{ stream: 'sync', symbol: '', time: 1, id: null, exchangeCursor: null }] }, 100));
      await fx.store.saveCursors([
        { accountId: 'acc-a', stream: 'sync', symbol: '', time: 50, id: null, exchangeCursor: '' },
        { accountId: 'acc-b', stream: 'sync', symbol: '', time: 40, id: null, exchangeCursor: null },
        { accountId: 'acc-b', stream: 'sync', symbol: '', time: 45, id: 'x', exchangeCursor: null },
      ], 300);
      assert.deepEqual(await fx.store.getCursors(), [
        { accountId: 'acc-a', stream: 'sync', symbol: '', time: 50, id: null, exchangeCursor: '', updatedAt: 300 },
        { accountId: 'acc-b', stream: 'sync', symbol: '', time: 45, id: 'x', exchangeCursor: null, updatedAt: 300 },
      ]);
      await fx.store.saveCursors([], 400);
      await assert.rejects(
        fx.store.saveCursors([{ accountId: '', stream: 'sync', symbol: '', time: 1, id: null, exchangeCursor: null }], 500),
        /rows\[0\]\.accountId/,
      );
    });

    it('exports in (time, key) order across pages, with account and time filters', async () => {
      // Times repeat on purpose: ties are ordered by the key and no page boundary loses a row.
      const rows = (acc: string) =>
        Array.from({ length: 30 }, (_, i) => ({ report: executionReport({ execId: `${acc}-e-${String(29 - i).padStart(2, '0')}`, execTime: 1_000 + Math.floor(i / 4) }), robotId: null }));
      await fx.store.applySync(batch('acc-a', { executions: rows('acc-a') }));
      await fx.store.applySync(batch('acc-b', { executions: rows('acc-b') }));
      const fetch = (q: { sql: string; bindings: unknown[] }) => storeInternals(fx.store).query(q.sql, q.bindings);
      const walk = async (filter: Parameters<typeof fx.store.exportRows>[1], pageSize: number) => {
        const out: Record<string, unknown>[] = [];
        for await (const r of exportPages(fetch, 'executions', filter, pageSize)) out.push(r);
        return out;
      };
      const all = await walk({}, 7);
      assert.equal(all.length, 60);
      const key = (r: Record<string, unknown>) => [r.execTime as number, String(r.accountId), String(r.execId)] as const;
      const sorted = [...all].sort((x, y) => {
        const [a, b] = [key(x), key(y)];
        return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
      });
      assert.deepEqual(all, sorted, 'ordered by time, then key');
      assert.equal(new Set(all.map((r) => `${r.accountId}/${r.execId}`)).size, 60, 'no row twice');
      assert.deepEqual(await walk({}, 60), all, 'page size does not change the result');

      const some = await walk({ accountId: 'acc-b', from: 1_002, to: 1_005 }, 5);
      assert.ok(some.length > 0 && some.every((r) => r.accountId === 'acc-b' && (r.execTime as number) >= 1_002 && (r.execTime as number) < 1_005));
      assert.equal(some.length, 12);

      // the public entry point walks the same pages
      const viaStore: Record<string, unknown>[] = [];
      for await (const r of fx.store.exportRows('executions', {})) viaStore.push(r);
      assert.deepEqual(viaStore, all);
      assert.equal(typeof viaStore[0]!.execTime, 'number');
      assert.equal(viaStore[0]!.raw, undefined, 'raw stays out of exports');
    });

    it('exports orders by update time and closed PnL by creation time', async () => {
      await fx.store.applySync(
        batch('acc-a', {
          orders: [
            { report: orderReport({ orderId: 'late', updatedTime: 30 }), robotId: null },
            { report: orderReport({ orderId: 'early', updatedTime: 10 }), robotId: null },
          ],
          closedPnl: [
            { report: closedPnlReport({ orderId: 'c2', createdTime: 200 }), robotId: null },
            { report: closedPnlReport({ orderId: 'c1', createdTime: 100 }), robotId: null },
          ],
        }),
      );
      const take = async (t: 'orders' | 'closed_pnl') => {
        const out: unknown[] = [];
        for await (const r of fx.store.exportRows(t, { accountId: 'acc-a' })) out.push(r.orderId);
        return out;
      };
      assert.deepEqual(await take('orders'), ['early', 'late']);
      assert.deepEqual(await take('closed_pnl'), ['c1', 'c2']);
    });

    it('lets the consumer of an export call the store between pages', async () => {
      await fx.store.applySync(
        batch('acc-a', { executions: Array.from({ length: 5_100 }, (_, i) => ({ report: executionReport({ execId: `p-${i}`, execTime: i }), robotId: null })) }),
      );
      let n = 0;
      for await (const _ of fx.store.exportRows('executions', {})) {
        if (++n % 2_000 === 0) await fx.store.ping();
      }
      assert.equal(n, 5_100);
    });
  });
}
