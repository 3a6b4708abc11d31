import assert from 'node:assert/strict';
import { StoreInputError } from '../../src/store/errors.js';
import type { SyncBatch } from '../../src/store/types.js';
import { validateBatch } from '../../src/store/validate.js';
import { closedPnlReport, executionReport, orderReport, positionReport } from '../helpers/db.js';

const good = (): SyncBatch => ({
  exchange: 'bybit',
  accountId: 'acc',
  now: 1,
  orders: [{ report: orderReport(), robotId: null }],
  executions: [{ report: executionReport(), robotId: null }],
  closedPnl: [{ report: closedPnlReport(), robotId: null }],
  positions: [positionReport()],
  cursors: [{ stream: 'executions', symbol: '', time: null, id: null, exchangeCursor: null }],
});

function rejects(mutate: (b: SyncBatch) => void, field: string) {
  const b = good();
  mutate(b);
  assert.throws(
    () => validateBatch(b),
    (e: unknown) => e instanceof StoreInputError && e.field === field && e.message.startsWith(`${field}: expected`),
    field,
  );
}

describe('store batch validation', () => {
  it('accepts a well-formed batch, exponents and signs included', () => {
    validateBatch(good());
    const b = good();
    b.executions![0]!.report.fee = '-1.5e-8';
    b.positions![0]!.seq = '-1';
    validateBatch(b);
  });

  it('names the field and the value it refuses', () => {
    rejects((b) => (b.orders![0]!.report.price = ''), 'orders[0].price');
    rejects((b) => (b.orders![0]!.report.status = 'Open' as never), 'orders[0].status');
    rejects((b) => (b.orders![0]!.report.updatedTime = 1.5), 'orders[0].updatedTime');
    rejects((b) => (b.executions![0]!.report.qty = 'NaN'), 'executions[0].qty');
    rejects((b) => (b.executions![0]!.report.execId = ''), 'executions[0].execId');
    rejects((b) => (b.closedPnl![0]!.report.leverage = '10x'), 'closedPnl[0].leverage');
    rejects((b) => (b.closedPnl![0]!.report.fillCount = Number.NaN), 'closedPnl[0].fillCount');
    rejects((b) => (b.positions![0]!.positionIdx = 3), 'positions[0].positionIdx');
    rejects((b) => (b.positions![0]!.seq = '1.5'), 'positions[0].seq');
    rejects((b) => (b.cursors![0]!.time = Number.MAX_SAFE_INTEGER + 2), 'cursors[0].time');
    rejects((b) => (b.now = Number.NaN), 'batch.now');
    rejects((b) => (b.accountId = ''), 'batch.accountId');
  });
});
