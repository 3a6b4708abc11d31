import assert from 'node:assert/strict';
import { Mutex } from '../../src/store/mutex.js';

describe('store mutex (PGlite serialization)', () => {
  it('runs operations one at a time, in call order, and survives a failing one', async () => {
    const m = new Mutex();
    const log: string[] = [];
    let running = 0;
    const op = (name: string, fail = false) =>
      m.run(async () => {
        running++;
        assert.equal(running, 1, 'never two at once');
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, 5));
        log.push(`end ${name}`);
        running--;
        if (fail) throw new Error(`${name} failed`);
        return name;
      });
    const results = await Promise.allSettled([op('a'), op('b', true), op('c')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
