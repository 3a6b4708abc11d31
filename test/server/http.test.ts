import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { StoreUnavailableError } from '../../src/errors.js';
import { toErrorAnswer } from '../../src/server/errors.js';
import { TOKEN, call, startServerRig, type ServerRig } from './helpers.js';

/** Raw HTTP for what fetch will not do: chunked bodies we stop midway, Expect: 100-continue. */
function rawRequest(url: string, opts: { method: string; path: string; headers: Record<string, string> }, write: (req: http.ClientRequest) => void): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, method: opts.method, path: opts.path, headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    write(req);
  });
}

describe('control API over HTTP', function () {
  this.timeout(30_000);
  let rig: ServerRig;
  before(async () => {
    rig = await startServerRig({ tuning: { maxBatchEvents: 1000 } });
  });
  after(() => rig?.close());

  describe('probes and metrics', () => {
    it('GET /healthz answers while the process is up', async () => {
      const r = await call(rig.url, 'GET', '/healthz');
      assert.equal(r.status, 200);
      assert.equal(r.json.ok, true);
      assert.match(r.headers.get('content-type')!, /^application\/json/);
      assert.equal(r.headers.get('cache-control'), 'no-store');
    });

    it('GET /readyz is 200 with the engine running and the database reachable', async () => {
      const r = await call(rig.url, 'GET', '/readyz');
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { ready: true, engine: 'running', database: 'ok' });
    });

    it('HEAD is served like GET, without a body', async () => {
      const r = await fetch(rig.url + '/healthz', { method: 'HEAD' });
      assert.equal(r.status, 200);
      assert.equal(await r.text(), '');
    });

    it('GET /metrics is Prometheus text with the engine and server series', async () => {
      await call(rig.url, 'GET', '/api/v1/status');
      const r = await call(rig.url, 'GET', '/metrics');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      for (const name of [
        'robosync_event_lag_seconds',
        'robosync_detection_lag_seconds',
        'robosync_staleness_seconds',
        'robosync_staleness_max_seconds',
        'robosync_robots',
        'robosync_api_requests_total',
        'robosync_rate_limit_answers_total',
        'robosync_rate_limit_wait_seconds',
        'robosync_queue_depth',
        'robosync_sync_duration_seconds',
        'robosync_sync_failures_total',
        'robosync_store_rows_total',
        'robosync_http_requests_total',
        'robosync_ws_peers',
      ]) {
        assert.match(r.text, new RegExp(`^# TYPE ${name} `, 'm'), name);
      }
      assert.match(r.text, /^robosync_http_requests_total\{route="\/api\/v1\/status",method="GET",status="200"\} [1-9]/m);
      assert.match(r.text, /^robosync_robots\{tier="idle"\} 3$/m);
      assert.match(r.text, /^robosync_queue_depth\{priority="event"\} 0$/m);
    });
    it('config/grafana-dashboard.json queries only series /metrics exports, and charts every engine series', async () => {
      const dash = JSON.parse(readFileSync(new URL('../../config/grafana-dashboard.json', import.meta.url), 'utf8'));
      const exprs: string[] = dash.panels.flatMap((p: { targets?: { expr: string }[] }) => (p.targets ?? []).map((t) => t.expr));
      assert.ok(exprs.length >= 20);
      const used = new Set(exprs.flatMap((e) => e.match(/robosync_[a-z_]+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
      const text = (await call(rig.url, 'GET', '/metrics')).text;
      const exported = new Set([...text.matchAll(/^# TYPE (robosync_[a-z_]+) /gm)].map((m) => m[1]!));
      for (const name of used) assert.ok(exported.has(name), `the dashboard queries ${name}, which /metrics does not export`);
      for (const name of exported) assert.ok(used.has(name), `${name} is exported but not on the dashboard`);
      const ids = dash.panels.map((p: { id: number }) => p.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    });
  });

  describe('reads', () => {
    it('GET /api/v1/status has the engine status and the live numbers', async () => {
      const r = await call(rig.url, 'GET', '/api/v1/status');
      assert.equal(r.status, 200);
      assert.equal(r.json.state, 'running');
      assert.deepEqual(r.json.robots.map((x: { robotId: string }) => x.robotId).sort(), ['dca-eth', 'grid-btc', 'idle-bot']);
      assert.equal(r.json.accounts.length, 2);
      assert.ok('byPriority' in r.json.queue);
      for (const k of ['eventLagMs', 'detectionLagMs', 'apiCallsPerMin', 'syncsPerSec', 'queueDepth', 'stalenessMaxMs', 'robots']) assert.ok(k in r.json.live, k);
    });

    it('GET /api/v1/robots and /api/v1/robots/:id; an unknown id is 404', async () => {
      const list = await call(rig.url, 'GET', '/api/v1/robots');
      assert.equal(list.status, 200);
      assert.equal(list.json.robots.length, 3);
      const one = await call(rig.url, 'GET', '/api/v1/robots/grid-btc');
      assert.equal(one.status, 200);
      assert.equal(one.json.robot.robotId, 'grid-btc');
      assert.equal(one.json.robot.orderLinkPrefix, 'grid-');
      for (const k of ['tier', 'stalenessMs', 'lastSuccessAt', 'lastError', 'queued', 'running']) assert.ok(k in one.json.robot, k);
      const missing = await call(rig.url, 'GET', '/api/v1/robots/nobody');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.error.code, 'not_found');
      assert.match(missing.json.error.message, /nobody/);
    });

    it('GET /api/v1/accounts: id, exchange, label, tier, staleness, last error, stream; no credentials', async () => {
      const r = await call(rig.url, 'GET', '/api/v1/accounts');
      assert.equal(r.status, 200);
      const a = r.json.accounts[0];
      for (const k of ['accountId', 'exchange', 'label', 'tier', 'stalenessMs', 'lastSuccessAt', 'lastError', 'stream']) assert.ok(k in a, k);
      assert.ok(!/apiKey|apiSecret|passphrase/i.test(r.text));
      assert.equal((await call(rig.url, 'GET', `/api/v1/accounts/${a.accountId}`)).json.account.accountId, a.accountId);
      assert.equal((await call(rig.url, 'GET', '/api/v1/accounts/nope')).status, 404);
    });

    it('GET /api/v1/sync/runs honours limit (1..500, default 50) and names the field when it is bad', async () => {
      for (let i = 0; i < 3; i++) assert.equal((await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN })).status, 200);
      const two = await call(rig.url, 'GET', '/api/v1/sync/runs?limit=2');
      assert.equal(two.status, 200);
      assert.equal(two.json.runs.length, 2);
      assert.ok(two.json.runs[0].id > two.json.runs[1].id, 'newest first');
      assert.equal(two.json.runs[0].scope, 'manual:all');
      assert.equal(two.json.runs[0].status, 'success');
      const dflt = await call(rig.url, 'GET', '/api/v1/sync/runs');
      assert.ok(dflt.json.runs.length >= 3 && dflt.json.runs.length <= 50);
      for (const bad of ['0', '501', 'abc', '2.5', '-1']) {
        const r = await call(rig.url, 'GET', `/api/v1/sync/runs?limit=${bad}`);
        assert.equal(r.status, 400, bad);
        assert.equal(r.json.error.field, 'limit');
        assert.match(r.json.error.message, /^limit: expected an integer from 1 to 500, received/);
      }
    });
  });

  describe('errors', () => {
    it('404 for unknown routes, with a JSON body', async () => {
      for (const p of ['/nope', '/api/v2/status', '/api/v1/robots/a/b']) {
        const r = await call(rig.url, 'GET', p);
        assert.equal(r.status, 404, p);
        assert.equal(r.json.error.code, 'not_found');
      }
    });

    it('405 for a known path with the wrong method, with Allow', async () => {
      const r = await call(rig.url, 'DELETE', '/api/v1/status', { token: TOKEN });
      assert.equal(r.status, 405);
      assert.equal(r.json.error.code, 'method_not_allowed');
      assert.equal(r.headers.get('allow'), 'GET, HEAD');
      const p = await call(rig.url, 'GET', '/api/v1/events');
      assert.equal(p.status, 405);
      assert.equal(p.headers.get('allow'), 'POST');
    });

    it('400 naming the field, what was expected and what came', async () => {
      const r = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, body: { event: 'order.placed', robotId: 'grid-btc', orderId: 42 } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json.error, { code: 'bad_request', message: 'orderId: expected a non-empty string of at most 128 characters, received number 42', field: 'orderId' });
    });

    it('400 for a body that is not JSON', async () => {
      const r = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, raw: '{"event": ', headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 400);
      assert.equal(r.json.error.code, 'bad_json');
      assert.equal(r.json.error.field, 'body');
    });

    it('415 for a body that is not JSON by type', async () => {
      for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const r = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, raw: 'event=order.placed', headers: { 'content-type': ct } });
        assert.equal(r.status, 415, ct);
        assert.equal(r.json.error.code, 'unsupported_media_type');
        assert.equal(r.json.error.field, 'content-type');
      }
      const ok = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, raw: JSON.stringify({ event: 'manual.action', robotId: 'idle-bot' }), headers: { 'content-type': 'application/json; charset=utf-8' } });
      assert.equal(ok.status, 202);
    });

    it('413 for a declared length over maxBodyBytes, before reading it', async () => {
      const big = JSON.stringify({ events: [{ event: 'manual.action', robotId: 'grid-btc', note: 'x'.repeat(400) }] }).padEnd(1_100_000, ' ');
      const r = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, raw: big, headers: { 'content-type': 'application/json' } });
      assert.equal(r.status, 413);
      assert.equal(r.json.error.code, 'payload_too_large');
      assert.equal(r.json.error.field, 'body');
    });

    it('413 for a streamed body once it passes the limit: the server stops reading instead of buffering it', async () => {
      let sent = 0;
      let answered = false;
      const res = await rawRequest(rig.url, { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, 'transfer-encoding': 'chunked' } }, (req) => {
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!answered && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        req.once('response', () => (answered = true));
        req.on('error', () => undefined);
        pump();
      });
      assert.equal(res.status, 413);
      assert.equal(JSON.parse(res.body).error.code, 'payload_too_large');
      // 1 MiB limit; socket buffers let the client write somewhat more before it learns, never 64 MiB.
      assert.ok(sent < 24 * 1024 * 1024, `the client could push ${sent} bytes before the answer`);
      assert.equal((await call(rig.url, 'GET', '/healthz')).status, 200);
    });

    it('413 on Expect: 100-continue with a length over the limit, without the body ever sent', async () => {
      let wroteBody = false;
      const res = await rawRequest(rig.url, { method: 'POST', path: '/api/v1/events', headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024), expect: '100-continue', authorization: `Bearer ${TOKEN}` } }, (req) => {
        req.on('continue', () => {
          wroteBody = true;
          req.end(Buffer.alloc(10));
        });
        req.flushHeaders();
      });
      assert.equal(res.status, 413);
      assert.equal(wroteBody, false);
    });

    it('a handler bug is a generic 500 (nothing of the error leaks), and the server keeps serving', async () => {
      const engine = rig.engine as unknown as { status: () => unknown };
      const original = engine.status;
      engine.status = () => {
        throw new Error('internal detail: /home/secret/path and a stack');
      };
      try {
        const r = await call(rig.url, 'GET', '/api/v1/status');
        assert.equal(r.status, 500);
        assert.deepEqual(r.json, { error: { code: 'internal', message: 'internal error; the server logged it' } });
        assert.ok(!r.text.includes('internal detail') && !r.text.includes('at '), r.text);
      } finally {
        engine.status = original;
      }
      assert.equal((await call(rig.url, 'GET', '/api/v1/status')).status, 200);
    });

    it('a malformed percent-encoding in a path parameter is a 400 naming it', async () => {
      const r = await call(rig.url, 'GET', '/api/v1/robots/%E0%A4%A');
      assert.equal(r.status, 400);
      assert.equal(r.json.error.field, 'id');
    });
  });
});

