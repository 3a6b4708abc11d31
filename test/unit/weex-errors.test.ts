import assert from 'node:assert/strict';
import { AuthError, ExchangeRejectedError, ExchangeUnavailableError, RateLimitedError } from '../../src/errors.js';
import { checkWeexAnswer, type CheckContext } from '../../src/exchanges/weex/errors.js';
import type { TextResponse as RawResponse } from '../../src/exchanges/http.js';
import { registerSecret } from '../../src/util/redact.js';

const NOW = 1_700_000_000_000;
const ctx = (o: Partial<CheckContext> = {}): CheckContext => ({ where: 'GET /capi/v2/order/fills', sentAt: NOW, now: NOW, wrapped: 'auto', rateLimitBackoffMs: 10_000, ...o });
const answer = (status: number, body: unknown): RawResponse => ({ status, headers: {}, text: typeof body === 'string' ? body : JSON.stringify(body) });
const err = (code: string, msg = 'x', requestTime = NOW) => ({ code, msg, requestTime, data: null });

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('did not throw');
}

describe('weex answers -> payload or named errors', () => {
  it('returns bare payloads as they are, ids kept exact', () => {
    assert.deepEqual(checkWeexAnswer(answer(200, '{"list":[{"tradeId":9007199254740993}],"nextFlag":false,"totals":1}'), ctx()), { list: [{ tradeId: '9007199254740993' }], nextFlag: false, totals: 1 });
    assert.deepEqual(checkWeexAnswer(answer(200, []), ctx()), []);
  });

  it("unwraps {code:'00000',data} in 'auto' and 'always', not in 'never'; 'always' refuses a bare body", () => {
    const wrapped = { code: '00000', msg: 'success', requestTime: NOW, data: [{ order_id: '1' }] };
    assert.deepEqual(checkWeexAnswer(answer(200, wrapped), ctx()), [{ order_id: '1' }]);
    assert.deepEqual(checkWeexAnswer(answer(200, wrapped), ctx({ wrapped: 'always' })), [{ order_id: '1' }]);
    assert.deepEqual(checkWeexAnswer(answer(200, wrapped), ctx({ wrapped: 'never' })), wrapped);
    assert.ok(thrown(() => checkWeexAnswer(answer(200, []), ctx({ wrapped: 'always' }))) instanceof ExchangeUnavailableError);
  });

  it('maps credential codes to AuthError with a fixed text, never the exchange msg', () => {
    registerSecret('weex_leaky_key_123');
    for (const code of ['40001', '40002', '40003', '40005', '40006', '40009', '40011', '40012', '40014', '40018']) {
      const e = thrown(() => checkWeexAnswer(answer(400, err(code, 'signed text was 1700GETweex_leaky_key_123')), ctx()));
      assert.ok(e instanceof AuthError, `${code}: ${e.name}`);
      assert.equal(e.code, code);
      assert.ok(!e.message.includes('weex_leaky_key_123') && !e.message.includes('signed text'), e.message);
    }
    // Credential codes on HTTP 200 are errors too.
    assert.ok(thrown(() => checkWeexAnswer(answer(200, err('40009')), ctx())) instanceof AuthError);
  });

  it('40008 says the clock is skewed, by how much when the answer carries the server time', () => {
    const e = thrown(() => checkWeexAnswer(answer(400, err('40008', 'Request timestamp has expired', NOW - 60_000)), ctx()));
    assert.ok(e instanceof ExchangeRejectedError && !(e instanceof ExchangeUnavailableError));
    assert.match(e.message, /clock/);
    assert.match(e.message, /ahead of the server by about 60000 ms/);
    const bare = thrown(() => checkWeexAnswer(answer(400, { code: '40008', msg: 'expired' }), ctx()));
    assert.match(bare.message, /sync the system clock/);
  });

  it('HTTP 429 (JSON or not) is RateLimitedError, reset 10 s out unless configured', () => {
    const a = thrown(() => checkWeexAnswer(answer(429, err('429', 'Requesting too frequently')), ctx()));
    assert.ok(a instanceof RateLimitedError);
    assert.equal(a.resetAt, NOW + 10_000);
    assert.equal(a.scope, 'account');
    const b = thrown(() => checkWeexAnswer(answer(429, 'Too Many Requests'), ctx({ rateLimitBackoffMs: 3_000 })));
    assert.ok(b instanceof RateLimitedError);
    assert.equal(b.resetAt, NOW + 3_000);
  });

  it('system error 40015 and bodies that are not JSON (any status) are ExchangeUnavailableError', () => {
    assert.ok(thrown(() => checkWeexAnswer(answer(400, err('40015', 'System error')), ctx())) instanceof ExchangeUnavailableError);
    for (const status of [200, 400, 403, 404]) {
      const e = thrown(() => checkWeexAnswer(answer(status, '{"list":[{"tradeId":12'), ctx()));
      assert.ok(e instanceof ExchangeUnavailableError, `${status}: ${e.name}`);
    }
  });

  it('other codes are ExchangeRejectedError carrying the code and a capped, redacted msg', () => {
    registerSecret('secret-in-msg-999');
    const e = thrown(() => checkWeexAnswer(answer(400, err('40768', `Order does not exist secret-in-msg-999 ${'y'.repeat(400)}`)), ctx()));
    assert.ok(e instanceof ExchangeRejectedError);
    assert.equal(e.code, '40768');
    assert.ok(!e.message.includes('secret-in-msg-999'));
    assert.ok(e.message.length < 300);
    const httpOnly = thrown(() => checkWeexAnswer(answer(404, { error: 'nope' }), ctx()));
    assert.ok(httpOnly instanceof ExchangeRejectedError && httpOnly.code === 404);
    assert.ok(thrown(() => checkWeexAnswer(answer(401, { error: 'nope' }), ctx())) instanceof AuthError);
  });
});
