import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeysetError, decodeKeyset, encodeKeyset, type KeysetKey } from '../../src/pricenode/keyset.js';

describe('keyset token', () => {
  it('round-trips the full key, as URL-safe text', () => {
    fc.assert(
      fc.property(fc.constantFrom('tickers', 'klines'), fc.stringMatching(/^[A-Z0-9]{1,20}$/), fc.constantFrom('1m', '5m', '1h', '1d'), fc.nat({ max: Number.MAX_SAFE_INTEGER }), (kind, symbol, tf, time) => {
        const key: KeysetKey = kind === 'klines' ? { kind, exchange: 'bybit', symbol, timeframe: tf, time } : { kind, exchange: 'bybit', symbol, time };
        const token = encodeKeyset(key);
        assert.match(token, /^[A-Za-z0-9_-]+$/);
        assert.deepEqual(decodeKeyset(token, key), key);
      }),
    );
  });

  it('refuses a token of another query, version or shape, saying why', () => {
    const t = encodeKeyset({ kind: 'klines', exchange: 'bybit', symbol: 'BTCUSDT', timeframe: '1m', time: 5 });
    const k = { kind: 'klines' as const, exchange: 'bybit', symbol: 'BTCUSDT', timeframe: '1m' };
    const cases: [string, Omit<KeysetKey, 'time'>, RegExp][] = [
      [t, { ...k, symbol: 'ETHUSDT' }, /a token for bybit\/BTCUSDT, not bybit\/ETHUSDT/],
      [t, { ...k, timeframe: '5m' }, /a token for timeframe 1m, not 5m/],
      [t, { kind: 'tickers', exchange: 'bybit', symbol: 'BTCUSDT' }, /a token from the klines export, not the tickers export/],
      ['not a token!', k, /not a token this server issued/],
      [Buffer.from('{"v":2,"k":"k","e":"bybit","s":"BTCUSDT","f":"1m","t":5}').toString('base64url'), k, /unknown version/],
      [Buffer.from('{"v":1,"k":"k","e":"bybit","s":"BTCUSDT","f":"1m","t":"5"}').toString('base64url'), k, /not a token this server issued/],
      [Buffer.from('[1,2]').toString('base64url'), k, /not a token/],
      ['A'.repeat(600), k, /not a token/],
    ];
    for (const [token, expected, re] of cases) assert.throws(() => decodeKeyset(token, expected), (e: unknown) => e instanceof KeysetError && re.test(e.message), token.slice(0, 30));
  });
});
