import type { Engine } from '../../engine.js';
import { intParam } from '../body.js';
import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { Route } from '../router.js';

/**
 * Read-only views of the engine. Field names are the engine's own (robotId, accountId,
 * stalenessMs...), so the API, the WebSocket stats and `engine.status()` read alike. Every
 * answer is redacted by the pipeline on its way out; account credentials are never in them.
 */
export function statusView(engine: Engine) {
  return { ...engine.status(), live: engine.live() };
}

export function statusRoutes(c: ServerContext): Route[] {
  const { engine } = c;
  return [
    { method: 'GET', path: '/api/v1/status', handler: () => ({ status: 200, body: statusView(engine) }) },
    { method: 'GET', path: '/api/v1/robots', handler: () => ({ status: 200, body: { robots: engine.status().robots } }) },
    {
      method: 'GET',
      path: '/api/v1/robots/:id',
      handler: ({ params }) => {
        const robot = engine.status().robots.find((r) => r.robotId === params.id);
        if (!robot) throw new HttpError(404, 'not_found', `robot ${JSON.stringify(params.id!.slice(0, 64))} is not registered`);
        return { status: 200, body: { robot } };
      },
    },
    { method: 'GET', path: '/api/v1/accounts', handler: () => ({ status: 200, body: { accounts: engine.status().accounts } }) },
    {
      method: 'GET',
      path: '/api/v1/accounts/:id',
      handler: ({ params }) => {
        const account = engine.status().accounts.find((a) => a.accountId === params.id);
        if (!account) throw new HttpError(404, 'not_found', `account ${JSON.stringify(params.id!.slice(0, 64))} is not configured`);
        return { status: 200, body: { account } };
      },
    },
    {
      method: 'GET',
      path: '/api/v1/sync/runs',
      handler: async ({ url }) => {
        const limit = intParam(url, 'limit', 1, 500, 50);
        return { status: 200, body: { runs: await engine.store.listRuns(limit) } };
      },
    },
  ];
}
