import assert from 'node:assert/strict';
import { startServer, type ServerHandle } from '../../src/server/server.js';
import { until } from '../helpers/engine.js';
import { TOKEN, call, recordingLogger, startServerRig, wsConnect, type ServerRig } from './helpers.js';

/**
 * DESIGN invariant 8 at the control plane: account keys and secrets (registered through the
 * config) and the server token never appear in an answer, a WebSocket message, /metrics, the
 * dashboard or the server's log, including when an account's credentials are refused and its
 * error travels through status, sync results, runs and jobs.
 */
function headerText(h: Headers): string {
  const out: string[] = [];
  h.forEach((v, k) => out.push(`${k}: ${v}`));
  return out.join('; ');
}

const BROKEN = { id: 'broken', apiKey: 'BROKENKEY-0a1b2c3d4e5f', apiSecret: 'BROKENSECRET-9z8y7x6w5v4u3t' };

describe('secrets never leave through the control plane', function () {
  this.timeout(30_000);
  let rig: ServerRig;
  let server: ServerHandle;
  const rec = recordingLogger();
  const seen: string[] = [];
  let secrets: string[];
  const grab = async (method: string, path: string, opts: Parameters<typeof call>[3] = {}) => {
    const r = await call(server.url, method, path, opts);
    seen.push(`${method} ${path} -> ${r.status} ${headerText(r.headers)}\n${r.text}`);
    return r;
  };

  before(async () => {
    rig = await startServerRig({
      config: (sim) => ({
        accounts: [
          ...sim.accounts.map((a) => ({ id: a.id, exchange: 'bybit' as const, apiKey: a.apiKey, apiSecret: a.apiSecret, label: 'main desk' })),
          { id: BROKEN.id, exchange: 'bybit' as const, apiKey: BROKEN.apiKey, apiSecret: BROKEN.apiSecret },
        ],
      }),
      robots: (sim) => [
        { id: 'grid-btc', accountId: sim.accounts[0]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'grid-' },
        { id: 'lost-bot', accountId: BROKEN.id, symbols: ['BTCUSDT'] },
      ],
    });
    server = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0, token: TOKEN }, logger: rec.logger, tuning: { statsIntervalMs: 100 } });
    secrets = [TOKEN, BROKEN.apiKey, BROKEN.apiSecret, ...rig.sim.accounts.flatMap((a) => [a.apiKey, a.apiSecret])];
  });
  after(async () => {
    await server?.close();
    await rig?.close();
  });

  it('the broken account fails visibly, and no answer anywhere carries a credential or the token', async () => {
    const peer = await wsConnect(server.url, { token: TOKEN });
    assert.equal(peer.status, 101);
    const ws = peer.ws!;
    const messages = (peer as { messages: unknown[] }).messages;
    ws.send(JSON.stringify({ type: 'subscribe', id: 's', robots: '*', events: ['stats', 'sync.failed', 'sync.completed'] }));

    const all = await grab('POST', '/api/v1/sync/all', { token: TOKEN });
    assert.equal(all.status, 200);
    const failed = all.json.result.accounts.find((a: { accountId: string }) => a.accountId === BROKEN.id);
    assert.equal(failed.ok, false);
    assert.ok(failed.error.length > 0);
    await grab('POST', `/api/v1/sync/accounts/${BROKEN.id}`, { token: TOKEN });
    await grab('POST', '/api/v1/sync/robots/lost-bot', { token: TOKEN });
    const job = await grab('POST', '/api/v1/sync/all?async=1', { token: TOKEN });
    await until(async () => (await call(server.url, 'GET', job.json.location)).json.job.status !== 'running', 5000, 'the job');
    await grab('GET', job.json.location);
    for (const p of ['/api/v1/status', '/api/v1/robots', '/api/v1/robots/lost-bot', '/api/v1/accounts', `/api/v1/accounts/${BROKEN.id}`, '/api/v1/sync/runs', '/metrics', '/readyz', '/healthz', '/', '/assets/app.js']) {
      await grab('GET', p);
    }
    // Errors, including ones that quote what was sent.
    await grab('POST', '/api/v1/sync/all', { headers: { authorization: `Bearer ${TOKEN.slice(0, -2)}` } });
    await grab('POST', '/api/v1/robots', { token: TOKEN, body: { id: 'r', accountId: BROKEN.id, symbols: ['BTCUSDT'], orderLinkPrefix: BROKEN.apiSecret } });
    await grab('POST', '/api/v1/events', { token: TOKEN, body: { event: 'manual.action', robotId: 'grid-btc', note: `key ${BROKEN.apiKey}`, orderId: BROKEN.apiSecret } });
    await grab('POST', '/api/v1/events', { token: TOKEN, body: { event: 'order.placed', robotId: 'grid-btc', orderId: 5, apiKey: BROKEN.apiKey } });

    const status = (await grab('GET', `/api/v1/accounts/${BROKEN.id}`)).json.account;
    assert.match(status.lastError, /\w/, 'the failure is reported');
    assert.equal(status.consecutiveFailures > 0, true);
    await until(() => messages.some((m) => (m as { type: string }).type === 'event' && (m as { event: string }).event === 'sync.failed'), 5000, 'sync.failed over the WebSocket');
    await until(() => messages.filter((m) => (m as { type: string }).type === 'stats').length >= 2, 5000, 'stats');
    ws.close();

    const everything = [...seen, ...messages.map((m) => JSON.stringify(m)), ...rec.lines.map((l) => `${l.message} ${JSON.stringify(l.meta)}`)].join('\n');
    assert.ok(everything.length > 10_000);
    for (const s of secrets) assert.ok(!everything.includes(s), `a secret (${s.slice(0, 4)}...) leaked`);
  });

  it('a handler error quoting a secret is a generic 500, and the log line has it masked', async () => {
    const engine = rig.engine as unknown as { live: () => unknown };
    const original = engine.live;
    engine.live = () => {
      throw new Error(`boom while signing with ${BROKEN.apiSecret}`);
    };
    try {
      const r = await grab('GET', '/api/v1/status');
      assert.equal(r.status, 500);
      assert.ok(!r.text.includes(BROKEN.apiSecret) && !r.text.includes('boom'));
    } finally {
      engine.live = original;
    }
    const line = rec.lines.find((l) => l.message === 'control API handler failed');
    assert.ok(line, 'the bug was logged');
    assert.match(String(line.meta!.error), /boom while signing with \[REDACTED\]/);
  });
});