describe('control API with the engine not running', function () {
  this.timeout(30_000);
  let rig: ServerRig;
  before(async () => {
    rig = await startServerRig({ start: false });
  });
  after(() => rig?.close());

  it('/readyz is 503 naming the reason before start, 200 after, 503 after stop; /healthz stays 200', async () => {
    const before = await call(rig.url, 'GET', '/readyz');
    assert.equal(before.status, 503);
    assert.equal(before.json.ready, false);
    assert.equal(before.json.engine, 'created');
    assert.equal(before.json.error.code, 'not_ready');
    assert.match(before.json.error.message, /engine: expected running, is created/);
    await rig.engine.start();
    assert.equal((await call(rig.url, 'GET', '/readyz')).status, 200);
    await rig.engine.stop();
    const after = await call(rig.url, 'GET', '/readyz');
    assert.equal(after.status, 503);
    assert.equal(after.json.engine, 'stopped');
    assert.match(after.json.error.message, /engine: expected running, is stopped/);
    assert.equal((await call(rig.url, 'GET', '/healthz')).status, 200);
  });

  it('robot changes answer 503 engine_stopped too; a store outage maps to 503 store_unavailable', async () => {
    const acct = rig.sim.accounts[0]!.id;
    for (const [method, path, body] of [
      ['POST', '/api/v1/robots', { id: 'late-bot', accountId: acct, symbols: ['BTCUSDT'] }],
      ['PUT', '/api/v1/robots/grid-btc', { status: 'paused' }],
      ['DELETE', '/api/v1/robots/grid-btc', undefined],
    ] as const) {
      const r = await call(rig.url, method, path, { token: TOKEN, body });
      assert.equal(r.status, 503, `${method} ${path}`);
      assert.equal(r.json.error.code, 'engine_stopped');
    }
    const mapped = toErrorAnswer(new StoreUnavailableError('connection terminated'));
    assert.equal(mapped.status, 503);
    assert.equal(mapped.body.error.code, 'store_unavailable');
  });

  it('manual syncs and events answer 503 engine_stopped once the engine is stopped', async () => {
    const s = await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN });
    assert.equal(s.status, 503);
    assert.equal(s.json.error.code, 'engine_stopped');
    const e = await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, body: { event: 'order.placed', robotId: 'grid-btc' } });
    assert.equal(e.status, 503);
    assert.equal(e.json.error.code, 'engine_stopped');
  });
});
