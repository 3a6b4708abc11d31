import assert from 'node:assert/strict';
import { ExchangeUnavailableError } from '../../src/errors.js';
import { execTypeOf, flatPosition, mapFill, mapOrder, mapPosition, orderTypeOf, statusOf } from '../../src/exchanges/weex/map.js';
import { placeOrderBody, placeType, readCancelReply, readPlaceReply } from '../../src/exchanges/weex/orders.js';
import { fromWeexSymbol, toWeexSymbol } from '../../src/exchanges/weex/symbols.js';

// The order-detail example of exchange-apis.md B.4.3 (a filled IOC market order).
const DETAIL = {
  symbol: 'cmt_btcusdt',
  size: '0.010000',
  client_oid: 'bot7-1',
  createTime: '1763708511502',
  filled_qty: '0.010000',
  fee: '0.51357900',
  order_id: '686643264626885530',
  price: '0.0',
  price_avg: '85596.5',
  status: 'filled',
  type: 'open_long',
  order_type: 'ioc',
  totalProfits: '0',
  contracts: 10000,
  filledQtyContracts: 10000,
};

const FILL = {
  tradeId: '9007199254740993',
  orderId: '702345678901234567',
  symbol: 'cmt_ethusdt',
  marginMode: 'SHARED',
  separatedMode: 'COMBINED',
  positionSide: 'LONG',
  orderSide: 'SELL',
  fillSize: '0.03',
  fillValue: '100',
  fillFee: '0.055',
  liquidateFee: 'MAKER',
  realizePnl: '1.2',
  direction: 'CLOSE_LONG',
  liquidateType: 'NORMAL',
  legacyOrdeDirection: 'CLOSE_LONG',
  createdTime: 1700000000123,
};

describe('weex symbols', () => {
  it('maps BTCUSDT <-> cmt_btcusdt', () => {
    assert.equal(toWeexSymbol('BTCUSDT'), 'cmt_btcusdt');
    assert.equal(toWeexSymbol('cmt_ethusdt'), 'cmt_ethusdt');
    assert.equal(fromWeexSymbol('cmt_btcusdt'), 'BTCUSDT');
    assert.equal(fromWeexSymbol('BTCUSDT_UMCBL'), null);
    assert.throws(() => toWeexSymbol('BTC/USDT'), /expected a symbol like BTCUSDT/);
  });
});

describe('weex order mapping', () => {
  it('maps the doc example: Filled, Buy, not reduce-only, Market (price 0), value = qty x avg', () => {
    const o = mapOrder(DETAIL);
    assert.deepEqual({ ...o, raw: undefined }, {
      orderId: '686643264626885530',
      orderLinkId: 'bot7-1',
      symbol: 'BTCUSDT',
      side: 'Buy',
      orderType: 'Market',
      price: '0.0',
      qty: '0.010000',
      cumExecQty: '0.010000',
      cumExecValue: '855.965',
      avgPrice: '85596.5',
      fee: '0.51357900',
      status: 'Filled',
      reduceOnly: false,
      createdTime: 1763708511502,
      updatedTime: 1763708511502,
      raw: undefined,
    });
    assert.equal(o.raw, DETAIL);
  });

  it('splits open orders by filled_qty and keeps canceling open', () => {
    assert.equal(statusOf('pending', '0'), 'New');
    assert.equal(statusOf('open', '0.000000'), 'New');
    assert.equal(statusOf('open', '0.004'), 'PartiallyFilled');
    assert.equal(statusOf('canceling', '0'), 'New');
    assert.equal(statusOf('canceling', '0.004'), 'PartiallyFilled');
    assert.equal(statusOf('filled', '0.01'), 'Filled');
    assert.equal(statusOf('canceled', '0.004'), 'Cancelled');
    assert.equal(statusOf('untriggered', '0'), 'Untriggered');
    assert.throws(() => statusOf('exploded', '0'), ExchangeUnavailableError);
  });

  it('reads side and reduce-only from the open/close type, words or plan-order numbers', () => {
    assert.deepEqual(orderTypeOf('open_short'), { side: 'Sell', reduceOnly: false });
    assert.deepEqual(orderTypeOf('close_long'), { side: 'Sell', reduceOnly: true });
    assert.deepEqual(orderTypeOf('close_short'), { side: 'Buy', reduceOnly: true });
    assert.deepEqual(orderTypeOf('burst_liquidate_long'), { side: 'Sell', reduceOnly: true });
    assert.deepEqual(orderTypeOf('offset_liquidate_short'), { side: 'Buy', reduceOnly: true });
    assert.deepEqual(orderTypeOf('4'), { side: 'Buy', reduceOnly: true });
    assert.throws(() => orderTypeOf('sideways'), ExchangeUnavailableError);
  });

  it('reports avgPrice 0 and value 0 for an unfilled resting limit order, with a null client id when absent', () => {
    const o = mapOrder({ ...DETAIL, client_oid: null, filled_qty: '0', price_avg: '0', price: '60000.0', status: 'open', type: 'close_short' });
    assert.equal(o.status, 'New');
    assert.equal(o.orderType, 'Limit');
    assert.equal(o.avgPrice, '0');
    assert.equal(o.cumExecValue, '0');
    assert.equal(o.orderLinkId, null);
    assert.equal(o.side, 'Buy');
    assert.equal(o.reduceOnly, true);
  });

  it('refuses rows it cannot read instead of guessing', () => {
    assert.throws(() => mapOrder({ ...DETAIL, createTime: 'yesterday' }), ExchangeUnavailableError);
    assert.throws(() => mapOrder({ ...DETAIL, symbol: 'BTCUSDT' }), ExchangeUnavailableError);
    assert.throws(() => mapOrder({ ...DETAIL, filled_qty: 'lots' }), ExchangeUnavailableError);
    assert.throws(() => mapOrder([]), ExchangeUnavailableError);
  });
});

