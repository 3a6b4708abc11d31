import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import { ConfigError } from '../../src/errors.js';

const load = (config: Record<string, unknown>) => loadConfig({ config, file: null, env: {} });

function rejects(config: Record<string, unknown>, re: RegExp): void {
  assert.throws(() => load(config), (err: unknown) => err instanceof ConfigError && re.test(err.message));
}

describe('price-node configuration', () => {
  it('has S002 defaults: collector off, sync on, lookbacks 1d / 6h / 1d / 7d / 30d, 1 minute retry', () => {
    const c = load({}).pricenode;
    assert.deepEqual(c.collector, { enabled: false, exchange: 'bybit', symbols: [], timeframes: ['1m', '5m', '1h', '1d'], intervalMs: 60_000 });
    assert.equal(c.sync.enabled, true);
    assert.equal(c.sync.retryMinMs, 60_000);
    assert.equal(c.sync.retryMaxMs, 3_600_000);
    assert.equal(c.sync.pageSize, 5000);
    assert.equal(c.sync.maxRowsPerRun, 100_000);
    assert.deepEqual(c.lookbacks, { tickers: 86_400_000, '1m': 21_600_000, '5m': 86_400_000, '1h': 604_800_000, '1d': 2_592_000_000 });
  });

  it('takes durations as strings and numbers from the environment', () => {
    const c = loadConfig({ config: { pricenode: { collector: { enabled: true, symbols: ['BTCUSDT'], intervalMs: '${EVERY}' }, lookbacks: { '1m': '2h' } } }, file: null, env: { EVERY: '15000' } }).pricenode;
    assert.equal(c.collector.intervalMs, 15_000);
    assert.equal(c.lookbacks['1m'], 7_200_000);
  });

  it('names the path, what was expected and what was received', () => {
    rejects({ pricenode: { collector: { timeframes: ['1m', '2m'] } } }, /pricenode\.collector\.timeframes\[1\]: expected one of '1m', '5m', '1h', '1d', received "2m"/);
    rejects({ pricenode: { sync: { pageSize: 20_000 } } }, /pricenode\.sync\.pageSize: expected an integer between 1 and 10000, received 20000/);
    rejects({ pricenode: { sync: { retryMinMs: 'soon' } } }, /pricenode\.sync\.retryMinMs: expected a duration/);
    rejects({ pricenode: { colector: {} } }, /pricenode: unknown key "colector"/);
    rejects({ pricenode: { collector: { enabled: true } } }, /pricenode\.collector\.symbols: expected at least one symbol when pricenode\.collector\.enabled is true, received an empty list/);
    rejects({ pricenode: { sync: { retryMinMs: 5000, retryMaxMs: 1000 } } }, /pricenode\.sync\.retryMaxMs: expected a duration >= pricenode\.sync\.retryMinMs \(5000 ms\), received 1000 ms/);
    rejects({ pricenode: { collector: { exchange: 'weex' } } }, /pricenode\.collector\.exchange: expected "bybit", received "weex"/);
  });

  it('the example file documents the section and loads', () => {
    const example = fileURLToPath(new URL('../../config/robosync.example.yaml', import.meta.url));
    const c = loadConfig({ file: example, env: { BYBIT_KEY_1: 'key-from-env', BYBIT_SECRET_1: 'secret-from-env' } });
    assert.deepEqual(c.pricenode, load({}).pricenode);
  });
});
