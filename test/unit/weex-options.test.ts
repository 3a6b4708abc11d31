import assert from 'node:assert/strict';
import { BudgetRegistry } from '../../src/limits/gate.js';
import { defaultAdapterFactories, endpointsFor } from '../../src/exchanges/registry.js';
import { WEEX_PATHS, weexBudgets } from '../../src/exchanges/weex/budgets.js';
import { resolveWeexBaseUrl } from '../../src/exchanges/weex/hosts.js';
import { DEFAULT_WEEX_OPTIONS, resolveWeexOptions } from '../../src/exchanges/weex/options.js';
import type { ExchangeConfig } from '../../src/config/schema.js';

describe('weex [U] options', () => {
  it('defaults to what the facts file leans to, and ignores the keys the registry passes everyone', () => {
    assert.deepEqual(resolveWeexOptions({ env: 'mainnet', heartbeatMs: undefined }), DEFAULT_WEEX_OPTIONS);
    assert.equal(DEFAULT_WEEX_OPTIONS.wrapped, 'auto');
    assert.equal(DEFAULT_WEEX_OPTIONS.rateLimitWindowLimit, 500);
  });

  it('accepts each switch and names the bad one with what it expected', () => {
    const o = resolveWeexOptions({ wrapped: 'always', rateLimitWindowLimit: 1000, fillsOrder: 'asc', historyOrder: 'desc', historyPageSize: 50, pageBase: 1, orderNotFoundCodes: [40109], maxWindowMs: 604_800_000, locale: 'zh-CN', rateLimitBackoffMs: 0 });
    assert.equal(o.wrapped, 'always');
    assert.equal(o.rateLimitWindowLimit, 1000);
    assert.deepEqual(o.orderNotFoundCodes, ['40109']);
    assert.equal(o.maxWindowMs, 604_800_000);
    assert.throws(() => resolveWeexOptions({ wrapped: 'sometimes' }), /options\.wrapped: expected "auto" or "always" or "never", received "sometimes"/);
    assert.throws(() => resolveWeexOptions({ rateLimitWindowLimit: 750 }), /rateLimitWindowLimit: expected 500 or 1000, received 750/);
    assert.throws(() => resolveWeexOptions({ historyPageSize: 0 }), /historyPageSize: expected an integer between 1 and 1000/);
    assert.throws(() => resolveWeexOptions({ fillOrder: 'asc' }), /expected keys among .*fillsOrder.*received "fillOrder"/);
  });
});

describe('weex budgets', () => {
  it('weighs every endpoint on the IP and UID 10 s buckets, place/cancel also on 10/s', () => {
    const b = weexBudgets();
    assert.deepEqual(b.buckets.ip, { scope: 'ip', limit: 500, windowMs: 10_000 });
    assert.deepEqual(b.buckets.uid, { scope: 'account', limit: 500, windowMs: 10_000 });
    assert.deepEqual(b.buckets.orders, { scope: 'account', limit: 10, windowMs: 1_000 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.fills], { ip: 5, uid: 5 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.openOrders], { ip: 2, uid: 2 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.orderDetail], { ip: 2, uid: 2 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.orderHistory], { ip: 10, uid: 10 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.allPositions], { ip: 10, uid: 15 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.singlePosition], { ip: 2, uid: 3 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.placeOrder], { ip: 2, uid: 5, orders: 1 });
    assert.deepEqual(b.endpoints[WEEX_PATHS.cancelOrder], { ip: 2, uid: 3, orders: 1 });
    assert.equal(weexBudgets(1000).buckets.uid!.limit, 1000);
  });

  it("is accepted by the engine's gate (every weight fits its bucket)", () => {
    const reg = new BudgetRegistry();
    assert.doesNotThrow(() => reg.gate('weex', 'acct-1', '127.0.0.1', weexBudgets()));
  });
});

describe('weex hosts and registry', () => {
  it('defaults to the contract host; an explicit baseUrl wins; another env needs one', () => {
    assert.equal(resolveWeexBaseUrl({}), 'https://api-contract.weex.com');
    assert.equal(resolveWeexBaseUrl({ baseUrl: 'http://127.0.0.1:9000/', options: { env: 'testnet' } }), 'http://127.0.0.1:9000');
    assert.throws(() => resolveWeexBaseUrl({ baseUrl: '', options: { env: 'testnet' } }), /expected a baseUrl for env "testnet"/);
  });

  it('registers the weex factory and its default base URL', () => {
    assert.equal(typeof defaultAdapterFactories().weex, 'function');
    const cfg = { env: 'mainnet', options: { wrapped: 'never' } } as unknown as ExchangeConfig;
    const e = endpointsFor('weex', cfg);
    assert.equal(e.baseUrl, 'https://api-contract.weex.com');
    assert.equal(e.options?.wrapped, 'never');
  });
});
