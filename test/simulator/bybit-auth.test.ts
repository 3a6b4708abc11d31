import assert from 'node:assert/strict';
import { BybitRaw, hmacHex, rawRequest, startTestSim, client } from './helpers.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';

// Test vectors of exchange-apis.md A.2 (made-up credentials).
const KEY = 'sim-key-abc';
const SECRET = 'sim-secret-123';
const TS = 1700000000000;

describe('simulator bybit: authentication', () => {
  describe('A.2 test vectors', () => {
    let sim: SimulatorHandle;
    let now = TS + 100;
    before(async () => {
      sim = await startTestSim({ accounts: [{ id: 'vec', apiKey: KEY, apiSecret: SECRET }], now: () => now });
    });
    after(() => sim.close());

    it('signs the documented strings as documented (independent check of the vectors)', () => {
      assert.equal(hmacHex(SECRET, `${TS}${KEY}5000category=linear&symbol=BTCUSDT&limit=2`), '32630a53d01b9e986d43c998c6b1609b8a7a74125e1ea2badb2af019bf6854cc');
      assert.equal(hmacHex(SECRET, `${TS}${KEY}5000{"category":"linear","symbol":"BTCUSDT"}`), '7cb7fa678875c05ef0b785cd69f0ab6a4ff436aa7d7e0f66a1335b53f7dc3509');
      assert.equal(hmacHex(SECRET, 'GET/realtime1700000005000'), '2a252fd026890984188a1046654ecd2a06e5d12720abe74ebaf8f3b7071cb94f');
    });

    it('accepts the GET vector signature for the exact query', async () => {
      const r = await rawRequest(sim.url, 'GET', '/v5/order/realtime?category=linear&symbol=BTCUSDT&limit=2', {
        headers: { 'X-BAPI-API-KEY': KEY, 'X-BAPI-TIMESTAMP': String(TS), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': '32630a53d01b9e986d43c998c6b1609b8a7a74125e1ea2badb2af019bf6854cc' },
      });
      assert.equal(r.status, 200);
      const b = JSON.parse(r.text);
      assert.equal(b.retCode, 0, b.retMsg);
      assert.deepEqual(b.result, { category: 'linear', list: [], nextPageCursor: '' });
    });

    it('accepts the POST vector signature on the raw body (then validates the body)', async () => {
      const r = await rawRequest(sim.url, 'POST', '/v5/order/cancel-all', {
        body: '{"category":"linear","symbol":"BTCUSDT"}',
        headers: { 'content-type': 'application/json', 'X-BAPI-API-KEY': KEY, 'X-BAPI-TIMESTAMP': String(TS), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': '7cb7fa678875c05ef0b785cd69f0ab6a4ff436aa7d7e0f66a1335b53f7dc3509' },
      });
      const b = JSON.parse(r.text);
      assert.equal(b.retCode, 0, b.retMsg);
      assert.deepEqual(b.result, { list: [], success: '1' });
    });

    it('10004 echoes the exact origin string when the signature is wrong', async () => {
      const r = await rawRequest(sim.url, 'GET', '/v5/order/realtime?category=linear&symbol=BTCUSDT&limit=2', {
        headers: { 'X-BAPI-API-KEY': KEY, 'X-BAPI-TIMESTAMP': String(TS), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': 'f'.repeat(64) },
      });
      const b = JSON.parse(r.text);
      assert.equal(r.status, 200);
      assert.equal(b.retCode, 10004);
      assert.equal(b.retMsg, `error sign! origin_string[${TS}${KEY}5000category=linear&symbol=BTCUSDT&limit=2]`);
      assert.deepEqual(b.result, {});
      assert.deepEqual(b.retExtInfo, {});
      assert.equal(typeof b.time, 'number');
    });

    it('10002: the window is serverTime - recvWindow <= ts < serverTime + 1000', async () => {
      const c = new BybitRaw(sim.url, { apiKey: KEY, apiSecret: SECRET });
      now = TS + 5000; // ts == server - recv: accepted
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT', { ts: TS })).retCode, 0);
      now = TS + 5001; // one ms too old
      const old = await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT', { ts: TS });
      assert.equal(old.retCode, 10002);
      assert.equal(
        old.retMsg,
        `invalid request, please check your server timestamp or recv_window param. req_timestamp[${TS}],server_timestamp[${TS + 5001}],recv_window[5000]`,
      );
      now = TS - 1000; // ts == server + 1000: rejected (strict)
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT', { ts: TS })).retCode, 10002);
      now = TS - 999;
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT', { ts: TS })).retCode, 0);
      // A larger recvWindow widens the window (and is part of the signed text).
      now = TS + 14_000;
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT', { ts: TS, recv: '15000' })).retCode, 0);
      now = TS + 100;
    });
  });

  describe('headers, keys and raw bytes', () => {
    let sim: SimulatorHandle;
    before(async () => {
      sim = await startTestSim();
    });
    after(() => sim.close());

    it('401 when auth headers are missing, with an envelope', async () => {
      const r = await rawRequest(sim.url, 'GET', '/v5/order/realtime?category=linear&settleCoin=USDT');
      assert.equal(r.status, 401);
      const b = JSON.parse(r.text);
      assert.equal(b.retCode, 10003);
      for (const h of ['x-bapi-limit', 'x-bapi-limit-status', 'x-bapi-limit-reset-timestamp']) assert.ok(r.headers[h], h);
    });

    it('10003 for an unknown key', async () => {
      const c = new BybitRaw(sim.url, { apiKey: 'nobody', apiSecret: 'x' }, () => sim.now());
      assert.equal((await c.get('/v5/order/realtime', 'category=linear&settleCoin=USDT')).retCode, 10003);
    });

    it('verifies on the query as received: percent-encoded and raw forms are different texts', async () => {
      const c = client(sim);
      // bybit-api style: values encodeURIComponent-ed, signed and sent as is.
      const encoded = 'category=linear&symbol=BTCUSDT&orderLinkId=a%2Fb%3Ac';
      assert.equal((await c.get('/v5/order/realtime', encoded)).retCode, 0);
      // ccxt style: values not encoded, signed and sent as is.
      const raw = 'category=linear&symbol=BTCUSDT&orderLinkId=a/b:c';
      assert.equal((await c.get('/v5/order/realtime', raw)).retCode, 0);
      // Signing the decoded text but sending the encoded one must fail.
      const ts = sim.now();
      const sign = hmacHex(sim.accounts[0]!.apiSecret, `${ts}${sim.accounts[0]!.apiKey}5000${raw}`);
      const r = await c.get('/v5/order/realtime', encoded, { ts, sign });
      assert.equal(r.retCode, 10004);
      assert.ok(r.retMsg.includes('a%2Fb%3Ac'), r.retMsg);
    });

    it('accepts and ignores X-BAPI-SIGN-TYPE and referer headers', async () => {
      const c = client(sim);
      const r = await c.get('/v5/position/list', 'category=linear&settleCoin=USDT', { headers: { 'X-BAPI-SIGN-TYPE': '2', 'x-referer': 'bybitapinode' } });
      assert.equal(r.retCode, 0);
    });

    it('without X-BAPI-RECV-WINDOW the server signs with "5000" (configurable [U])', async () => {
      const c = client(sim);
      assert.equal((await c.get('/v5/position/list', 'category=linear&settleCoin=USDT', { recv: null })).retCode, 0);
    });

    it('does not accept an upper-case hex signature variant as a different string', async () => {
      const c = client(sim);
      const ts = sim.now();
      const q = 'category=linear&settleCoin=USDT';
      const sign = hmacHex(sim.accounts[0]!.apiSecret, `${ts}${sim.accounts[0]!.apiKey}5000${q}`);
      assert.equal((await c.get('/v5/position/list', q, { ts, sign })).retCode, 0);
      assert.equal((await c.get('/v5/position/list', q, { ts, sign: sign.toUpperCase() })).retCode, 10004);
    });

    it('POST signature covers the exact body bytes (whitespace matters)', async () => {
      const c = client(sim);
      const body = '{ "category": "linear", "symbol": "BTCUSDT" }';
      const ok = await c.postRaw('/v5/order/cancel-all', body);
      assert.equal(JSON.parse(ok.text).retCode, 0);
      const ts = sim.now();
      const sign = hmacHex(sim.accounts[0]!.apiSecret, `${ts}${sim.accounts[0]!.apiKey}5000${JSON.stringify(JSON.parse(body))}`);
      const bad = await c.postRaw('/v5/order/cancel-all', body, { ts, sign });
      assert.equal(JSON.parse(bad.text).retCode, 10004);
    });

    it('public endpoints need no signature', async () => {
      const r = await rawRequest(sim.url, 'GET', '/v5/market/time');
      const b = JSON.parse(r.text);
      assert.equal(b.retCode, 0);
      assert.match(b.result.timeSecond, /^\d{10}$/);
      assert.match(b.result.timeNano, /^\d{19}$/);
    });
  });
});
