import { EngineStoppedError } from '../../errors.js';
import { NodeInputError } from '../../pricenode/errors.js';
import { priceNodesOf, type NodeSyncOutcome } from '../../pricenode/service.js';
import { StoreInputError } from '../../store/errors.js';
import type { ServerContext } from '../context.js';
import { timeParam } from '../body.js';
import { HttpError, badRequest } from '../errors.js';
import type { Ctx, Route } from '../router.js';

/**
 * The price-node registry (S002's management API):
 *   POST   /api/v1/sync/nodes            {name, baseUrl, apiKey?, intervalMs? | interval?, priority?, active?, symbols?}
 *   GET    /api/v1/sync/nodes            every node (key as `keyHint` only) and the status per (node, pair, data type)
 *   GET    /api/v1/sync/nodes/:id        one node and its status rows
 *   PUT    /api/v1/sync/nodes/:id        any of the fields above (apiKey: null removes the key)
 *   DELETE /api/v1/sync/nodes/:id        the node and its status rows (synced data stays)
 *   POST   /api/v1/sync/nodes/:id/test   reachability, version, auth
 *   POST   /api/v1/sync/nodes/:id/sync   one pass now (manual priority; ?since= re-pulls from a time); 202 when
 *                                         slower than the wait bound
 * Changes need the token like every mutating call; reads are open like the rest of the API.
 */
const TIMED_OUT = Symbol('timed out');

function nodeId(ctx: Ctx): number {
  const raw = ctx.params.id!;
  if (!/^\d{1,9}$/.test(raw)) throw badRequest('id', 'a node id (a positive integer)', raw);
  return Number(raw);
}

/** Input errors from validation or the store (a taken name) are the caller's: 400 naming the field. */
async function inputErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NodeInputError || err instanceof StoreInputError) throw new HttpError(400, 'bad_request', err.message, err.field);
    throw err;
  }
}

export function nodeRoutes(c: ServerContext): Route[] {
  const { engine } = c;
  const nodes = () => {
    if (engine.state !== 'running') throw new EngineStoppedError(`engine is ${engine.state}; price nodes need a running engine`);
    return priceNodesOf(engine);
  };
  return [
    {
      method: 'GET',
      path: '/api/v1/sync/nodes',
      handler: async () => ({ status: 200, body: await nodes().nodes() }),
    },
    {
      method: 'POST',
      path: '/api/v1/sync/nodes',
      write: true,
      handler: async (ctx) => {
        const body = await ctx.body();
        const node = await inputErrors(() => nodes().addNode(body));
        return { status: 201, headers: { Location: `/api/v1/sync/nodes/${node.id}` }, body: { node } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/sync/nodes/:id',
      handler: async (ctx) => ({ status: 200, body: await nodes().node(nodeId(ctx)) }),
    },
    {
      method: 'PUT',
      path: '/api/v1/sync/nodes/:id',
      write: true,
      handler: async (ctx) => {
        const id = nodeId(ctx);
        const body = await ctx.body();
        if (body && typeof body === 'object' && 'id' in body && (body as { id: unknown }).id !== id) throw badRequest('id', `the id in the path (${id})`, (body as { id: unknown }).id);
        const node = await inputErrors(() => nodes().updateNode(id, body));
        return { status: 200, body: { node } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/sync/nodes/:id',
      write: true,
      handler: async (ctx) => {
        const id = nodeId(ctx);
        await ctx.body();
        await nodes().removeNode(id);
        return { status: 200, body: { deleted: id } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/sync/nodes/:id/test',
      write: true,
      handler: async (ctx) => {
        const id = nodeId(ctx);
        await ctx.body();
        return { status: 200, body: { test: await nodes().testNode(id) } };
      },
    },
    {
      method: 'POST',
      path: '/api/v1/sync/nodes/:id/sync',
      write: true,
      handler: async (ctx) => {
        const id = nodeId(ctx);
        await ctx.body();
        const since = timeParam(ctx.url, 'since');
        const work = nodes().syncNode(id, { since });
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
          timer = setTimeout(() => resolve(TIMED_OUT), c.options.syncWaitMs);
        });
        const first = await Promise.race([work, timeout]).finally(() => clearTimeout(timer));
        if (first !== TIMED_OUT) return { status: 200, body: { result: first as NodeSyncOutcome } };
        work.catch((err: unknown) => c.logger.warn('manual node sync failed', { node: id, error: err instanceof Error ? err.message : String(err) }));
        const location = `/api/v1/sync/nodes/${id}`;
        return { status: 202, headers: { Location: location }, body: { running: true, location } };
      },
    },
  ];
}
