import assert from 'node:assert/strict';
import { buildQuery, restSignText, signRest, signWsAuth } from '../../src/exchanges/bybit/sign.js';

// Vectors from exchange-apis.md A.2 (made-up credentials).
const secret = 'sim-secret-123';
const apiKey = 'sim-key-abc';
const timestamp = 1700000000000;
const recvWindow = 5000;

describe('bybit signing', () => {
  it('signs a GET over ts + key + recvWindow + raw query', () => {
    const payload = 'category=linear&symbol=BTCUSDT&limit=2';
    assert.equal(restSignText({ timestamp, apiKey, recvWindow, payload }), '1700000000000sim-key-abc5000category=linear&symbol=BTCUSDT&limit=2');
    assert.equal(signRest(secret, { timestamp, apiKey, recvWindow, payload }), '32630a53d01b9e986d43c998c6b1609b8a7a74125e1ea2badb2af019bf6854cc');
  });

  it('signs a POST over the raw JSON body', () => {
    const payload = JSON.stringify({ category: 'linear', symbol: 'BTCUSDT' });
    assert.equal(payload, '{"category":"linear","symbol":"BTCUSDT"}');
    assert.equal(signRest(secret, { timestamp, apiKey, recvWindow, payload }), '7cb7fa678875c05ef0b785cd69f0ab6a4ff436aa7d7e0f66a1335b53f7dc3509');
  });

  it('signs the WebSocket auth text GET/realtime + expires', () => {
    assert.equal(signWsAuth(secret, 1700000005000), '2a252fd026890984188a1046654ecd2a06e5d12720abe74ebaf8f3b7071cb94f');
  });

  it('builds the query in insertion order and skips empty values', () => {
    assert.equal(buildQuery({ category: 'linear', symbol: 'BTCUSDT', limit: 2, cursor: undefined, orderId: '' }), 'category=linear&symbol=BTCUSDT&limit=2');
  });

  it('encodes an already percent-encoded cursor once more, so one decode gives back the token', () => {
    const cursor = 'page_args%3Dfd43%26symbol%3D6%26';
    const q = buildQuery({ category: 'linear', cursor });
    assert.equal(q, 'category=linear&cursor=page_args%253Dfd43%2526symbol%253D6%2526');
    assert.equal(new URLSearchParams(q).get('cursor'), cursor);
  });
});

describe('bybit signing cross-checked with the official SDK (bybit-api, devDependency)', () => {
  it('builds the same query string and the same signature', async () => {
    const { serializeParams } = (await import('bybit-api/lib/util/requestUtils.js')) as {
      serializeParams: (p: object, strict: boolean, sort: boolean, encode: boolean) => string;
    };
    const { signMessage } = (await import('bybit-api/lib/util/webCryptoAPI.js')) as {
      signMessage: (m: string, s: string, method: 'hex', algo: 'SHA-256') => Promise<string>;
    };
    const params = { category: 'linear', settleCoin: 'USDT', limit: 50, cursor: 'page_args%3Dfd43%26symbol%3D6%26' };
    const ours = buildQuery(params);
    assert.equal(ours, serializeParams(params, true, false, true));
    const text = restSignText({ timestamp, apiKey, recvWindow, payload: ours });
    assert.equal(signRest(secret, { timestamp, apiKey, recvWindow, payload: ours }), await signMessage(text, secret, 'hex', 'SHA-256'));
  });
});
