import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { closeLogger, createLogger } from '../../src/util/logger.js';
import { registerSecret } from '../../src/util/redact.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { stream, lines };
}

describe('logging redaction', () => {
  it('removes keys, secrets, passphrases and signatures at any depth without touching the caller objects', async () => {
    registerSecret('value-of-a-registered-secret');
    const { stream, lines } = capture();
    const logger = createLogger({ format: 'json', stream, level: 'debug' });
    const meta = {
      apiKey: 'plain-api-key-1',
      account: {
        api_secret: 'plain-secret-2',
        credentials: { passphrase: 'plain-pass-3' },
        headers: { 'X-BAPI-SIGN': 'abcdef0123456789', 'ACCESS-SIGN': 'b64sig==', Authorization: 'Bearer tok-4' },
        list: [{ signature: 'sig-5' }, { note: 'mentions value-of-a-registered-secret inline' }],
      },
      error: Object.assign(new Error('failed with value-of-a-registered-secret'), { apiSecret: 'plain-secret-6' }),
      harmless: 'symbol BTCUSDT',
    };
    const before = JSON.stringify(meta, (_k, v) => (v instanceof Error ? { m: v.message } : v));
    logger.child({ account: 'main', robot: 'grid-1' }).info('sync', meta);
    logger.warn('plain message with value-of-a-registered-secret');
    await closeLogger(logger);
    const out = lines.join('');
    for (const s of ['plain-api-key-1', 'plain-secret-2', 'plain-pass-3', 'abcdef0123456789', 'b64sig==', 'tok-4', 'sig-5', 'value-of-a-registered-secret', 'plain-secret-6']) {
      assert.ok(!out.includes(s), `${s} leaked: ${out}`);
    }
    assert.ok(out.includes('symbol BTCUSDT'));
    assert.ok(out.includes('"robot":"grid-1"'));
    // the caller's objects are untouched
    assert.equal(JSON.stringify(meta, (_k, v) => (v instanceof Error ? { m: v.message } : v)), before);
    assert.equal(meta.account.credentials.passphrase, 'plain-pass-3');
  });

  it('writes readable lines on a terminal and JSON otherwise', async () => {
    const tty = capture();
    Object.assign(tty.stream, { isTTY: true });
    const l1 = createLogger({ stream: tty.stream });
    l1.info('hello', { n: 1 });
    await closeLogger(l1);
    assert.match(tty.lines.join(''), /^\d\d:\d\d:\d\d\.\d{3} info {2}hello \{"n":1\}/);
    const pipe = capture();
    const l2 = createLogger({ stream: pipe.stream });
    l2.info('hello', { n: 1 });
    await closeLogger(l2);
    const parsed = JSON.parse(pipe.lines.join(''));
    assert.equal(parsed.message, 'hello');
    assert.equal(parsed.n, 1);
  });
});
