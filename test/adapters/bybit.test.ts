import assert from 'node:assert/strict';
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle } from '../../src/simulator/types.js';
import { createBybitAdapter } from '../../src/exchanges/bybit/index.js';
import { IpBannedError } from '../../src/errors.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestGate } from '../helpers/gate.js';
import { CONFORMANCE_ACCOUNTS, runAdapterConformance, type AdapterOptions } from './conformance.js';

function bybitAdapter(sim: SimulatorHandle, o: AdapterOptions) {
  const acct = sim.accounts[o.account]!;
  return createBybitAdapter(
    { id: acct.id, credentials: { apiKey: acct.apiKey, apiSecret: acct.apiSecret, ...o.credentials } },
    { baseUrl: sim.url, wsUrl: sim.wsUrl, timeoutMs: o.timeoutMs ?? 2_000, options: o.options },
    { gate: o.gate, clock: systemClock, logger: silentLogger() },
  );
}

runAdapterConformance('bybit', async () => {
  const sim = await startSimulator({
    exchange: 'bybit',
    seed: 7,
    accounts: CONFORMANCE_ACCOUNTS,
    symbols: ['BTCUSDT', 'ETHUSDT'],
    priceTickMs: 60_000,
    fundingIntervalMs: 3_600_000,
    // The suite's own traffic must not trip the IP ban; the ban is tested below on its own.
    limits: { ipLimit: 100_000 },
    behaviour: { partialFillRate: 0 },
  });
  return {
    sim,
    makeAdapter: (o) => bybitAdapter(sim, o),
    symbolOf: (s) => s,
    pageSize: { openOrders: 50, orderHistory: 50, executions: 100, closedPnl: 100 },
    truthKey: {
      order: (r) => String(r.orderId),
      execution: (r) => String(r.execId),
      executionType: (r) => String(r.execType),
      executionOrderId: (r) => String(r.orderId),
      closedPnl: (r) => String(r.orderId),
    },
    close: () => sim.close(),
  };
});

describe('bybit adapter: exchange-specific', function () {
  this.timeout(10_000);
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startSimulator({ exchange: 'bybit', seed: 11, accounts: 1, symbols: ['BTCUSDT'], limits: { ipLimit: 5, ipWindowMs: 60_000, ipBanMs: 60_000 } });
  });
  after(async () => {
    await sim?.close();
  });

  it('maps the IP limit (HTTP 403) to IpBannedError with a 10-minute ban, and feeds the rate headers back', async () => {
    const gate = new TestGate();
    const adapter = bybitAdapter(sim, { account: 0, gate });
    let banned: unknown = null;
    for (let i = 0; i < 10 && !banned; i++) {
      try {
        await adapter.openOrders({ symbols: ['BTCUSDT'] }, null, { priority: 'idle' });
      } catch (err) {
        banned = err;
      }
    }
    assert.ok(banned instanceof IpBannedError, String(banned));
    assert.ok(banned.resetAt >= Date.now() + 9 * 60_000);
    const fb = gate.feedbacks.find((f) => f.endpoint === '/v5/order/realtime');
    assert.ok(fb && fb.info.limit === 50 && typeof fb.info.remaining === 'number' && typeof fb.info.resetAt === 'number', JSON.stringify(fb));
  });

  it('sends every call through the gate under its endpoint with the caller priority', async () => {
    const gate = new TestGate();
    const adapter = bybitAdapter(sim, { account: 0, gate });
    await adapter.openOrders({ symbols: [] }, null, { priority: 'backfill' }).catch(() => undefined);
    assert.deepEqual([...gate.calls.keys()], ['/v5/order/realtime']);
    assert.deepEqual(gate.priorities, ['backfill']);
  });
});
