import { randomUUID } from 'node:crypto';
import type { SyncSummary } from '../bus/events.js';
import type { SyncAllSummary, SyncTarget } from '../engine.js';
import { redact, redactString } from '../util/redact.js';
import { HttpError } from './errors.js';

/**
 * Manual syncs that outlive their HTTP request (`?async=1`, or slower than the wait bound) are
 * kept here so `GET /api/v1/sync/jobs/:id` can read them later. Bounded: at most `max` jobs;
 * finished ones are forgotten after `keepMs`, the oldest finished first when full.
 */
export interface JobView {
  id: string;
  target: SyncTarget;
  status: 'running' | 'done' | 'error';
  createdAt: number;
  finishedAt: number | null;
  result?: SyncSummary | SyncAllSummary;
  error?: string;
}

export class SyncJobs {
  readonly #jobs = new Map<string, JobView>();

  constructor(
    private readonly opts: { max?: number; keepMs?: number; now?: () => number } = {},
  ) {}

  get #now(): number {
    return (this.opts.now ?? Date.now)();
  }

  track(target: SyncTarget, work: Promise<SyncSummary | SyncAllSummary>): JobView {
    this.#prune();
    if (this.#jobs.size >= (this.opts.max ?? 1000)) {
      work.catch(() => undefined);
      throw new HttpError(503, 'busy', 'sync: too many sync jobs are running; read an existing job or retry later', undefined, { 'Retry-After': '5' });
    }
    const job: JobView = { id: randomUUID(), target, status: 'running', createdAt: this.#now, finishedAt: null };
    this.#jobs.set(job.id, job);
    work.then(
      (result) => {
        job.status = 'done';
        job.result = redact(result);
        job.finishedAt = this.#now;
      },
      (err: unknown) => {
        job.status = 'error';
        job.error = redactString(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
        job.finishedAt = this.#now;
      },
    );
    return job;
  }

  get(id: string): JobView | null {
    this.#prune();
    return this.#jobs.get(id) ?? null;
  }

  get size(): number {
    return this.#jobs.size;
  }

  #prune(): void {
    const max = this.opts.max ?? 1000;
    const keepMs = this.opts.keepMs ?? 15 * 60_000;
    const now = this.#now;
    for (const [id, j] of this.#jobs) if (j.finishedAt !== null && now - j.finishedAt > keepMs) this.#jobs.delete(id);
    if (this.#jobs.size < max) return;
    // Full: drop finished jobs oldest first; running ones are never dropped (they are bounded by
    // the engine's single-flight queue: at most one running and one pending sync per account).
    for (const [id, j] of this.#jobs) {
      if (this.#jobs.size < max) break;
      if (j.finishedAt !== null) this.#jobs.delete(id);
    }
  }
}
