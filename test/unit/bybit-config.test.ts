import assert from 'node:assert/strict';
import { bybitBudgets, BYBIT_PATHS } from '../../src/exchanges/bybit/budgets.js';
import { resolveBybitHosts } from '../../src/exchanges/bybit/hosts.js';
import { decodeGroupCursor, encodeGroupCursor, groupSymbols } from '../../src/exchanges/bybit/groups.js';

describe('bybit configuration pieces', () => {
  it('budgets: one shared IP bucket, one account bucket per endpoint, every weight within its bucket', () => {
    const b = bybitBudgets();
    assert.deepEqual(b.buckets.ip, { scope: 'ip', limit: 600, windowMs: 5000 });
    for (const p of [BYBIT_PATHS.openOrders, BYBIT_PATHS.orderHistory, BYBIT_PATHS.executions, BYBIT_PATHS.closedPnl, BYBIT_PATHS.positions]) {
      assert.deepEqual(b.endpoints[p], { ip: 1, [`account:${p}`]: 1 });
      assert.deepEqual(b.buckets[`account:${p}`], { scope: 'account', limit: 50, windowMs: 1000 });
    }
    for (const p of [BYBIT_PATHS.placeOrder, BYBIT_PATHS.cancelOrder, BYBIT_PATHS.cancelAll]) {
      assert.equal(b.buckets[`account:${p}`]!.limit, 10);
    }
    for (const [ep, weights] of Object.entries(b.endpoints)) {
      for (const [bucket, w] of Object.entries(weights)) assert.ok(b.buckets[bucket] && w <= b.buckets[bucket]!.limit, `${ep} ${bucket}`);
    }
    assert.notEqual(bybitBudgets(), b, 'a fresh copy per call');
  });

  it('hosts: mainnet by default, testnet/demo switches, explicit URLs win', () => {
    assert.deepEqual(resolveBybitHosts({ baseUrl: '' }), { baseUrl: 'https://api.bybit.com', wsUrl: 'wss://stream.bybit.com', env: 'mainnet' });
    assert.equal(resolveBybitHosts({ baseUrl: '', options: { testnet: true } }).baseUrl, 'https://api-testnet.bybit.com');
    assert.equal(resolveBybitHosts({ baseUrl: '', options: { env: 'demo' } }).wsUrl, 'wss://stream-demo.bybit.com');
    assert.deepEqual(resolveBybitHosts({ baseUrl: 'http://127.0.0.1:9/', wsUrl: 'ws://127.0.0.1:9' }), { baseUrl: 'http://127.0.0.1:9', wsUrl: 'ws://127.0.0.1:9', env: 'mainnet' });
    assert.throws(() => resolveBybitHosts({ baseUrl: '', options: { env: 'prod' } }), /options.env/);
  });

  it('groups symbols by settle coin; empty means USDT', () => {
    assert.deepEqual(groupSymbols([]), [{ by: 'settleCoin', value: 'USDT' }]);
    assert.deepEqual(groupSymbols(['ETHUSDT', 'BTCPERP', 'BTCUSDT', 'SOLUSDC', 'BTCUSD']), [
      { by: 'settleCoin', value: 'USDC' },
      { by: 'settleCoin', value: 'USDT' },
      { by: 'symbol', value: 'BTCUSD' },
    ]);
  });

  it('group cursors round-trip and refuse a cursor from another query', () => {
    const g = groupSymbols(['BTCUSDT', 'BTCPERP']);
    const token = encodeGroupCursor(g, { group: 1, inner: 'page_args%3Dabc%26' });
    assert.deepEqual(decodeGroupCursor(g, token), { group: 1, inner: 'page_args%3Dabc%26' });
    assert.deepEqual(decodeGroupCursor(g, null), { group: 0, inner: '' });
    assert.throws(() => decodeGroupCursor(groupSymbols(['BTCUSDT']), encodeGroupCursor(g, { group: 0, inner: '' })), /does not belong/);
    assert.throws(() => decodeGroupCursor(g, 'garbage!'), /cursor/);
  });
});
