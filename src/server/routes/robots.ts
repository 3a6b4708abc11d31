import { EngineStoppedError } from '../../errors.js';
import { asObject } from '../body.js';
import type { ServerContext } from '../context.js';
import { HttpError, badRequest } from '../errors.js';
import type { Route } from '../router.js';

/**
 * Robot management (S002's add / update / remove). Validation is the engine's (the same rules
 * as robots in the config file); its errors name the field and come back as 400.
 */
export function robotRoutes(c: ServerContext): Route[] {
  const { engine } = c;
  const notFound = (id: string) => new HttpError(404, 'not_found', `robot ${JSON.stringify(id.slice(0, 64))} is not registered`);
  // Before start the ledger may not be migrated yet, after stop the store is closed.
  const assertRunning = () => {
    if (engine.state !== 'running') throw new EngineStoppedError(`engine is ${engine.state}; robot changes need a running engine`);
  };
  return [
    {
      method: 'POST',
      path: '/api/v1/robots',
      write: true,
      handler: async (ctx) => {
        const body = asObject(await ctx.body());
        assertRunning();
        const existed = typeof body.id === 'string' && engine.robots.get(body.id) !== null;
        const robot = await engine.robots.register(body as never);
        return { status: existed ? 200 : 201, headers: { Location: `/api/v1/robots/${encodeURIComponent(robot.id)}` }, body: { robot } };
      },
    },
    {
      method: 'PUT',
      path: '/api/v1/robots/:id',
      write: true,
      handler: async (ctx) => {
        const id = ctx.params.id!;
        const body = asObject(await ctx.body());
        const current = engine.robots.get(id);
        if (!current) throw notFound(id);
        assertRunning();
        // id and accountId identify the robot; they may be repeated but not changed here.
        if ('id' in body && body.id !== id) throw badRequest('id', `the id in the path (${JSON.stringify(id)})`, body.id);
        if ('accountId' in body && body.accountId !== current.accountId) {
          throw badRequest('accountId', `the robot's account ${JSON.stringify(current.accountId)} (to move a robot, delete and register it again)`, body.accountId);
        }
        const { id: _id, accountId: _acct, ...patch } = body;
        if (Object.keys(patch).length === 0) throw badRequest('body', 'at least one of symbols, orderLinkPrefix, status', body);
        const robot = await engine.robots.update(id, patch as never);
        return { status: 200, body: { robot } };
      },
    },
    {
      method: 'DELETE',
      path: '/api/v1/robots/:id',
      write: true,
      handler: async (ctx) => {
        const id = ctx.params.id!;
        if (!engine.robots.get(id)) throw notFound(id);
        await ctx.body();
        assertRunning();
        await engine.robots.unregister(id);
        return { status: 200, body: { deleted: id } };
      },
    },
  ];
}
