import { PRIORITIES, type Priority } from '../domain/priority.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { SlidingWindow } from './window.js';

export interface Claim {
  windows: SlidingWindow[];
  weights: number[];
}

interface Waiter extends Claim {
  seq: number;
  enqueuedAt: number;
  resolve: () => void;
  reject: (err: unknown) => void;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/**
 * Grants claims on several budgets at once, atomically (a call spends its account budget and
 * the IP budget in the same instant, so neither can be overrun by calls bunching up between two
 * stages), highest priority first. Within one pass a budget a higher-priority waiter is blocked
 * on is reserved for it: lower priorities cannot slip in and starve it; waiters on other
 * budgets proceed. One timer, armed for the earliest moment a blocked waiter could go.
 */
export class Lane {
  readonly #queues: Waiter[][] = PRIORITIES.map(() => []);
  #timer: TimerHandle | null = null;
  #timerAt = Infinity;
  #seq = 0;
  #size = 0;
  #passQueued = false;

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.#size;
  }

  acquire(claim: Claim, priority: Priority, signal?: AbortSignal): Promise<void> {
    const now = this.clock.now();
    // Fast path: nothing waiting and room everywhere.
    if (this.#size === 0 && claim.windows.every((w, i) => w.waitFor(now, claim.weights[i]!) === 0)) {
      claim.windows.forEach((w, i) => w.take(now, claim.weights[i]!));
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
      const waiter: Waiter = { ...claim, seq: ++this.#seq, enqueuedAt: now, resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const q = this.#queues[PRIORITIES.indexOf(priority)]!;
          const i = q.indexOf(waiter);
          if (i >= 0) {
            q.splice(i, 1);
            this.#size--;
          }
          reject(signal.reason ?? new Error('aborted'));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queues[PRIORITIES.indexOf(priority)]!.push(waiter);
      this.#size++;
      this.#passSoon();
    });
  }

  /** Re-examines the waiters now (after a pause was lifted or shortened). */
  poke(): void {
    if (this.#size) this.#passSoon();
  }

  /** Many claims arriving in one turn of the event loop are examined in one pass. */
  #passSoon(): void {
    if (this.#passQueued) return;
    this.#passQueued = true;
    queueMicrotask(() => {
      this.#passQueued = false;
      this.#pass();
    });
  }

  /** Fails every waiter (engine stopping). */
  close(err: Error): void {
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timer = null;
    for (const q of this.#queues) {
      for (const w of q.splice(0)) {
        if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
        w.reject(err);
      }
    }
    this.#size = 0;
  }

  #pass(): void {
    const now = this.clock.now();
    const reserved = new Set<SlidingWindow>();
    let nextAt = Infinity;
    for (const q of this.#queues) {
      for (let i = 0; i < q.length; ) {
        const w = q[i]!;
        // A budget an earlier (higher or same priority, older) waiter is blocked on is theirs.
        if (w.windows.some((win) => reserved.has(win))) {
          i++;
          continue;
        }
        let wait = 0;
        for (let j = 0; j < w.windows.length; j++) {
          const wj = w.windows[j]!.waitFor(now, w.weights[j]!);
          if (wj > 0) {
            // Reserve only what blocks it: a call waiting on its account budget must not hold
            // the shared IP budget back from other accounts.
            reserved.add(w.windows[j]!);
            wait = Math.max(wait, wj);
          }
        }
        if (wait === 0) {
          w.windows.forEach((win, j) => win.take(now, w.weights[j]!));
          q.splice(i, 1);
          this.#size--;
          if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
          w.resolve();
          continue;
        }
        nextAt = Math.min(nextAt, now + wait);
        i++;
      }
    }
    if (this.#size === 0) {
      if (this.#timer) this.clock.clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = Infinity;
      return;
    }
    if (nextAt === Infinity) nextAt = now + 1;
    if (this.#timer && this.#timerAt <= nextAt) return;
    if (this.#timer) this.clock.clearTimeout(this.#timer);
    this.#timerAt = nextAt;
    this.#timer = this.clock.setTimeout(() => {
      this.#timer = null;
      this.#timerAt = Infinity;
      this.#pass();
    }, Math.max(1, nextAt - now));
  }
}