describe('weex fill mapping', () => {
  it('derives price = fillValue / fillSize with decimals, not floats, and keeps ids as given', () => {
    const e = mapFill(FILL);
    assert.equal(e.execId, '9007199254740993');
    assert.equal(e.orderId, '702345678901234567');
    assert.equal(e.symbol, 'ETHUSDT');
    assert.equal(e.side, 'Sell');
    assert.equal(e.price, '3333.3333333333333333', 'a non-terminating quotient is cut to 20 significant digits');
    assert.equal(mapFill({ ...FILL, fillSize: '0.1', fillValue: '0.3' }).price, '3', '0.3 / 0.1 is 2.9999999999999996 in floats');
    assert.equal(e.qty, '0.03');
    assert.equal(e.value, '100');
    assert.equal(e.fee, '0.055');
    assert.equal(e.feeCurrency, 'USDT');
    assert.equal(e.isMaker, true);
    assert.equal(e.execType, 'Trade');
    assert.equal(e.execTime, 1700000000123);
    assert.equal(e.orderLinkId, null);
  });

  it('takes the side from direction when orderSide is missing', () => {
    const { orderSide: _drop, ...noSide } = FILL;
    assert.equal(mapFill({ ...noSide, direction: 'OPEN_LONG' }).side, 'Buy');
    assert.equal(mapFill({ ...noSide, direction: 'OPEN_SHORT' }).side, 'Sell');
    assert.equal(mapFill({ ...noSide, direction: 'CLOSE_LONG' }).side, 'Sell');
    assert.equal(mapFill({ ...noSide, direction: 'CLOSE_SHORT' }).side, 'Buy');
    assert.throws(() => mapFill({ ...noSide, direction: 'SIDEWAYS' }), ExchangeUnavailableError);
  });

  it('names liquidation and ADL fills in Bybit words, everything else Trade', () => {
    assert.equal(execTypeOf({ liquidateType: 'FORCE_LIQUIDATE' }), 'BustTrade');
    assert.equal(execTypeOf({ direction: 'BURST_CLOSE_LONG' }), 'BustTrade');
    assert.equal(execTypeOf({ liquidateType: 'ADL' }), 'AdlTrade');
    assert.equal(execTypeOf({ liquidateType: 'NORMAL', direction: 'OPEN_LONG' }), 'Trade');
    assert.equal(execTypeOf({}), 'Trade');
  });

  it('a TAKER flag is isMaker false; anything else unknown', () => {
    assert.equal(mapFill({ ...FILL, liquidateFee: 'TAKER' }).isMaker, false);
    assert.equal(mapFill({ ...FILL, liquidateFee: '0.12' }).isMaker, null);
  });
});

