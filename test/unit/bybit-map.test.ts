import assert from 'node:assert/strict';
import { mapClosedPnl, mapExecution, mapOrder, mapPosition } from '../../src/exchanges/bybit/map.js';
import { ExchangeUnavailableError } from '../../src/errors.js';

function wireOrder(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    orderId: '3f1c9a52-7d0e-4b7a-9d51-0c2b6f8e4a11',
    orderLinkId: 'bot7-000123',
    symbol: 'BTCUSDT',
    price: '64250.5',
    qty: '0.050',
    side: 'Buy',
    positionIdx: 0,
    orderStatus: 'PartiallyFilled',
    avgPrice: '64250.5',
    leavesQty: '0.030',
    cumExecQty: '0.020',
    cumExecValue: '1285.01',
    cumExecFee: '0.257002',
    cumFeeDetail: { USDT: '0.257002' },
    timeInForce: 'GTC',
    orderType: 'Limit',
    reduceOnly: false,
    createdTime: '1717000000123',
    updatedTime: '1717000004567',
    ...over,
  };
}

describe('bybit mapping', () => {
  describe('orders', () => {
    it('maps the A.7 example, keeping decimals as strings and times as numbers', () => {
      const raw = wireOrder();
      const o = mapOrder(raw);
      assert.deepEqual({ ...o, raw: undefined }, {
        orderId: '3f1c9a52-7d0e-4b7a-9d51-0c2b6f8e4a11',
        orderLinkId: 'bot7-000123',
        symbol: 'BTCUSDT',
        side: 'Buy',
        orderType: 'Limit',
        price: '64250.5',
        qty: '0.050',
        cumExecQty: '0.020',
        cumExecValue: '1285.01',
        avgPrice: '64250.5',
        fee: '0.257002',
        status: 'PartiallyFilled',
        reduceOnly: false,
        createdTime: 1717000000123,
        updatedTime: 1717000004567,
        raw: undefined,
      });
      assert.equal(o.raw, raw);
    });

    it('sums cumFeeDetail over coins and ignores the deprecated cumExecFee', () => {
      const o = mapOrder(wireOrder({ cumExecFee: '999', cumFeeDetail: { USDT: '0.1', USDC: '0.0200' } }));
      assert.equal(o.fee, '0.12');
    });

    it('falls back to cumExecFee, then "0", when cumFeeDetail is missing or empty', () => {
      assert.equal(mapOrder(wireOrder({ cumFeeDetail: undefined, cumExecFee: '0.5' })).fee, '0.5');
      assert.equal(mapOrder(wireOrder({ cumFeeDetail: {}, cumExecFee: '' })).fee, '0');
    });

    it('turns the empty avgPrice of an unfilled order into "0" and an empty orderLinkId into null', () => {
      const o = mapOrder(wireOrder({ orderStatus: 'New', avgPrice: '', cumExecQty: '0', orderLinkId: '' }));
      assert.equal(o.avgPrice, '0');
      assert.equal(o.orderLinkId, null);
      assert.equal(o.status, 'New');
    });

    it('keeps every Bybit status and refuses an unknown one as a malformed answer', () => {
      for (const s of ['New', 'PartiallyFilled', 'Untriggered', 'Filled', 'Cancelled', 'Rejected', 'Triggered', 'Deactivated', 'PartiallyFilledCanceled']) {
        assert.equal(mapOrder(wireOrder({ orderStatus: s })).status, s);
      }
      assert.throws(() => mapOrder(wireOrder({ orderStatus: 'Gone' })), ExchangeUnavailableError);
    });

    it('refuses unreadable times and sides', () => {
      assert.throws(() => mapOrder(wireOrder({ createdTime: 'yesterday' })), ExchangeUnavailableError);
      assert.throws(() => mapOrder(wireOrder({ side: 'Long' })), ExchangeUnavailableError);
    });
  });

  describe('executions', () => {
    const exec = {
      symbol: 'BTCUSDT',
      orderId: 'o1',
      orderLinkId: 'bot7-1',
      side: 'Sell',
      execFee: '-0.01',
      execId: 'e1',
      execPrice: '64250.5',
      execQty: '0.020',
      execType: 'Trade',
      execValue: '1285.01',
      execTime: '1717000004560',
      feeCurrency: 'USDT',
      isMaker: true,
      seq: 9123456789,
    };

    it('maps a trade, keeping a negative (rebate) fee', () => {
      const e = mapExecution(exec);
      assert.equal(e.execId, 'e1');
      assert.equal(e.side, 'Sell');
      assert.equal(e.price, '64250.5');
      assert.equal(e.qty, '0.020');
      assert.equal(e.value, '1285.01');
      assert.equal(e.fee, '-0.01');
      assert.equal(e.isMaker, true);
      assert.equal(e.execTime, 1717000004560);
      assert.equal(e.execType, 'Trade');
    });

    it('keeps Funding rows as executions with their execType', () => {
      const e = mapExecution({ ...exec, execType: 'Funding', orderId: '', orderLinkId: '', execQty: '0.5', execFee: '0.0031', isMaker: undefined });
      assert.equal(e.execType, 'Funding');
      assert.equal(e.orderId, '');
      assert.equal(e.orderLinkId, null);
      assert.equal(e.isMaker, null);
    });
  });

  it('maps a closed PnL row (fillCount string -> number)', () => {
    const c = mapClosedPnl({
      symbol: 'ETHUSDT', orderId: 'o9', side: 'Sell', qty: '1', orderPrice: '3000', orderType: 'Market', execType: 'Trade',
      closedSize: '1', cumEntryValue: '2900', avgEntryPrice: '2900', cumExitValue: '3000', avgExitPrice: '3000',
      closedPnl: '98.1', fillCount: '3', leverage: '10', openFee: '0.9', closeFee: '1', createdTime: '1717000000000', updatedTime: '1717000000001',
    });
    assert.equal(c.fillCount, 3);
    assert.equal(c.closedPnl, '98.1');
    assert.equal(c.updatedTime, 1717000000001);
  });

  describe('positions', () => {
    const base = { symbol: 'BTCUSDT', positionIdx: 0, side: 'Buy', size: '0.02', unrealisedPnl: '1.5', cumRealisedPnl: '-3', updatedTime: '1717000000000', seq: 77 };

    it('reads the entry price from avgPrice on REST and entryPrice on WS', () => {
      assert.equal(mapPosition({ ...base, avgPrice: '100' }, 'rest').avgPrice, '100');
      assert.equal(mapPosition({ ...base, entryPrice: '101', avgPrice: undefined }, 'ws').avgPrice, '101');
    });

    it('keeps a flat row: side "", size "0"; seq as a string', () => {
      const p = mapPosition({ ...base, side: '', size: '0', avgPrice: '0', updatedTime: '', seq: -1 }, 'rest');
      assert.equal(p.side, '');
      assert.equal(p.size, '0');
      assert.equal(p.updatedTime, 0);
      assert.equal(p.seq, '-1');
      assert.equal(mapPosition({ ...base, avgPrice: '1' }, 'rest').seq, '77');
      assert.equal(mapPosition({ ...base, avgPrice: '1' }, 'rest').realisedPnl, '-3');
    });
  });
});
