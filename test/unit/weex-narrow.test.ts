import assert from 'node:assert/strict';
import { ExchangeUnavailableError } from '../../src/errors.js';
import { decodeCursor, encodeCursor } from '../../src/exchanges/weex/cursor.js';
import { firstWindow, narrow, type NarrowResult, type TimedRow, type WindowState } from '../../src/exchanges/weex/narrow.js';

/** A fake fills endpoint over fixed rows: the `limit` rows of [lo, hi] in the given order. */
function server(all: { time: number; id: string }[], limit: number, order: 'desc' | 'asc') {
  const sorted = [...all].sort((a, b) => (order === 'desc' ? b.time - a.time || b.id.localeCompare(a.id) : a.time - b.time || a.id.localeCompare(b.id)));
  return (s: WindowState) => {
    const match = sorted.filter((r) => r.time >= s.lo && r.time <= s.hi);
    return { rows: match.slice(0, limit).map((r): TimedRow<string> => ({ ...r, item: r.id })), more: match.length > limit };
  };
}

function walk(all: { time: number; id: string }[], limit: number, order: 'desc' | 'asc', mode: 'auto' | 'desc' | 'asc') {
  const fetch = server(all, limit, order);
  let state: WindowState | null = firstWindow({ start: 0, end: 1_000 });
  const got: string[] = [];
  let calls = 0;
  let stalls = 0;
  while (state) {
    if (++calls > 1_000) throw new Error('no progress');
    const page = fetch(state);
    const r: NarrowResult<string> = narrow(state, page.rows, page.more, mode);
    got.push(...r.items);
    if (r.stalled) stalls++;
    state = r.next;
  }
  return { got, calls, stalls };
}

/** 250 rows over 60 distinct times: many ties, some straddling page boundaries. */
const ROWS = Array.from({ length: 250 }, (_, i) => ({ time: 100 + Math.floor(i / 4) * 7, id: `t${String(i).padStart(4, '0')}` }));

describe('weex window narrowing', () => {
  for (const order of ['desc', 'asc'] as const) {
    for (const mode of ['auto', order] as const) {
      it(`returns every row once when the server answers ${order} (mode ${mode}), ties at page boundaries included`, () => {
        const { got, stalls } = walk(ROWS, 10, order, mode);
        assert.equal(got.length, ROWS.length);
        assert.deepEqual(new Set(got), new Set(ROWS.map((r) => r.id)));
        assert.equal(stalls, 0);
      });
    }
  }

  it('a wrong forced order would lose rows: the switch matters', () => {
    const { got } = walk(ROWS, 10, 'asc', 'desc');
    assert.ok(got.length < ROWS.length);
  });

  it('moves past a millisecond that fills a whole page and says so (stalled)', () => {
    const rows = [...Array.from({ length: 12 }, (_, i) => ({ time: 500, id: `same${i}` })), { time: 400, id: 'older' }, { time: 600, id: 'newer' }];
    const { got, stalls } = walk(rows, 10, 'desc', 'auto');
    assert.ok(stalls >= 1);
    assert.ok(got.includes('older') && got.includes('newer'));
    assert.equal(new Set(got).size, got.length);
  });

  it('ends on the last page, drops rows outside the window, and refuses "more" with nothing to narrow on', () => {
    const s = firstWindow({ start: 10, end: 20 });
    const r = narrow(s, [{ time: 25, id: 'a', item: 'a' }, { time: 15, id: 'b', item: 'b' }], false, 'auto');
    assert.deepEqual(r, { items: ['b'], next: null, stalled: false });
    assert.throws(() => narrow(s, [], true, 'auto'), ExchangeUnavailableError);
  });

  it('keeps the order it saw in the next state', () => {
    const s = firstWindow({ start: 0, end: 100 });
    const r = narrow(s, [{ time: 50, id: 'a', item: 1 }, { time: 40, id: 'b', item: 2 }], true, 'auto');
    assert.deepEqual(r.next, { lo: 0, hi: 40, skip: ['b'], dir: 'desc' });
  });
});

describe('weex page cursors', () => {
  it('round-trip and stay bound to their query', () => {
    const t = encodeCursor('fills||1|2', { kind: 'window', lo: 1, hi: 2, skip: ['9007199254740993'] });
    assert.deepEqual(decodeCursor('fills||1|2', 'window', t), { kind: 'window', lo: 1, hi: 2, skip: ['9007199254740993'] });
    assert.throws(() => decodeCursor('fills||1|3', 'window', t), /another query/);
    assert.throws(() => decodeCursor('fills||1|2', 'page', t), /not one this adapter issued/);
    assert.throws(() => decodeCursor('x', 'page', 'not-a-token'), /not one this adapter issued/);
    assert.deepEqual(decodeCursor('open|', 'page', encodeCursor('open|', { kind: 'page', page: 3 })), { kind: 'page', page: 3 });
  });
});
