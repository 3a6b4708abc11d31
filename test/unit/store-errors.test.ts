import assert from 'node:assert/strict';
import { StoreUnavailableError } from '../../src/errors.js';
import { mapStoreError, retryRule, RETRYABLE_PG_CODES, StoreInputError } from '../../src/store/errors.js';
import { registerSecret } from '../../src/util/redact.js';

const pgError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('store error mapping', () => {
  it('treats lost connections and server shutdowns as unavailable', () => {
    for (const e of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('08006'),
      pgError('53300', 'sorry, too many clients already'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('Connection terminated unexpectedly'),
      new Error('Knex: Timeout acquiring a connection. The pool is probably full.'),
      new AggregateError([pgError('ECONNREFUSED')], ''),
      Object.assign(new Error('wrapped'), { cause: pgError('57P03') }),
    ]) {
      assert.equal(retryRule(e)?.kind, 'connection', String(e));
      const mapped = mapStoreError(e, 'applySync');
      assert.ok(mapped instanceof StoreUnavailableError, String(e));
      assert.match((mapped as Error).message, /^store\.applySync: database unavailable/);
      assert.equal((mapped as Error).cause, e);
    }
  });

  it('retries conflicts in-store and leaves bugs and bad data alone', () => {
    assert.equal(retryRule(pgError('40P01'))?.kind, 'conflict');
    assert.equal(retryRule(pgError('40001'))?.kind, 'conflict');
    for (const e of [pgError('23505', 'duplicate key'), pgError('22P02', 'invalid input syntax for type numeric'), pgError('42601'), new TypeError('x is undefined')]) {
      assert.equal(retryRule(e), null, String(e));
      assert.equal(mapStoreError(e, 'x'), e);
    }
    const input = new StoreInputError('qty: expected a decimal string', 'qty');
    assert.equal(mapStoreError(input, 'x'), input);
  });

  it('lists every retryable code with sane delays', () => {
    for (const [code, rule] of Object.entries(RETRYABLE_PG_CODES)) {
      assert.match(code, /^[0-9A-Z]{5}$/);
      assert.ok(rule.minMs > 0 && rule.maxMs >= rule.minMs, code);
    }
  });

  it('keeps a registered password out of the message', () => {
    registerSecret('db-secret-password-7');
    const mapped = mapStoreError(pgError('08001', 'password authentication failed: db-secret-password-7'), 'open') as Error;
    assert.ok(!mapped.message.includes('db-secret-password-7'));
  });
});
