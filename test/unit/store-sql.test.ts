import assert from 'node:assert/strict';
import type { PositionReport } from '../../src/domain/types.js';
import { copyField } from '../../src/store/sql/copy.js';
import { pageQuery } from '../../src/store/sql/export.js';
import { keyHash } from '../../src/store/sql/key-locks.js';
import { chunks } from '../../src/store/sql/query.js';
import { dedupeExecutions } from '../../src/store/sql/upsert-executions.js';
import { latestPerOrder } from '../../src/store/sql/upsert-orders.js';
import { latestPerPosition } from '../../src/store/sql/upsert-positions.js';
import { executionReport, orderReport, positionReport } from '../helpers/db.js';

describe('store SQL helpers', () => {
  it('escapes COPY text fields', () => {
    assert.equal(copyField(null), '\\N');
    assert.equal(copyField(true), 't');
    assert.equal(copyField(1_700_000_000_123), '1700000000123');
    assert.equal(copyField('a\tb\nc\\d\re'), 'a\\tb\\nc\\\\d\\re');
    assert.equal(copyField('{"k":"v \\"q\\""}'), '{"k":"v \\\\"q\\\\""}');
  });

  it('keeps the most advanced report per order, sorted by order id, ownership kept', () => {
    const got = latestPerOrder([
      { report: orderReport({ orderId: 'b', status: 'Filled', updatedTime: 5, cumExecQty: '1' }), robotId: 'r1' },
      { report: orderReport({ orderId: 'a' }), robotId: null },
      { report: orderReport({ orderId: 'b', status: 'New', updatedTime: 9 }), robotId: null },
      { report: orderReport({ orderId: 'c', status: 'New', updatedTime: 1 }), robotId: 'r3' },
      { report: orderReport({ orderId: 'c', status: 'PartiallyFilled', updatedTime: 2, cumExecQty: '0.1' }), robotId: null },
    ]);
    assert.deepEqual(
      got.map((x) => [x.report.orderId, x.report.status, x.robotId]),
      [
        ['a', 'New', null],
        ['b', 'Filled', 'r1'],
        ['c', 'PartiallyFilled', 'r3'],
      ],
    );
  });

  it('keeps the newest position per key: seq first, else update time', () => {
    const p = (o: Partial<PositionReport>) => positionReport(o);
    const got = latestPerPosition([
      p({ symbol: 'ETH', seq: '10', updatedTime: 9, size: 'old' }),
      p({ symbol: 'ETH', seq: '11', updatedTime: 1, size: 'new' }),
      p({ symbol: 'BTC', seq: null, updatedTime: 5, size: 'x' }),
      p({ symbol: 'BTC', seq: null, updatedTime: 5, size: 'y' }),
      p({ symbol: 'BTC', positionIdx: 2, seq: null, updatedTime: 1, size: 'short' }),
    ]);
    assert.deepEqual(
      got.map((r) => [r.symbol, r.positionIdx, r.size]),
      [
        ['BTC', 0, 'y'],
        ['BTC', 2, 'short'],
        ['ETH', 0, 'new'],
      ],
    );
  });

  it('drops repeated execution ids, first one wins', () => {
    const got = dedupeExecutions([
      { report: executionReport({ execId: 'x', price: '1' }), robotId: null },
      { report: executionReport({ execId: 'y' }), robotId: null },
      { report: executionReport({ execId: 'x', price: '2' }), robotId: null },
    ]);
    assert.deepEqual(
      got.map((x) => [x.report.execId, x.report.price]),
      [
        ['x', '1'],
        ['y', '65000.5'],
      ],
    );
  });

  it('hashes lock keys to stable int4 values', () => {
    assert.equal(keyHash('bybit\u001facc\u001fo-1'), keyHash('bybit\u001facc\u001fo-1'));
    assert.notEqual(keyHash('bybit\u001facc\u001fo-1'), keyHash('bybit\u001facc\u001fo-2'));
    for (const k of ['', 'a', '686643264626885530123']) {
      const h = keyHash(k);
      assert.ok(Number.isInteger(h) && h >= -(2 ** 31) && h < 2 ** 31);
    }
  });

  it('builds keyset page queries without semicolons and with one binding per placeholder', () => {
    const q = pageQuery('executions', { accountId: 'a', from: 1, to: 2 }, { time: 5, exchange: 'bybit', accountId: 'a', id: 'e' }, 100);
    assert.ok(!q.sql.includes(';'));
    assert.equal((q.sql.match(/\?/g) ?? []).length, q.bindings.length);
    assert.match(q.sql, /order by exec_time, exchange, account_id, exec_id limit \?$/);
    assert.throws(() => pageQuery('nope' as 'orders', {}, null, 1), /export table/);
  });

  it('chunks work into statements', () => {
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunks([], 2), []);
  });
});