describe('weex position mapping', () => {
  const LONG = { id: '1', symbol: 'cmt_btcusdt', side: 'LONG', size: '0.020000', open_value: '1300.5', unrealizePnl: '3.2', updated_time: 1700000000999, updated_match_sequence_id: '9007199254740995' };

  it('long -> Buy, positionIdx 1, avgPrice = open_value / size', () => {
    const p = mapPosition(LONG);
    assert.equal(p.symbol, 'BTCUSDT');
    assert.equal(p.positionIdx, 1);
    assert.equal(p.side, 'Buy');
    assert.equal(p.size, '0.020000');
    assert.equal(p.avgPrice, '65025');
    assert.equal(p.unrealisedPnl, '3.2');
    assert.equal(p.updatedTime, 1700000000999);
    assert.equal(p.seq, '9007199254740995');
  });

  it('short -> Sell, positionIdx 2; a zero size reads flat', () => {
    assert.equal(mapPosition({ ...LONG, side: 'SHORT' }).positionIdx, 2);
    assert.equal(mapPosition({ ...LONG, side: 'SHORT' }).side, 'Sell');
    const flat = mapPosition({ ...LONG, size: '0', open_value: '0' });
    assert.equal(flat.side, '');
    assert.equal(flat.avgPrice, '0');
    assert.deepEqual(flatPosition('ETHUSDT', 2), { symbol: 'ETHUSDT', positionIdx: 2, side: '', size: '0', avgPrice: '0', unrealisedPnl: '0', realisedPnl: '0', updatedTime: 0, seq: null, raw: null });
    assert.throws(() => mapPosition({ ...LONG, side: 'BOTH' }), ExchangeUnavailableError);
  });
});

describe('weex order placement codes', () => {
  it('maps side + reduce-only to open/close long/short', () => {
    assert.equal(placeType('Buy', false), '1');
    assert.equal(placeType('Sell', false), '2');
    assert.equal(placeType('Sell', true), '3');
    assert.equal(placeType('Buy', true), '4');
  });

  it('builds the body with numeric codes as strings; market orders carry no price', () => {
    assert.deepEqual(placeOrderBody({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000', orderLinkId: 'b-1', timeInForce: 'PostOnly' }, 0), {
      symbol: 'cmt_btcusdt',
      client_oid: 'b-1',
      size: '0.01',
      type: '1',
      order_type: '1',
      match_price: '0',
      price: '60000',
    });
    const m = placeOrderBody({ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '1', reduceOnly: true, timeInForce: 'IOC' }, 1700000000000);
    assert.equal(m.match_price, '1');
    assert.equal(m.order_type, '3');
    assert.equal(m.type, '3');
    assert.equal(m.price, undefined);
    assert.ok(m.client_oid.length > 0 && m.client_oid.length <= 40, 'a client_oid is made up: WEEX requires one');
    assert.equal(placeOrderBody({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '1', timeInForce: 'FOK' }, 0).order_type, '2');
    assert.throws(() => placeOrderBody({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '1' }, 0), /needs a price/);
    assert.throws(() => placeOrderBody({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', orderLinkId: 'x'.repeat(41) }, 0), /1\.\.40/);
  });

  it('reads the place reply (client_oid null in the doc example) and a refused cancel', () => {
    assert.deepEqual(readPlaceReply({ client_oid: null, order_id: '596471064624628269' }, 'sent-1'), { orderId: '596471064624628269', orderLinkId: 'sent-1' });
    assert.throws(() => readPlaceReply({ client_oid: null }, 'sent-1'), ExchangeUnavailableError);
    readCancelReply({ order_id: '1', client_oid: null, result: true, err_msg: null });
    assert.throws(() => readCancelReply({ order_id: '1', result: false, err_code: '40768', err_msg: 'Order does not exist' }), /cancel refused \(40768\)/);
  });
});
