import assert from 'node:assert/strict';
import { buildWeexQuery, signWeex, weexAuthHeaders, weexSignText } from '../../src/exchanges/weex/sign.js';

// Vectors from exchange-apis.md B.2 (made-up secret).
const secret = 'weex-sim-secret';
const timestamp = 1700000000000;

describe('weex signing', () => {
  it('signs a GET over ts + METHOD + path + ? + query (B.2 vector)', () => {
    const i = { timestamp, method: 'GET' as const, path: '/capi/v2/order/fills', query: 'symbol=cmt_btcusdt&limit=100', body: '' };
    assert.equal(weexSignText(i), '1700000000000GET/capi/v2/order/fills?symbol=cmt_btcusdt&limit=100');
    assert.equal(signWeex(secret, i), 'kubVatyvvuh6yLnwsie0TRYboa+FlZqOIWmk64/fQW8=');
  });

  it('signs a POST over the raw JSON body, with no "?" (B.2 vector)', () => {
    const body = JSON.stringify({ orderId: '596471064624628269' });
    const i = { timestamp, method: 'POST' as const, path: '/capi/v2/order/cancel_order', query: '', body };
    assert.equal(weexSignText(i), '1700000000000POST/capi/v2/order/cancel_order{"orderId":"596471064624628269"}');
    assert.equal(signWeex(secret, i), 'fgxtQ5xOCE8z9z4bgu8vIypDmM6eg0FM4NuT95hpaLw=');
  });

  it('leaves the "?" out when the query is empty', () => {
    assert.equal(weexSignText({ timestamp, method: 'GET', path: '/capi/v2/account/position/allPosition', query: '', body: '' }), '1700000000000GET/capi/v2/account/position/allPosition');
  });

  it('sends the four ACCESS-* headers, JSON content type and locale', () => {
    const i = { timestamp, method: 'GET' as const, path: '/capi/v2/order/fills', query: 'symbol=cmt_btcusdt&limit=100', body: '' };
    const h = weexAuthHeaders({ apiKey: 'weex_abc', apiSecret: secret, passphrase: 'pass-123' }, i, 'en-US');
    assert.deepEqual(h, {
      'ACCESS-KEY': 'weex_abc',
      'ACCESS-SIGN': 'kubVatyvvuh6yLnwsie0TRYboa+FlZqOIWmk64/fQW8=',
      'ACCESS-TIMESTAMP': '1700000000000',
      'ACCESS-PASSPHRASE': 'pass-123',
      'Content-Type': 'application/json',
      locale: 'en-US',
    });
  });

  it('builds the query in insertion order, skips empty values, encodes values', () => {
    assert.equal(buildWeexQuery({ symbol: 'cmt_btcusdt', orderId: undefined, startTime: 1, endTime: 2, limit: 100, x: '' }), 'symbol=cmt_btcusdt&startTime=1&endTime=2&limit=100');
    assert.equal(buildWeexQuery({ clientOid: 'a b&c' }), 'clientOid=a%20b%26c');
  });
});
