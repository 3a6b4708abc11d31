import assert from 'node:assert/strict';
import FakeTimers from '@sinonjs/fake-timers';
import { Ticker, type TickTier } from '../../src/scheduler/ticker.js';
import { systemClock } from '../../src/util/clock.js';

describe('Ticker (hot/idle intervals with jitter)', () => {
  let clock: FakeTimers.InstalledClock;
  beforeEach(() => {
    clock = FakeTimers.install({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => clock.uninstall());

  function make(onDue: (key: string, tier: TickTier) => void, jitter = 0.1, random = Math.random) {
    return new Ticker({ clock: systemClock, hotIntervalMs: 5000, idleIntervalMs: 30000, jitter, onDue, random });
  }

  it('spreads the first ticks of 1,000 keys over the interval instead of one millisecond', () => {
    const fired: number[] = [];
    const t = make(() => fired.push(Date.now()));
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) t.track(`k${i}`, 'idle');
    clock.tick(30000);
    assert.equal(fired.length, 1000);
    const perSecond = new Map<number, number>();
    for (const at of fired) perSecond.set(Math.floor((at - t0) / 1000), (perSecond.get(Math.floor((at - t0) / 1000)) ?? 0) + 1);
    // uniform over 30 s: about 33 per second; none near all-at-once
    assert.ok(Math.max(...perSecond.values()) < 80, `max per second ${Math.max(...perSecond.values())}`);
    const sameMs = new Map<number, number>();
    for (const at of fired) sameMs.set(at, (sameMs.get(at) ?? 0) + 1);
    assert.ok(Math.max(...sameMs.values()) < 10);
    t.stop();
  });

  it('re-arms each key within [interval × (1 − jitter), interval] after its job started', () => {
    const due: number[] = [];
    let startedAt = 0;
    const t = make(() => {
      due.push(Date.now());
      startedAt = Date.now();
      clock.tick(40); // the sync takes 40 ms
      t.done('a', { ok: true, startedAt });
    });
    t.track('a', 'hot');
    clock.tick(5000 * 50);
    assert.ok(due.length >= 50);
    for (let i = 1; i < due.length; i++) {
      const gap = due[i]! - due[i - 1]!;
      assert.ok(gap >= 4500 - 1 && gap <= 5000 + 1, `gap ${gap}`);
    }
    t.stop();
  });

  it('moves a key from idle to hot at once and back to idle on the next completion', () => {
    const fired: { at: number; tier: TickTier }[] = [];
    const t = make((key, tier) => {
      fired.push({ at: Date.now(), tier });
      t.done(key, { ok: true, startedAt: Date.now() });
    }, 0, () => 0);
    t.track('a', 'idle');
    clock.tick(0); // random() = 0: the first idle tick is due at once
    assert.equal(fired.length, 1);
    const last = fired[0]!.at;
    clock.tick(1000); // 1 s after it, the robot turns hot
    t.track('a', 'hot');
    clock.tick(5000);
    assert.equal(fired[1]!.tier, 'hot');
    assert.equal(fired[1]!.at - last, 5000); // one hot interval after the last sync started, not 30 s
    t.track('a', 'idle');
    // the tick already armed keeps its time; the slower interval applies from its completion on
    clock.tick(5000 + 30000);
    assert.equal(fired[2]!.at - fired[1]!.at, 5000);
    assert.equal(fired[3]!.tier, 'idle');
    assert.equal(fired[3]!.at - fired[2]!.at, 30000);
    t.stop();
  });

  it('retries a failed key after the backoff it is given and holds ticks while busy', () => {
    const fired: number[] = [];
    const t = make(() => fired.push(Date.now()), 0);
    t.track('a', 'hot');
    clock.tick(5000);
    assert.equal(fired.length, 1);
    clock.tick(60000); // busy: nothing fires until done()
    assert.equal(fired.length, 1);
    const at = Date.now();
    t.done('a', { ok: false, startedAt: at, retryInMs: 1234 });
    clock.tick(1234);
    assert.equal(fired.length, 2);
    assert.equal(fired[1]! - at, 1234);
    t.stop();
  });

  it('untrack() and stop() cancel pending ticks', () => {
    let n = 0;
    const t = make(() => n++);
    t.track('a', 'hot');
    t.track('b', 'hot');
    t.untrack('a');
    clock.tick(5000);
    assert.equal(n, 1);
    t.stop();
    t.track('c', 'hot');
    clock.tick(60000);
    assert.equal(n, 1);
  });
});
