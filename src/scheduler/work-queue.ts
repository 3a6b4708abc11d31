import PQueue from 'p-queue';
import { type Priority, PRIORITIES, higherPriority, queuePriority } from '../domain/priority.js';
import { EngineStoppedError } from '../errors.js';
import type { Clock } from '../util/clock.js';

export interface JobRequest {
  reason: string;
  priority: Priority;
  /** when the triggering robot event was emitted (for event lag) */
  emittedAt?: number;
}

export interface Job {
  readonly id: string;
  readonly key: string;
  readonly reasons: Set<string>;
  priority: Priority;
  readonly enqueuedAt: number;
  readonly emittedAts: number[];
  startedAt: number | null;
  state: 'deferred' | 'queued' | 'running';
}

interface Waiter<R> {
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

interface Slot<R> {
  running: Job | null;
  /** the one pending job: queued in p-queue, or deferred until the running one finishes */
  pending: { job: Job; waiters: Waiter<R>[] } | null;
}

export interface WorkQueueOptions<R> {
  concurrency: number;
  clock: Clock;
  run: (job: Job) => Promise<R>;
}

/**
 * p-queue with single-flight per key: at most one running and one pending job per key.
 * A request for a key that already has a pending job merges into it (reasons unite, the higher
 * priority wins), so a burst of N events for one account yields at most 2 syncs: the one
 * running and the one that starts after it and sees everything the burst changed.
 */
export class WorkQueue<R> {
  readonly #queue: PQueue;
  readonly #slots = new Map<string, Slot<R>>();
  readonly #clock: Clock;
  readonly #run: (job: Job) => Promise<R>;
  #seq = 0;
  #stopping = false;

  constructor(opts: WorkQueueOptions<R>) {
    this.#queue = new PQueue({ concurrency: opts.concurrency });
    this.#clock = opts.clock;
    this.#run = opts.run;
  }

  /** Resolves with the result of the job that covers this request (one that starts after it). */
  request(key: string, req: JobRequest): Promise<R> {
    return new Promise<R>((resolve, reject) => this.#add(key, req, { resolve, reject }));
  }

  /** Fire and forget. */
  enqueue(key: string, req: JobRequest): void {
    this.#add(key, req, null);
  }

  state(key: string): { queued: boolean; running: boolean; priority: Priority | null } {
    const s = this.#slots.get(key);
    return { queued: !!s?.pending, running: !!s?.running, priority: s?.pending?.job.priority ?? s?.running?.priority ?? null };
  }

  /** Jobs waiting (queued or deferred) per priority, and running. */
  depth(): { byPriority: Record<Priority, number>; running: number } {
    const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>;
    let running = 0;
    for (const s of this.#slots.values()) {
      if (s.pending) byPriority[s.pending.job.priority]++;
      if (s.running) running++;
    }
    return { byPriority, running };
  }

  get idle(): boolean {
    return this.#queue.size === 0 && this.#queue.pending === 0;
  }

  /** Starts nothing new, rejects what waits, resolves when the running jobs have finished. */
  async drain(): Promise<void> {
    this.#stopping = true;
    this.#queue.pause();
    this.#queue.clear();
    for (const [key, s] of this.#slots) {
      if (s.pending) {
        for (const w of s.pending.waiters) w.reject(new EngineStoppedError('engine stopped before the sync ran'));
        s.pending = null;
      }
      if (!s.running) this.#slots.delete(key);
    }
    await this.#queue.onPendingZero();
  }

  #add(key: string, req: JobRequest, waiter: Waiter<R> | null): void {
    if (this.#stopping) {
      waiter?.reject(new EngineStoppedError('engine is stopping'));
      return;
    }
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { running: null, pending: null };
      this.#slots.set(key, slot);
    }
    if (slot.pending) {
      const p = slot.pending;
      p.job.reasons.add(req.reason);
      if (req.emittedAt !== undefined) p.job.emittedAts.push(req.emittedAt);
      if (waiter) p.waiters.push(waiter);
      const raised = higherPriority(p.job.priority, req.priority);
      if (raised !== p.job.priority) {
        p.job.priority = raised;
        if (p.job.state === 'queued') this.#queue.setPriority(p.job.id, queuePriority(raised));
      }
      return;
    }
    const job: Job = {
      id: `j${++this.#seq}`,
      key,
      reasons: new Set([req.reason]),
      priority: req.priority,
      enqueuedAt: this.#clock.now(),
      emittedAts: req.emittedAt !== undefined ? [req.emittedAt] : [],
      startedAt: null,
      state: slot.running ? 'deferred' : 'queued',
    };
    slot.pending = { job, waiters: waiter ? [waiter] : [] };
    if (job.state === 'queued') this.#submit(slot, job);
  }

  #submit(slot: Slot<R>, job: Job): void {
    job.state = 'queued';
    this.#queue
      .add(() => this.#execute(slot, job), { id: job.id, priority: queuePriority(job.priority) })
      .catch(() => undefined);
  }

  async #execute(slot: Slot<R>, job: Job): Promise<void> {
    const pending = slot.pending;
    if (!pending || pending.job !== job) return;
    slot.pending = null;
    slot.running = job;
    job.state = 'running';
    job.startedAt = this.#clock.now();
    try {
      const r = await this.#run(job);
      for (const w of pending.waiters) w.resolve(r);
    } catch (err) {
      for (const w of pending.waiters) w.reject(err);
    } finally {
      slot.running = null;
      if (slot.pending && !this.#stopping) this.#submit(slot, slot.pending.job);
      else if (!slot.pending) this.#slots.delete(job.key);
    }
  }
}
