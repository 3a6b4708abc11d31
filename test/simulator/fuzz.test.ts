import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { client, hmacHex, rawRequest, startTestSim, type RawResponse } from './helpers.js';

const PATHS = [
  '/v5/order/realtime',
  '/v5/order/history',
  '/v5/execution/list',
  '/v5/position/list',
  '/v5/position/closed-pnl',
  '/v5/order/create',
  '/v5/order/cancel',
  '/v5/order/cancel-all',
  '/v5/market/time',
  '/v5/market/kline',
  '/v5/market/tickers',
  '/v5/market/instruments-info',
];

const PARAM_NAMES = ['category', 'symbol', 'settleCoin', 'baseCoin', 'orderId', 'orderLinkId', 'openOnly', 'limit', 'cursor', 'startTime', 'endTime', 'execType', 'orderStatus', 'orderFilter', 'interval', 'start', 'end'];
const PARAM_VALUES = ['linear', 'spot', 'BTCUSDT', 'ETHUSDT', 'USDT', 'BTC', '0', '1', '50', '-1', '999999999999999999', '', 'page_args%3Dx%26', 'page_args=e-1-1&', '%', '%zz', '1700000000000', 'D', 'Trade', 'Funding', 'Order', 'null'];

const printable = (max: number) => fc.stringMatching(new RegExp(`^[\\x21-\\x7e]{0,${max}}$`));

const query = fc.oneof(
  printable(80),
  fc.array(fc.tuple(fc.constantFrom(...PARAM_NAMES), fc.oneof(fc.constantFrom(...PARAM_VALUES), printable(20))), { maxLength: 8 }).map((kv) =>
    kv.map(([k, v]) => `${k}=${v}`).join('&'),
  ),
);

const body = fc.oneof(
  fc.constant(''),
  printable(60),
  fc.json({ maxDepth: 2 }),
  fc.dictionary(fc.constantFrom('category', 'symbol', 'side', 'orderType', 'qty', 'price', 'orderLinkId', 'reduceOnly', 'timeInForce', 'orderId', 'positionIdx'), fc.oneof(fc.constantFrom('linear', 'BTCUSDT', 'Buy', 'Sell', 'Limit', 'Market', '0.001', '1', 'GTC', 'IOC', 'PostOnly'), fc.jsonValue({ maxDepth: 1 }))).map((o) => JSON.stringify(o)),
);

function assertEnvelope(r: RawResponse, where: string): any {
  assert.ok([200, 400, 401, 403, 404].includes(r.status), `${where}: HTTP ${r.status}`);
  let b: any;
  assert.doesNotThrow(() => (b = JSON.parse(r.text)), `${where}: not JSON: ${r.text.slice(0, 200)}`);
  assert.equal(typeof b.retCode, 'number', where);
  assert.equal(typeof b.retMsg, 'string', where);
  assert.ok(b.result && typeof b.result === 'object', where);
  assert.deepEqual(b.retExtInfo, {}, where);
  assert.equal(typeof b.time, 'number', where);
  for (const h of ['x-bapi-limit', 'x-bapi-limit-status', 'x-bapi-limit-reset-timestamp']) assert.ok(r.headers[h] !== undefined, `${where}: ${h}`);
  return b;
}

describe('simulator bybit: fuzzing request parsing and signatures', function () {
  this.timeout(60_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startTestSim({ accounts: 1 });
    // Some state so the read paths have rows to walk.
    sim.generateHistory({ days: 3, executions: 200 });
  });
  after(() => sim.close());

  it('random paths, methods, queries, headers and bodies always get an envelope, never a crash', async () => {
    const acct = sim.accounts[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PATHS, '/v5/nothing', '/', '/v5', '/v5/order/realtime/'),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        query,
        body,
        fc.record({ key: fc.oneof(fc.constant(acct.apiKey), printable(20)), ts: fc.oneof(fc.constant('now'), printable(16)), recv: fc.option(printable(8)), sign: fc.oneof(fc.constant('valid'), printable(64)) }, { requiredKeys: [] }),
        async (path, method, q, b, h) => {
          const headers: Record<string, string> = {};
          const ts = h.ts === 'now' ? String(sim.now()) : h.ts;
          if (h.key !== undefined) headers['X-BAPI-API-KEY'] = h.key;
          if (ts !== undefined) headers['X-BAPI-TIMESTAMP'] = ts;
          if (h.recv !== undefined && h.recv !== null) headers['X-BAPI-RECV-WINDOW'] = h.recv;
          const payload = method === 'GET' ? q : b;
          if (h.sign !== undefined) headers['X-BAPI-SIGN'] = h.sign === 'valid' ? hmacHex(acct.apiSecret, `${ts}${h.key}${h.recv ?? '5000'}${payload}`) : h.sign;
          if (method !== 'GET') headers['content-type'] = 'application/json';
          const r = await rawRequest(sim.url, method, q ? `${path}?${q}` : path, { headers, body: method === 'GET' ? undefined : b });
          assertEnvelope(r, `${method} ${path}?${q}`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('correctly signed requests with random parameters: envelope, retCode 0 or a documented error', async () => {
    const c = client(sim);
    const allowed = new Set([0, 10001, 110001, 110008, 110010, 110017, 110072]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PATHS.slice(0, 8)), query, body, async (path, q, b) => {
        const isPost = path.includes('/create') || path.includes('/cancel');
        const r = isPost ? await c.postRaw(path, b) : await c.getRaw(path, q);
        const env = assertEnvelope(r, `${path} ${isPost ? b : q}`);
        assert.ok(allowed.has(env.retCode), `${path}: retCode ${env.retCode} ${env.retMsg}`);
      }),
      { numRuns: 400 },
    );
  });

  it('still healthy afterwards', async () => {
    const r = await client(sim).get('/v5/order/realtime', 'category=linear&settleCoin=USDT');
    assert.equal(r.retCode, 0);
  });
});
