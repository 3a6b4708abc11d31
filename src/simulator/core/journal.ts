import type { JournalEntry } from './records.js';

/**
 * The ground-truth change journal: every change the simulator made, in order, with the
 * simulator time it happened. Tests and the benchmark compare what a client saw against it.
 * Bounded: the oldest entries go first once `max` is exceeded.
 */
export class Journal {
  #entries: JournalEntry[] = [];
  #seq = 0;
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  add(e: Omit<JournalEntry, 'seq'>): void {
    if (this.#max === 0) return;
    this.#entries.push({ seq: ++this.#seq, ...e });
    if (this.#entries.length > this.#max + 1024) this.#entries = this.#entries.slice(-this.#max);
  }

  since(q: { accountId?: string; since?: number }): JournalEntry[] {
    const start = q.since ?? -Infinity;
    const out: JournalEntry[] = [];
    // Entries are appended in time order except back-dated history; scan all, it is a test tool.
    for (const e of this.#entries) {
      if (e.at < start) continue;
      if (q.accountId && e.accountId !== q.accountId) continue;
      out.push(e);
    }
    return out;
  }

  get size(): number {
    return this.#entries.length;
  }
}
