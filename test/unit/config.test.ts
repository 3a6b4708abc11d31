import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';
import { REDACTED, redact } from '../../src/util/redact.js';

const dir = mkdtempSync(join(tmpdir(), 'robosync-config-'));
function file(text: string): string {
  const f = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(f, text);
  return f;
}

function rejects(fn: () => unknown, ...patterns: RegExp[]): ConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
  for (const p of patterns) assert.match(caught.message, p);
  return caught;
}

describe('configuration', () => {
  it('loads the example file with its environment references', () => {
    const example = fileURLToPath(new URL('../../config/robosync.example.yaml', import.meta.url));
    const c = loadConfig({ file: example, env: { BYBIT_KEY_1: 'key-from-env', BYBIT_SECRET_1: 'secret-from-env' } });
    assert.equal(c.accounts[0]!.apiKey, 'key-from-env');
    assert.equal(c.database.kind, 'pglite');
    assert.equal(c.scheduler.hotIntervalMs, 5000);
    assert.equal(c.history.overlapMs, 300_000);
    assert.equal(c.history.initialLookback, 7 * 86_400_000);
    assert.equal(c.robots[0]!.orderLinkPrefix, 'grid-btc-1-');
  });

  it('names the path, what was expected and what was received', () => {
    const e = rejects(() => loadConfig({ file: file('scheduler:\n  hotIntervalMs: fast\n'), env: {} }), /scheduler\.hotIntervalMs: expected an integer >= 100, received "fast"/);
    assert.deepEqual(e.issues.map((i) => i.path), ['scheduler.hotIntervalMs']);
    rejects(() => loadConfig({ file: file('scheduler:\n  hotIntervalMs: 50\n'), env: {} }), /scheduler\.hotIntervalMs: expected an integer >= 100, received 50/);
    rejects(() => loadConfig({ file: file('accounts:\n  - id: a\n    exchange: kraken\n    apiKey: k\n    apiSecret: s\n'), env: {} }), /accounts\[0\]\.exchange: expected "bybit" or "weex", received "kraken"/);
    rejects(() => loadConfig({ file: file('logging:\n  levle: debug\n'), env: {} }), /logging: unknown key "levle"/);
    rejects(() => loadConfig({ file: file('history:\n  initialLookback: soon\n'), env: {} }), /history\.initialLookback: expected a duration/);
  });

  it('checks references between sections', () => {
    rejects(
      () => loadConfig({ file: file('accounts:\n  - {id: a, exchange: bybit, apiKey: k, apiSecret: s}\nrobots:\n  - {id: r, accountId: b, symbols: [BTCUSDT]}\n'), env: {} }),
      /robots\[0\]\.accountId: expected the id of a configured account, received "b"/,
    );
    rejects(() => loadConfig({ file: file('accounts:\n  - {id: w, exchange: weex, apiKey: k, apiSecret: s}\n'), env: {} }), /accounts\[0\]\.passphrase: expected a passphrase/);
    rejects(() => loadConfig({ file: file('scheduler: {hotIntervalMs: 9000, idleIntervalMs: 5000}\n'), env: {} }), /scheduler\.idleIntervalMs: expected a number >= scheduler\.hotIntervalMs/);
  });

  it('fails on an unset environment reference and never requires secrets inline', () => {
    rejects(() => loadConfig({ file: file('accounts:\n  - {id: a, exchange: bybit, apiKey: "${KEY}", apiSecret: "${SECRET}"}\n'), env: {} }), /accounts\[0\]\.apiKey: environment variable KEY is not set/);
    const c = loadConfig({ file: file('server:\n  port: ${PORT:-9999}\n'), env: {} });
    assert.equal(c.server.port, 9999);
  });

  it('takes the database from the S001 environment names', () => {
    const c = loadConfig({ file: null, env: { POSTGRES_HOST: 'db.internal', DB_PORT: '6543', DB_USER: 'u', DB_PASSWORD: 'pw-123456', POSTGRES_DB: 'ledger', DB_SSLMODE: 'require' } });
    assert.deepEqual(c.database, { kind: 'postgresql', url: undefined, host: 'db.internal', port: 6543, user: 'u', password: 'pw-123456', name: 'ledger', sslmode: 'require', poolSize: 10 });
    const u = loadConfig({ file: null, env: { DATABASE_URL: 'postgres://x@y/z' } });
    assert.equal(u.database.kind === 'postgresql' && u.database.url, 'postgres://x@y/z');
    rejects(() => loadConfig({ file: null, env: { DB_HOST: 'h', DB_PORT: 'abc' } }), /database\.port: expected an integer between 1 and 65535, received "abc" \(from DB_PORT\)/);
  });

  it('reports an unreadable or malformed file by name', () => {
    rejects(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} }), /missing\.yaml: cannot be read \(ENOENT\)/);
    rejects(() => loadConfig({ file: file('a: [1, 2\n'), env: {} }), /not valid YAML/);
    rejects(() => loadConfig({ file: file('- 1\n- 2\n'), env: {} }), /expected a mapping at the top level, received a list/);
  });

  it('registers credentials so they are masked anywhere they appear', () => {
    loadConfig({ file: null, config: { accounts: [{ id: 'a', exchange: 'bybit', apiKey: 'AKIAKEYVALUE1', apiSecret: 'S3CR3T-VALUE-XYZ' }] }, env: {} });
    const out = redact({ msg: 'signed text 1700000000000AKIAKEYVALUE1 failed', nested: { deeper: ['S3CR3T-VALUE-XYZ'] } });
    assert.equal(out.msg, `signed text 1700000000000${REDACTED} failed`);
    assert.deepEqual(out.nested.deeper, [REDACTED]);
  });
});
