import assert from 'node:assert/strict';
import { WorkQueue, type Job } from '../../src/scheduler/work-queue.js';
import { systemClock } from '../../src/util/clock.js';
import { EngineStoppedError } from '../../src/errors.js';

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('WorkQueue (single-flight per key, priorities)', () => {
  it('turns 1,000 requests for one key in 10 ms into at most 2 runs', async () => {
    const runs: Job[] = [];
    const gate = deferred();
    const q = new WorkQueue<number>({
      concurrency: 4,
      clock: systemClock,
      run: async (job) => {
        runs.push(job);
        if (runs.length === 1) await gate.promise;
        return runs.length;
      },
    });
    const results: Promise<number>[] = [];
    for (let i = 0; i < 1000; i++) results.push(q.request('account:a', { reason: `event${i % 3}`, priority: 'event', emittedAt: i }));
    await new Promise((r) => setTimeout(r, 10));
    gate.resolve();
    const values = await Promise.all(results);
    assert.equal(runs.length, 2);
    // The first request ran alone; every later one was covered by the second run, which merged their reasons.
    assert.equal(values[0], 1);
    assert.ok(values.slice(1).every((v) => v === 2));
    assert.deepEqual([...runs[1]!.reasons].sort(), ['event0', 'event1', 'event2']);
    assert.equal(runs[1]!.emittedAts.length, 999);
  });

  it('keeps at most one running and one pending job per key', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue<void>({
      concurrency: 8,
      clock: systemClock,
      run: async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
      },
    });
    const all: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      all.push(q.request('k', { reason: 'tick', priority: 'hot' }));
      const s = q.state('k');
      assert.ok(!(s.queued && s.running) || q.depth().byPriority.hot <= 1);
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
    assert.equal(maxRunning, 1);
  });

  it('runs higher priorities first and raises a pending job to the highest priority merged into it', async () => {
    const order: string[] = [];
    const hold = deferred();
    const q = new WorkQueue<void>({
      concurrency: 1,
      clock: systemClock,
      run: async (job) => {
        if (job.key === 'blocker') await hold.promise;
        else order.push(`${job.key}:${job.priority}`);
      },
    });
    const p0 = q.request('blocker', { reason: 'x', priority: 'event' });
    await new Promise((r) => setImmediate(r));
    const ps = [
      q.request('backfill', { reason: 'b', priority: 'backfill' }),
      q.request('idle', { reason: 'i', priority: 'idle' }),
      q.request('hot', { reason: 'h', priority: 'hot' }),
      q.request('manual', { reason: 'm', priority: 'manual' }),
      q.request('reconnect', { reason: 'r', priority: 'reconnect' }),
      // the idle job gets an event merged into it: it must now run first
      q.request('idle', { reason: 'e', priority: 'event' }),
    ];
    hold.resolve();
    await Promise.all([p0, ...ps]);
    assert.deepEqual(order, ['idle:event', 'reconnect:reconnect', 'manual:manual', 'hot:hot', 'backfill:backfill']);
  });

  it('drain() finishes the running job, starts none and rejects waiting requests', async () => {
    const hold = deferred();
    let ran = 0;
    const q = new WorkQueue<void>({
      concurrency: 1,
      clock: systemClock,
      run: async () => {
        ran++;
        await hold.promise;
      },
    });
    const first = q.request('a', { reason: 'x', priority: 'hot' });
    const second = q.request('a', { reason: 'y', priority: 'hot' });
    const other = q.request('b', { reason: 'z', priority: 'hot' });
    await new Promise((r) => setImmediate(r));
    const drained = q.drain();
    hold.resolve();
    await drained;
    await first;
    await assert.rejects(second, EngineStoppedError);
    await assert.rejects(other, EngineStoppedError);
    assert.equal(ran, 1);
    await assert.rejects(q.request('c', { reason: 'late', priority: 'event' }), EngineStoppedError);
  });

  it('passes a failing run to every waiter and keeps serving the key', async () => {
    let n = 0;
    const q = new WorkQueue<number>({
      concurrency: 1,
      clock: systemClock,
      run: async () => {
        n++;
        if (n === 1) throw new Error('boom');
        return n;
      },
    });
    await assert.rejects(q.request('a', { reason: 'x', priority: 'hot' }), /boom/);
    assert.equal(await q.request('a', { reason: 'x', priority: 'hot' }), 2);
  });
});
