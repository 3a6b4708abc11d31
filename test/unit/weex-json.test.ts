import assert from 'node:assert/strict';
import { parseJsonKeepingIds, quoteIdNumbers } from '../../src/exchanges/weex/json.js';

describe('weex id-preserving JSON parse', () => {
  it('keeps tradeId/orderId above 2^53 exact (JSON.parse would round them)', () => {
    const text = '{"list":[{"tradeId":9007199254740993,"orderId":702345678901234567,"fillSize":"0.01","createdTime":1700000000123}],"nextFlag":false,"totals":1}';
    assert.equal((JSON.parse(text) as { list: { tradeId: number }[] }).list[0]!.tradeId, 9007199254740992, 'JSON.parse rounds: the premise of this parser');
    const v = parseJsonKeepingIds(text) as { list: Record<string, unknown>[]; totals: number; nextFlag: boolean };
    assert.equal(v.list[0]!.tradeId, '9007199254740993');
    assert.equal(v.list[0]!.orderId, '702345678901234567');
    assert.equal(v.list[0]!.createdTime, 1700000000123);
    assert.equal(v.totals, 1);
    assert.equal(v.nextFlag, false);
  });

  it('turns small ids into strings too, so ids always have one type', () => {
    assert.deepEqual(parseJsonKeepingIds('{"id":5,"order_id":"12","account_id":-7}'), { id: '5', order_id: '12', account_id: '-7' });
  });

  it('quotes any integer too large for a double, whatever its key; leaves decimals and small numbers alone', () => {
    assert.deepEqual(parseJsonKeepingIds('{"seq":123456789012345678901,"contracts":10000,"x":1.5,"e":1e21,"n":-3}'), {
      seq: '123456789012345678901',
      contracts: 10000,
      x: 1.5,
      e: 1e21,
      n: -3,
    });
  });

  it('is not fooled by strings: digits, quotes, colons and key names inside values stay as they are', () => {
    const text = '{"msg":"orderId\\":123, \\"tradeId\\": 9","tradeId":1,"s":"a\\\\","orderId" : 99999999999999999 , "arr":[1,"tradeId",2]}';
    assert.deepEqual(parseJsonKeepingIds(text), { msg: 'orderId":123, "tradeId": 9', tradeId: '1', s: 'a\\', orderId: '99999999999999999', arr: [1, 'tradeId', 2] });
  });

  it('does not carry an id key into a nested value', () => {
    assert.deepEqual(parseJsonKeepingIds('{"orderId":{"n":5},"id":[7]}'), { orderId: { n: 5 }, id: [7] });
  });

  it('returns the text unchanged when nothing needs quoting, and still rejects invalid JSON', () => {
    const text = '[{"symbol":"cmt_btcusdt","size":"0.01"}]';
    assert.equal(quoteIdNumbers(text), text);
    assert.throws(() => parseJsonKeepingIds('{"tradeId":12'), SyntaxError);
    assert.throws(() => parseJsonKeepingIds('{"list":[{"tradeId":1'), SyntaxError);
    assert.throws(() => parseJsonKeepingIds('<html>'), SyntaxError);
  });
});
