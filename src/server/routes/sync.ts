import type { SyncSummary } from '../../bus/events.js';
import type { SyncAllSummary, SyncTarget } from '../../engine.js';
import { EngineStoppedError } from '../../errors.js';
import { boolParam, intParam } from '../body.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { Answer, Ctx, Route } from '../router.js';

/**
 * Manual syncs (S000's "sync now"). The answer is the sync's result (200, `ok` tells whether the
 * exchange side succeeded). A sync that is still running after the wait bound, or any sync asked
 * with `?async=1`, answers 202 with a job to read at `GET /api/v1/sync/jobs/:id`.
 */
const TIMED_OUT = Symbol('timed out');

export function syncRoutes(c: ServerContext): Route[] {
  const { engine, jobs } = c;

  async function run(ctx: Ctx, target: SyncTarget): Promise<Answer> {
    // A body is optional; when present it must still be JSON within the size limit.
    await ctx.body();
    const async = boolParam(ctx.url, 'async');
    const waitMs = intParam(ctx.url, 'wait', 0, 60_000, c.options.syncWaitMs);
    if ('robotId' in target && !engine.robots.get(target.robotId)) {
      throw new HttpError(404, 'not_found', `robot ${JSON.stringify(target.robotId.slice(0, 64))} is not registered`);
    }
    if ('accountId' in target && !engine.accounts.list().some((a) => a.id === target.accountId)) {
      throw new HttpError(404, 'not_found', `account ${JSON.stringify(target.accountId.slice(0, 64))} is not configured`);
    }
    if (engine.state !== 'running') throw new EngineStoppedError(`engine is ${engine.state}; manual syncs need a running engine`);
    const work = engine.syncNow(target);
    if (!async && waitMs > 0) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
        timer = setTimeout(() => resolve(TIMED_OUT), waitMs);
      });
      const first = await Promise.race([work, timeout]).finally(() => clearTimeout(timer));
      if (first !== TIMED_OUT) return { status: 200, body: { result: first as SyncSummary | SyncAllSummary } };
    }
    const job = jobs.track(target, work);
    const location = `/api/v1/sync/jobs/${job.id}`;
    return { status: 202, headers: { Location: location }, body: { job, location } };
  }

  return [
    { method: 'POST', path: '/api/v1/sync/robots/:id', write: true, handler: (ctx) => run(ctx, { robotId: ctx.params.id! }) },
    { method: 'POST', path: '/api/v1/sync/accounts/:id', write: true, handler: (ctx) => run(ctx, { accountId: ctx.params.id! }) },
    { method: 'POST', path: '/api/v1/sync/all', write: true, handler: (ctx) => run(ctx, { all: true }) },
    {
      method: 'GET',
      path: '/api/v1/sync/jobs/:id',
      handler: ({ params }) => {
        const job = jobs.get(params.id!);
        if (!job) throw new HttpError(404, 'not_found', `sync job ${JSON.stringify(params.id!.slice(0, 64))} is unknown (finished jobs are kept 15 minutes)`);
        return { status: 200, body: { job } };
      },
    },
  ];
}
