import assert from 'node:assert/strict';
import type { SyncSummary } from '../../src/bus/events.js';
import { waitFor } from '../helpers/engine.js';
import { TOKEN, call, startServerRig, type ServerRig } from './helpers.js';

describe('control API: events, manual syncs, robot management', function () {
  this.timeout(30_000);
  let rig: ServerRig;
  const post = (path: string, body?: unknown) => call(rig.url, 'POST', path, { token: TOKEN, body });
  before(async () => {
    rig = await startServerRig({ tuning: { maxBatchEvents: 1000 } });
  });
  after(() => rig?.close());

  describe('POST /api/v1/events', () => {
    it('accepts one event (202) and the engine syncs the robot\'s account for it', async () => {
      const synced = waitFor<SyncSummary>(rig.engine, 'sync.completed', (s) => s.reasons.includes('position.opened') && s.robotIds.includes('dca-eth'), 5000);
      const r = await post('/api/v1/events', { event: 'position.opened', robotId: 'dca-eth', symbol: 'ETHUSDT' });
      assert.equal(r.status, 202);
      assert.deepEqual(r.json, { ok: true });
      assert.equal((await synced).ok, true);
    });

    it('a bad single event is 400 naming the field; the event name is checked too', async () => {
      const unknownRobot = await post('/api/v1/events', { event: 'order.placed', robotId: 'ghost' });
      assert.equal(unknownRobot.status, 400);
      assert.equal(unknownRobot.json.error.field, 'robotId');
      assert.match(unknownRobot.json.error.message, /^robotId: expected a registered robot, received "ghost"$/);
      const badName = await post('/api/v1/events', { event: 'order.exploded', robotId: 'grid-btc' });
      assert.equal(badName.json.error.field, 'event');
      assert.match(badName.json.error.message, /^event: expected one of order\.placed, .*received "order\.exploded"$/);
      const extra = await post('/api/v1/events', { event: 'order.placed', robotId: 'grid-btc', colour: 'red' });
      assert.equal(extra.json.error.field, 'colour');
      const notObject = await post('/api/v1/events', [1, 2]);
      assert.equal(notObject.status, 400);
      assert.equal(notObject.json.error.field, 'body');
      const empty = await post('/api/v1/events');
      assert.equal(empty.status, 400);
      assert.equal(empty.json.error.field, 'body');
    });

    it('a batch answers per event, in order: one bad event does not reject the others', async () => {
      const r = await post('/api/v1/events', {
        events: [
          { event: 'order.placed', robotId: 'grid-btc', orderLinkId: 'grid-b1' },
          { event: 'order.placed', robotId: 'nobody' },
          { event: 'order.placed', robotId: 'grid-btc', at: -5 },
          'not an event',
          { event: 'manual.action', robotId: 'idle-bot', note: 'rebalanced' },
        ],
      });
      assert.equal(r.status, 200);
      assert.equal(r.json.accepted, 2);
      assert.equal(r.json.rejected, 3);
      assert.deepEqual(r.json.results[0], { ok: true });
      assert.equal(r.json.results[1].error.field, 'events[1].robotId');
      assert.match(r.json.results[1].error.message, /^events\[1\]\.robotId: expected a registered robot/);
      assert.equal(r.json.results[2].error.field, 'events[2].at');
      assert.equal(r.json.results[3].error.field, 'events[3]');
      assert.deepEqual(r.json.results[4], { ok: true });
    });

    it('a batch must be a list of 1 to maxBatchEvents events, with nothing beside it', async () => {
      const many = Array.from({ length: 1001 }, () => ({ event: 'manual.action', robotId: 'grid-btc' }));
      for (const [body, field] of [[{ events: many }, 'events'], [{ events: [] }, 'events'], [{ events: 'x' }, 'events'], [{ events: [{}], robotId: 'x' }, 'robotId']] as const) {
        const r = await post('/api/v1/events', body);
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, field);
      }
      const max = await post('/api/v1/events', { events: many.slice(0, 1000) });
      assert.equal(max.status, 200);
      assert.equal(max.json.accepted, 1000);
    });
  });

  describe('manual sync', () => {
    it('POST /api/v1/sync/robots/:id answers with the sync result', async () => {
      const r = await post('/api/v1/sync/robots/grid-btc');
      assert.equal(r.status, 200);
      assert.equal(r.json.result.ok, true);
      assert.equal(r.json.result.accountId, rig.sim.accounts[0]!.id);
      assert.ok(r.json.result.robotIds.includes('grid-btc'));
      assert.ok(r.json.result.reasons.includes('manual'));
    });

    it('POST /api/v1/sync/accounts/:id and /api/v1/sync/all', async () => {
      const acct = await post(`/api/v1/sync/accounts/${rig.sim.accounts[1]!.id}`, {});
      assert.equal(acct.status, 200);
      assert.equal(acct.json.result.accountId, rig.sim.accounts[1]!.id);
      const all = await post('/api/v1/sync/all');
      assert.equal(all.status, 200);
      assert.equal(all.json.result.ok, true);
      assert.equal(all.json.result.accounts.length, 2);
      assert.equal(typeof all.json.result.runId, 'number');
    });

    it('unknown robot or account is 404, before anything runs', async () => {
      const runs = (await call(rig.url, 'GET', '/api/v1/sync/runs?limit=1')).json.runs[0]?.id;
      for (const p of ['/api/v1/sync/robots/ghost', '/api/v1/sync/accounts/ghost']) {
        const r = await post(p);
        assert.equal(r.status, 404, p);
        assert.equal(r.json.error.code, 'not_found');
      }
      assert.equal((await call(rig.url, 'GET', '/api/v1/sync/runs?limit=1')).json.runs[0]?.id, runs);
    });

    it('?async=1 answers 202 with a job to read later', async () => {
      const r = await post('/api/v1/sync/all?async=1');
      assert.equal(r.status, 202);
      assert.equal(r.json.job.status, 'running');
      assert.equal(r.headers.get('location'), `/api/v1/sync/jobs/${r.json.job.id}`);
      let job = r.json.job;
      const end = Date.now() + 5000;
      while (job.status === 'running' && Date.now() < end) {
        await new Promise((res) => setTimeout(res, 30));
        job = (await call(rig.url, 'GET', r.json.location)).json.job;
      }
      assert.equal(job.status, 'done');
      assert.equal(job.result.accounts.length, 2);
      assert.ok(job.finishedAt >= job.createdAt);
    });

    it('a sync slower than the wait bound turns into a job (202)', async () => {
      const r = await post('/api/v1/sync/robots/idle-bot?wait=1');
      // a real sync against the simulator takes several ms; 1 ms is never enough
      assert.equal(r.status, 202);
      assert.equal(r.json.job.target.robotId, 'idle-bot');
    });

    it('unknown job is 404; bad async/wait parameters are 400 naming them', async () => {
      assert.equal((await call(rig.url, 'GET', '/api/v1/sync/jobs/00000000-0000-0000-0000-000000000000')).status, 404);
      const a = await post('/api/v1/sync/all?async=maybe');
      assert.equal(a.status, 400);
      assert.equal(a.json.error.field, 'async');
      const w = await post('/api/v1/sync/all?wait=-3');
      assert.equal(w.status, 400);
      assert.equal(w.json.error.field, 'wait');
    });
  });

  describe('robots', () => {
    it('POST registers (201), GET shows it, POST again replaces it (200)', async () => {
      const body = { id: 'scalper-1', accountId: rig.sim.accounts[1]!.id, symbols: ['ETHUSDT'], orderLinkPrefix: 'sc-' };
      const r = await post('/api/v1/robots', body);
      assert.equal(r.status, 201);
      assert.deepEqual(r.json.robot, { ...body, status: 'active' });
      assert.equal(r.headers.get('location'), '/api/v1/robots/scalper-1');
      assert.equal((await call(rig.url, 'GET', '/api/v1/robots/scalper-1')).json.robot.accountId, rig.sim.accounts[1]!.id);
      const again = await post('/api/v1/robots', { ...body, symbols: ['ETHUSDT', 'BTCUSDT'] });
      assert.equal(again.status, 200);
      assert.deepEqual(again.json.robot.symbols, ['ETHUSDT', 'BTCUSDT']);
    });

    it('POST with bad fields is 400 naming each', async () => {
      const acct = rig.sim.accounts[0]!.id;
      for (const [body, field] of [
        [{ id: 'bad id!', accountId: acct, symbols: ['BTCUSDT'] }, 'id'],
        [{ id: 'r2', accountId: 'nope', symbols: ['BTCUSDT'] }, 'accountId'],
        [{ id: 'r2', accountId: acct, symbols: [] }, 'symbols'],
        [{ id: 'r2', accountId: acct, symbols: ['BTC/USDT'] }, 'symbols[0]'],
        [{ id: 'r2', accountId: acct, symbols: ['BTCUSDT'], status: 'sleeping' }, 'status'],
        [{ id: 'r2', accountId: acct, symbols: ['BTCUSDT'], apiKey: 'x' }, 'apiKey'],
      ] as const) {
        const r = await post('/api/v1/robots', body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.field, field);
      }
      assert.equal((await call(rig.url, 'GET', '/api/v1/robots/r2')).status, 404);
    });

    it('PUT updates symbols, prefix and status; it cannot move a robot; unknown is 404', async () => {
      const paused = await call(rig.url, 'PUT', '/api/v1/robots/scalper-1', { token: TOKEN, body: { status: 'paused', orderLinkPrefix: null } });
      assert.equal(paused.status, 200);
      assert.equal(paused.json.robot.status, 'paused');
      assert.equal(paused.json.robot.orderLinkPrefix, null);
      assert.equal((await call(rig.url, 'GET', '/api/v1/robots/scalper-1')).json.robot.tier, 'paused');
      const move = await call(rig.url, 'PUT', '/api/v1/robots/scalper-1', { token: TOKEN, body: { accountId: rig.sim.accounts[0]!.id } });
      assert.equal(move.status, 400);
      assert.equal(move.json.error.field, 'accountId');
      const badSym = await call(rig.url, 'PUT', '/api/v1/robots/scalper-1', { token: TOKEN, body: { symbols: [7] } });
      assert.equal(badSym.json.error.field, 'symbols[0]');
      const nothing = await call(rig.url, 'PUT', '/api/v1/robots/scalper-1', { token: TOKEN, body: {} });
      assert.equal(nothing.status, 400);
      assert.equal((await call(rig.url, 'PUT', '/api/v1/robots/ghost', { token: TOKEN, body: { status: 'paused' } })).status, 404);
    });

    it('DELETE unregisters (then 404)', async () => {
      const r = await call(rig.url, 'DELETE', '/api/v1/robots/scalper-1', { token: TOKEN });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { deleted: 'scalper-1' });
      assert.equal((await call(rig.url, 'GET', '/api/v1/robots/scalper-1')).status, 404);
      assert.equal((await call(rig.url, 'DELETE', '/api/v1/robots/scalper-1', { token: TOKEN })).status, 404);
    });
  });
});
