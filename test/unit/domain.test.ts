import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Attribution } from '../../src/domain/attribution.js';
import { compareDecimal, compareProgress } from '../../src/domain/order-status.js';
import { validateRobot, validateRobotEvent } from '../../src/bus/validate.js';
import { BadEventError } from '../../src/errors.js';

describe('order progress (DESIGN invariant 2)', () => {
  const o = (status: 'New' | 'PartiallyFilled' | 'Filled' | 'Cancelled', updatedTime: number, cumExecQty: string) => ({ status, updatedTime, cumExecQty });
  it('never moves an order backwards: rank, then updated time, then filled quantity', () => {
    assert.ok(compareProgress(o('Filled', 1, '1'), o('New', 5, '0')) > 0);
    assert.ok(compareProgress(o('New', 9, '0'), o('Filled', 1, '1')) < 0, 'a stale New after Filled is dropped');
    assert.ok(compareProgress(o('PartiallyFilled', 2, '0.5'), o('PartiallyFilled', 1, '0.7')) > 0);
    assert.ok(compareProgress(o('PartiallyFilled', 2, '0.7'), o('PartiallyFilled', 2, '0.5')) > 0);
    assert.equal(compareProgress(o('Cancelled', 3, '0.2'), o('Cancelled', 3, '0.20')), 0);
  });
  it('compares decimals exactly, like numbers would', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 8 }), (a, b, scale) => {
        const fa = (a / 10 ** scale).toFixed(scale);
        const fb = (b / 10 ** scale).toFixed(scale);
        assert.equal(Math.sign(compareDecimal(fa, fb)), Math.sign(a - b));
      }),
      { numRuns: 300 },
    );
    assert.equal(compareDecimal('123456789012345678901.5', '123456789012345678901.49'), 1);
    assert.equal(compareDecimal('-0', '0.000'), 0);
  });
});

describe('attribution of orders to robots', () => {
  const a = new Attribution([
    { id: 'grid', symbols: ['BTCUSDT'], orderLinkPrefix: 'grid-' },
    { id: 'grid-fast', symbols: ['BTCUSDT'], orderLinkPrefix: 'grid-fast-' },
    { id: 'dca', symbols: ['ETHUSDT'], orderLinkPrefix: null },
    { id: 'x1', symbols: ['SOLUSDT'], orderLinkPrefix: null },
    { id: 'x2', symbols: ['SOLUSDT'], orderLinkPrefix: null },
  ]);
  it('uses the longest matching orderLinkId prefix, then a sole robot on the symbol, then hints', () => {
    assert.equal(a.forOrder({ symbol: 'BTCUSDT', orderLinkId: 'grid-fast-7' }), 'grid-fast');
    assert.equal(a.forOrder({ symbol: 'BTCUSDT', orderLinkId: 'grid-7' }), 'grid');
    assert.equal(a.forOrder({ symbol: 'ETHUSDT', orderLinkId: 'whatever' }), 'dca');
    assert.equal(a.forOrder({ symbol: 'ETHUSDT', orderLinkId: null }), 'dca');
    assert.equal(a.forOrder({ symbol: 'BTCUSDT', orderLinkId: 'manual-1' }), null, 'prefixed robots do not claim foreign orders');
    assert.equal(a.forOrder({ symbol: 'SOLUSDT', orderLinkId: null }), null, 'ambiguous: two robots without prefix');
    assert.equal(a.forOrder({ symbol: 'SOLUSDT', orderLinkId: null }, 'x2'), 'x2');
    assert.deepEqual(a.forSymbol('BTCUSDT'), ['grid', 'grid-fast']);
  });
});

describe('inbound event and robot validation', () => {
  const fieldOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (e) {
      assert.ok(e instanceof BadEventError);
      return { field: e.field, message: e.message };
    }
    assert.fail('accepted');
  };
  it('names the field, what was expected and what was received', () => {
    assert.deepEqual(fieldOf(() => validateRobotEvent({})).field, 'robotId');
    assert.match(fieldOf(() => validateRobotEvent({ robotId: 'r', orderId: 5 })).message, /^orderId: expected a non-empty string of at most 128 characters, received number 5$/);
    assert.equal(fieldOf(() => validateRobotEvent({ robotId: 'r', at: 'now' })).field, 'at');
    assert.equal(fieldOf(() => validateRobotEvent({ robotId: 'r', colour: 'red' })).field, 'colour');
    assert.equal(fieldOf(() => validateRobotEvent(null)).field, 'payload');
    assert.deepEqual(validateRobotEvent({ robotId: 'r', orderId: 'o1', symbol: 'BTCUSDT' }), { robotId: 'r', orderId: 'o1', symbol: 'BTCUSDT' });
    const exists = (id: string) => id === 'main';
    assert.equal(fieldOf(() => validateRobot({ id: 'r', accountId: 'nope', symbols: ['BTCUSDT'] }, exists)).field, 'accountId');
    assert.equal(fieldOf(() => validateRobot({ id: 'r', accountId: 'main', symbols: [] }, exists)).field, 'symbols');
    assert.equal(fieldOf(() => validateRobot({ id: 'r', accountId: 'main', symbols: ['BTC USDT'] }, exists)).field, 'symbols[0]');
    assert.equal(fieldOf(() => validateRobot({ id: 'r', accountId: 'main', symbols: ['BTCUSDT'], status: 'sleeping' }, exists)).field, 'status');
  });
  it('never throws anything but BadEventError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        try {
          validateRobotEvent(x);
        } catch (e) {
          assert.ok(e instanceof BadEventError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
