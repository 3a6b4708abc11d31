import assert from 'node:assert/strict';
import fc from 'fast-check';
import { splitWindows, walkPages } from '../../src/exchanges/walk.js';
import type { Page } from '../../src/exchanges/adapter.js';

async function collect<T>(gen: AsyncGenerator<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of gen) out.push(...items);
  return out;
}

describe('walkPages', () => {
  const pages: Record<string, Page<number>> = {
    start: { items: [1, 2], next: 'a' },
    a: { items: [3], next: 'b' },
    b: { items: [4, 5], next: null },
  };
  const fetchPage = async (c: string | null) => pages[c ?? 'start']!;

  it('follows cursors until next is null', async () => {
    const seen: Array<string | null> = [];
    const items = await collect(walkPages(fetchPage, { onPage: ({ cursor }) => seen.push(cursor) }));
    assert.deepEqual(items, [1, 2, 3, 4, 5]);
    assert.deepEqual(seen, [null, 'a', 'b']);
  });

  it('stops after maxPages and can resume from a cursor', async () => {
    let last: string | null = null;
    assert.deepEqual(await collect(walkPages(fetchPage, { maxPages: 2, onPage: ({ page }) => (last = page.next) })), [1, 2, 3]);
    assert.equal(last, 'b');
    assert.deepEqual(await collect(walkPages(fetchPage, { start: last })), [4, 5]);
  });

  it('throws on a repeated cursor instead of looping', async () => {
    const loop = async (c: string | null): Promise<Page<number>> => ({ items: [1], next: c === 'x' ? 'y' : 'x' });
    let calls = 0;
    await assert.rejects(
      collect(walkPages(async (c) => (calls++, loop(c)))),
      /repeated a cursor/,
    );
    assert.equal(calls, 3);
  });
});

describe('splitWindows', () => {
  const DAY = 86_400_000;

  it('splits 20 days into 7-day windows, both orders', () => {
    const range = { start: 0, end: 20 * DAY };
    const oldest = splitWindows(range, 7 * DAY, 'oldest-first');
    assert.deepEqual(oldest, [
      { start: 0, end: 7 * DAY },
      { start: 7 * DAY + 1, end: 14 * DAY + 1 },
      { start: 14 * DAY + 2, end: 20 * DAY },
    ]);
    const newest = splitWindows(range, 7 * DAY, 'newest-first');
    assert.equal(newest[0]!.end, 20 * DAY);
    assert.equal(newest.at(-1)!.start, 0);
  });

  it('returns the range itself when unbounded, nothing when empty', () => {
    assert.deepEqual(splitWindows({ start: 5, end: 9 }, null, 'oldest-first'), [{ start: 5, end: 9 }]);
    assert.deepEqual(splitWindows({ start: 9, end: 5 }, 3, 'oldest-first'), []);
    assert.throws(() => splitWindows({ start: 0, end: 5 }, 0, 'oldest-first'), /maxWindowMs/);
  });

  it('covers every ms exactly once with windows no longer than the maximum (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 3_000 }),
        fc.constantFrom('newest-first' as const, 'oldest-first' as const),
        (start, len, max, order) => {
          const ws = splitWindows({ start, end: start + len }, max, order);
          const sorted = order === 'newest-first' ? [...ws].reverse() : ws;
          assert.equal(sorted[0]!.start, start);
          assert.equal(sorted.at(-1)!.end, start + len);
          for (let i = 0; i < sorted.length; i++) {
            assert.ok(sorted[i]!.end - sorted[i]!.start <= max);
            assert.ok(sorted[i]!.start <= sorted[i]!.end);
            if (i > 0) assert.equal(sorted[i]!.start, sorted[i - 1]!.end + 1);
          }
        },
      ),
    );
  });
});
