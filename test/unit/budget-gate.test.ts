import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { BudgetRegistry } from '../../src/limits/gate.js';
import type { BudgetSpec } from '../../src/exchanges/adapter.js';
import { ConfigError, IpBannedError, RateLimitedError } from '../../src/errors.js';
import type { Priority } from '../../src/domain/priority.js';

const SPEC: BudgetSpec = {
  buckets: {
    ip: { scope: 'ip', limit: 600, windowMs: 5000 },
    'uid:realtime': { scope: 'account', limit: 50, windowMs: 1000 },
    'uid:execution': { scope: 'account', limit: 50, windowMs: 1000 },
  },
  endpoints: {
    '/v5/order/realtime': { ip: 1, 'uid:realtime': 1 },
    '/v5/execution/list': { ip: 1, 'uid:execution': 1 },
  },
};

function maxInSlidingWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('BudgetRegistry (sliding-window budgets per account, endpoint and IP)', () => {
  let clock: FakeTimers.InstalledClock;
  beforeEach(() => {
    clock = FakeTimers.install({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  it('over a simulated minute, no sliding second exceeds an account budget and no 5 s exceeds the IP budget', async () => {
    const reg = new BudgetRegistry({});
    const times: Record<string, number[]> = {};
    const ipTimes: number[] = [];
    const calls: Promise<unknown>[] = [];
    // 20 accounts hammering two endpoints: the per-account budget and the shared IP budget both bind.
    for (let a = 0; a < 20; a++) {
      const gate = reg.gate('bybit', `acct${a}`, 'default', SPEC);
      for (const endpoint of ['/v5/order/realtime', '/v5/execution/list']) {
        const key = `${a}:${endpoint}`;
        times[key] = [];
        for (let i = 0; i < 150; i++) {
          calls.push(
            gate.schedule({ endpoint, priority: 'idle' }, async () => {
              times[key]!.push(Date.now());
              ipTimes.push(Date.now());
            }),
          );
        }
      }
    }
    await clock.tickAsync(60_000);
    await Promise.all(calls);
    for (const [key, ts] of Object.entries(times)) {
      assert.ok(maxInSlidingWindow(ts, 1000) <= 50, `${key}: ${maxInSlidingWindow(ts, 1000)} calls in one second`);
    }
    assert.equal(ipTimes.length, 6000);
    assert.ok(maxInSlidingWindow(ipTimes, 5000) <= 600, `IP: ${maxInSlidingWindow(ipTimes, 5000)} in 5 s`);
    await reg.stop();
  });

  it('serves higher priorities first when the budget is saturated', async () => {
    const reg = new BudgetRegistry({});
    const gate = reg.gate('bybit', 'a', 'default', SPEC);
    const order: Priority[] = [];
    const calls: Promise<unknown>[] = [];
    // saturate with idle work, then add one job of each higher priority
    for (let i = 0; i < 100; i++) calls.push(gate.schedule({ endpoint: '/v5/order/realtime', priority: 'idle' }, async () => void order.push('idle')));
    await clock.tickAsync(30);
    for (const p of ['backfill', 'hot', 'manual', 'reconnect', 'event'] as Priority[]) {
      calls.push(gate.schedule({ endpoint: '/v5/order/realtime', priority: p }, async () => void order.push(p)));
    }
    await clock.tickAsync(10_000);
    await Promise.all(calls);
    const firstNonIdle = order.findIndex((p) => p !== 'idle');
    assert.deepEqual(order.slice(firstNonIdle, firstNonIdle + 4), ['event', 'reconnect', 'manual', 'hot']);
    assert.equal(order[order.length - 1], 'backfill');
    await reg.stop();
  });

  it('pauses an endpoint on a rate-limit answer until its reset and retries the call', async () => {
    const outcomes: string[] = [];
    const reg = new BudgetRegistry({ observer: { call: (e) => outcomes.push(e.outcome) } });
    const gate = reg.gate('bybit', 'a', 'default', SPEC);
    let attempts = 0;
    const at: number[] = [];
    const p = gate.schedule({ endpoint: '/v5/order/realtime', priority: 'hot' }, async () => {
      attempts++;
      at.push(Date.now());
      if (attempts === 1) throw new RateLimitedError('Too many visits!', Date.now() + 800);
      return 'ok';
    });
    await clock.tickAsync(2000);
    assert.equal(await p, 'ok');
    assert.equal(attempts, 2);
    assert.ok(at[1]! - at[0]! >= 800);
    assert.deepEqual(outcomes, ['rate_limited', 'ok']);
    await reg.stop();
  });

  it('stops the whole IP on a ban: other accounts fail fast until it lifts', async () => {
    const exhausted: string[] = [];
    const reg = new BudgetRegistry({ observer: { exhausted: (e) => exhausted.push(e.scope) } });
    const a = reg.gate('bybit', 'a', 'default', SPEC);
    const b = reg.gate('bybit', 'b', 'default', SPEC);
    const other = reg.gate('bybit', 'c', 'second-ip', SPEC);
    const banned = a.schedule({ endpoint: '/v5/order/realtime', priority: 'hot' }, async () => {
      throw new IpBannedError('access too frequent', Date.now() + 600_000);
    });
    await assert.rejects(banned, IpBannedError);
    await assert.rejects(b.schedule({ endpoint: '/v5/execution/list', priority: 'event' }, async () => 1), IpBannedError);
    // another egress IP is unaffected
    const ok = other.schedule({ endpoint: '/v5/execution/list', priority: 'event' }, async () => 1);
    await clock.tickAsync(10);
    assert.equal(await ok, 1);
    assert.deepEqual(exhausted, ['ip']);
    await clock.tickAsync(600_001);
    const after = b.schedule({ endpoint: '/v5/execution/list', priority: 'event' }, async () => 2);
    await clock.tickAsync(10);
    assert.equal(await after, 2);
    await reg.stop();
  });

  it('honours remaining-budget headers: an exhausted window pauses the endpoint until its reset', async () => {
    const reg = new BudgetRegistry({});
    const gate = reg.gate('bybit', 'a', 'default', SPEC);
    const reset = Date.now() + 700;
    gate.feedback('/v5/order/realtime', { limit: 50, remaining: 0, resetAt: reset });
    let ranAt = 0;
    const p = gate.schedule({ endpoint: '/v5/order/realtime', priority: 'event' }, async () => void (ranAt = Date.now()));
    await clock.tickAsync(1000);
    await p;
    assert.ok(ranAt >= reset, `ran ${reset - ranAt} ms before the reset`);
    await reg.stop();
  });

  it('rejects weights a bucket could never hold and budgets for unknown endpoints', () => {
    const reg = new BudgetRegistry({});
    const weighted: BudgetSpec = {
      buckets: { uid: { scope: 'account', limit: 50, windowMs: 10_000 } },
      endpoints: { '/heavy': { uid: 60 } },
    };
    assert.throws(() => reg.gate('weex', 'a', 'default', weighted), (e: unknown) => e instanceof ConfigError && /expected a weight between 1 and 50, received 60/.test(e.message));
    const gate = reg.gate('bybit', 'a', 'default', SPEC);
    return assert.rejects(gate.schedule({ endpoint: '/v5/unknown', priority: 'hot' }, async () => 1), ConfigError);
  });

  it('keeps a weighted budget within its limit over any sliding window', async () => {
    const reg = new BudgetRegistry({});
    const spec: BudgetSpec = {
      buckets: { uid: { scope: 'account', limit: 500, windowMs: 10_000 }, ip: { scope: 'ip', limit: 500, windowMs: 10_000 } },
      endpoints: { '/fills': { uid: 5, ip: 5 }, '/positions': { uid: 15, ip: 10 } },
    };
    const gate = reg.gate('weex', 'a', 'default', spec);
    const spent: { t: number; w: number }[] = [];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const endpoint = i % 3 === 0 ? '/positions' : '/fills';
      calls.push(gate.schedule({ endpoint, priority: 'idle' }, async () => void spent.push({ t: Date.now(), w: endpoint === '/positions' ? 15 : 5 })));
    }
    await clock.tickAsync(120_000);
    await Promise.all(calls);
    const sorted = spent.sort((a, b) => a.t - b.t);
    let lo = 0;
    let sum = 0;
    let max = 0;
    for (let hi = 0; hi < sorted.length; hi++) {
      sum += sorted[hi]!.w;
      while (sorted[hi]!.t - sorted[lo]!.t >= 10_000) sum -= sorted[lo++]!.w;
      max = Math.max(max, sum);
    }
    assert.ok(max <= 500, `weight ${max} in one sliding window`);
    await reg.stop();
  });
});
