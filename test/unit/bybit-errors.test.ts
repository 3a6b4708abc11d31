import assert from 'node:assert/strict';
import { checkAnswer, IP_BAN_MS, limitHeaders } from '../../src/exchanges/bybit/errors.js';
import { AuthError, ExchangeRejectedError, ExchangeUnavailableError, IpBannedError, RateLimitedError } from '../../src/errors.js';
import { registerSecret } from '../../src/util/redact.js';

const now = 1_717_000_000_000;
const env = (retCode: number, retMsg = '') => ({ retCode, retMsg, result: {}, retExtInfo: {}, time: now });
const answer = (body: unknown, status = 200, headers: Record<string, string> = {}) => ({ status, headers, body });

describe('bybit error mapping', () => {
  it('returns the envelope on retCode 0', () => {
    assert.deepEqual(checkAnswer('GET /x', answer({ ...env(0, 'OK'), result: { list: [] } }), now).result, { list: [] });
  });

  it('maps every auth code to AuthError, never copying retMsg (10004 echoes the signed text with the key)', () => {
    const key = 'leaky-api-key-0001';
    for (const code of [10003, 10004, 10005, 10007, 10010, 33004]) {
      const msg = `error sign! origin_string[1717000000000${key}5000category=linear]`;
      assert.throws(() => checkAnswer('GET /x', answer(env(code, msg)), now), (e: unknown) => {
        assert.ok(e instanceof AuthError, `retCode ${code}`);
        assert.equal(e.code, code);
        assert.ok(!e.message.includes(key));
        assert.ok(!e.message.includes('origin_string'));
        return true;
      });
    }
  });

  it('masks registered secrets and origin strings in any other retMsg copied into a message', () => {
    registerSecret('another-secret-value-42');
    assert.throws(() => checkAnswer('GET /x', answer(env(10001, 'bad another-secret-value-42 origin_string[abc]')), now), (e: unknown) => {
      assert.ok(e instanceof ExchangeRejectedError);
      assert.ok(!e.message.includes('another-secret-value-42'));
      assert.ok(!e.message.includes('abc'));
      return true;
    });
  });

  it('maps 10006 to RateLimitedError with resetAt from X-Bapi-Limit-Reset-Timestamp', () => {
    const headers = { 'x-bapi-limit': '50', 'x-bapi-limit-status': '0', 'x-bapi-limit-reset-timestamp': String(now + 950) };
    assert.throws(() => checkAnswer('GET /x', answer(env(10006, 'Too many visits!'), 200, headers), now), (e: unknown) => {
      assert.ok(e instanceof RateLimitedError && !(e instanceof IpBannedError));
      assert.equal(e.resetAt, now + 950);
      assert.equal(e.scope, 'account');
      return true;
    });
    assert.throws(() => checkAnswer('GET /x', answer(env(10006)), now), (e: unknown) => e instanceof RateLimitedError && e.resetAt === now + 1000);
  });

  it('maps HTTP 403 (even with an HTML body) to a 10-minute IpBannedError', () => {
    assert.throws(() => checkAnswer('GET /x', answer(null, 403), now), (e: unknown) => e instanceof IpBannedError && e.resetAt === now + IP_BAN_MS && e.scope === 'ip');
  });

  it('maps HTTP 429, 10000, 10016 and non-envelope bodies to ExchangeUnavailableError', () => {
    assert.throws(() => checkAnswer('GET /x', answer(null, 429), now), ExchangeUnavailableError);
    assert.throws(() => checkAnswer('GET /x', answer(env(10000)), now), ExchangeUnavailableError);
    assert.throws(() => checkAnswer('GET /x', answer(env(10016)), now), ExchangeUnavailableError);
    assert.throws(() => checkAnswer('GET /x', answer({ hello: 1 }), now), ExchangeUnavailableError);
    assert.throws(() => checkAnswer('GET /x', answer('OK'), now), ExchangeUnavailableError);
  });

  it('maps 401 to AuthError and other 4xx / business codes to ExchangeRejectedError', () => {
    assert.throws(() => checkAnswer('GET /x', answer(null, 401), now), AuthError);
    assert.throws(() => checkAnswer('GET /x', answer(null, 404), now), (e: unknown) => e instanceof ExchangeRejectedError && e.code === 404);
    assert.throws(() => checkAnswer('GET /x', answer(env(10001, 'params error')), now), (e: unknown) => e instanceof ExchangeRejectedError && e.code === 10001 && /params error/.test(e.message));
    assert.throws(() => checkAnswer('POST /y', answer(env(110001, 'order not exists')), now), (e: unknown) => e instanceof ExchangeRejectedError && e.code === 110001);
  });

  it('explains 10002 as clock skew with the measured offset', () => {
    const msg = 'invalid request, please check your server timestamp or recv_window param. req_timestamp[1696396708819],server_timestamp[1696396707813],recv_window[15000]';
    assert.throws(() => checkAnswer('GET /x', answer(env(10002, msg)), now), (e: unknown) => {
      assert.ok(e instanceof ExchangeRejectedError);
      assert.equal(e.code, 10002);
      assert.match(e.message, /clock/);
      assert.match(e.message, /ahead of the server by 1006 ms/);
      return true;
    });
  });

  it('reads the rate headers for the gate', () => {
    assert.deepEqual(limitHeaders({ 'x-bapi-limit': '50', 'x-bapi-limit-status': '49', 'x-bapi-limit-reset-timestamp': '1717000000950' }), {
      limit: 50,
      remaining: 49,
      resetAt: 1717000000950,
    });
    assert.deepEqual(limitHeaders({}), {});
  });
});
