import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { ConfigError } from '../../src/errors.js';
import { isLoopbackHost, tokenMatches } from '../../src/server/auth.js';
import { startServer, type ServerHandle } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/logger.js';
import { TOKEN, call, recordingLogger, startServerRig, wsConnect, type ServerRig } from './helpers.js';

function requestWithHost(url: string, method: string, path: string, headers: Record<string, string>): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: body ? JSON.parse(body) : null }));
    });
    req.on('error', reject);
    req.end();
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function isListening(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('auth', function () {
  this.timeout(30_000);

  describe('helpers', () => {
    it('tokenMatches compares whole tokens whatever their length', () => {
      assert.equal(tokenMatches('abcdefgh12', 'abcdefgh12'), true);
      assert.equal(tokenMatches('abcdefgh12', 'abcdefgh1'), false);
      assert.equal(tokenMatches('abcdefgh12', 'abcdefgh123'), false);
      assert.equal(tokenMatches('abcdefgh12', ''), false);
    });

    it('isLoopbackHost knows 127/8, ::1, mapped loopback and localhost, and nothing else', () => {
      for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'app.localhost']) assert.equal(isLoopbackHost(h), true, h);
      for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com', 'localhost.example.com', '128.0.0.1']) assert.equal(isLoopbackHost(h), false, h);
    });
  });

  describe('with a token configured', () => {
    let rig: ServerRig;
    before(async () => {
      rig = await startServerRig({});
    });
    after(() => rig?.close());

    it('a mutating call without a token is 401 with a Bearer challenge', async () => {
      for (const [method, path, body] of [
        ['POST', '/api/v1/sync/all', undefined],
        ['POST', '/api/v1/events', { event: 'order.placed', robotId: 'grid-btc' }],
        ['POST', '/api/v1/robots', { id: 'x1', accountId: 'acc-1', symbols: ['BTCUSDT'] }],
        ['PUT', '/api/v1/robots/grid-btc', { status: 'paused' }],
        ['DELETE', '/api/v1/robots/grid-btc', undefined],
      ] as const) {
        const r = await call(rig.url, method, path, { body });
        assert.equal(r.status, 401, `${method} ${path}`);
        assert.equal(r.json.error.code, 'unauthorized');
        assert.equal(r.json.error.field, 'authorization');
        assert.match(r.headers.get('www-authenticate')!, /^Bearer realm="robosync"/);
      }
      // nothing happened
      assert.equal(rig.engine.robots.get('grid-btc')?.status, 'active');
      assert.equal(rig.engine.robots.get('x1'), null);
    });

    it('a wrong token, a token of another scheme or an empty one is 401 (and is not echoed)', async () => {
      for (const auth of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, `Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer ', TOKEN]) {
        const r = await call(rig.url, 'POST', '/api/v1/sync/all', { headers: { authorization: auth } });
        assert.equal(r.status, 401, auth);
        assert.match(r.json.error.message, /not valid|received nothing/);
        assert.ok(!r.text.includes(TOKEN.slice(0, 12)));
      }
    });

    it('the right token is accepted; reads need none', async () => {
      assert.equal((await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN })).status, 200);
      assert.equal((await call(rig.url, 'POST', '/api/v1/sync/all', { headers: { authorization: `bearer   ${TOKEN}` } })).status, 200);
      for (const p of ['/api/v1/status', '/api/v1/robots', '/api/v1/accounts', '/api/v1/sync/runs', '/metrics', '/healthz', '/readyz', '/']) {
        assert.equal((await call(rig.url, 'GET', p)).status, 200, p);
      }
    });

    it('a browser request from another origin is 403 even with the token; the same origin is fine', async () => {
      const other = await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN, headers: { origin: 'https://evil.example' } });
      assert.equal(other.status, 403);
      assert.equal(other.json.error.field, 'origin');
      const nul = await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN, headers: { origin: 'null' } });
      assert.equal(nul.status, 403);
      const same = await call(rig.url, 'POST', '/api/v1/sync/all', { token: TOKEN, headers: { origin: rig.url } });
      assert.equal(same.status, 200);
    });

    it('the token is not accepted in the query string for HTTP calls (only for browser WebSockets)', async () => {
      const r = await call(rig.url, 'POST', `/api/v1/sync/all?token=${TOKEN}`);
      assert.equal(r.status, 401);
    });

    it('WebSocket: refused without a token (401) or with a wrong one; accepted by header or ?token=', async () => {
      const none = await wsConnect(rig.url);
      assert.equal(none.status, 401);
      assert.equal(JSON.parse((none as { body: string }).body).error.code, 'unauthorized');
      assert.equal((await wsConnect(rig.url, { token: 'wrong-token-123' })).status, 401);
      assert.equal((await wsConnect(rig.url, { query: '?token=wrong-token-123' })).status, 401);
      const byHeader = await wsConnect(rig.url, { token: TOKEN });
      assert.equal(byHeader.status, 101);
      byHeader.ws!.close();
      const byQuery = await wsConnect(rig.url, { query: `?token=${encodeURIComponent(TOKEN)}` });
      assert.equal(byQuery.status, 101);
      byQuery.ws!.close();
      const crossSite = await wsConnect(rig.url, { token: TOKEN, headers: { origin: 'https://evil.example' } });
      assert.equal(crossSite.status, 403);
    });
  });

  describe('without a token', () => {
    it('refuses to start on a non-loopback address, naming server.token, and binds nothing', async () => {
      const rig = await startServerRig({ token: null });
      try {
        const port = await freePort();
        for (const host of ['0.0.0.0', '::', '192.168.1.10']) {
          await assert.rejects(
            startServer({ engine: rig.engine, config: { host, port, token: undefined }, logger: silentLogger() }),
            (e: unknown) => e instanceof ConfigError && /^server\.token: expected a token when server\.host is not a loopback address/.test(e.message) && e.message.includes('ROBOSYNC_TOKEN'),
          );
        }
        assert.equal(await isListening(port, '127.0.0.1'), false);
        // With a token the same address is fine.
        const s = await startServer({ engine: rig.engine, config: { host: '0.0.0.0', port: 0, token: TOKEN }, logger: silentLogger() });
        assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal((await call(s.url, 'GET', '/healthz')).status, 200);
        await s.close();
      } finally {
        await rig.close();
      }
    });

    it('on loopback, mutating calls work without one; the server warns once at start', async () => {
      const rig = await startServerRig({ token: null });
      const rec = recordingLogger();
      let s: ServerHandle | null = null;
      try {
        s = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0 }, logger: rec.logger });
        assert.equal((await call(s.url, 'POST', '/api/v1/sync/all')).status, 200);
        assert.equal((await call(s.url, 'POST', '/api/v1/events', { body: { event: 'manual.action', robotId: 'grid-btc' } })).status, 202);
        const ws = await wsConnect(s.url);
        assert.equal(ws.status, 101);
        ws.ws!.close();
        const warnings = rec.lines.filter((l) => l.level === 'warn' && /no server token/.test(l.message));
        assert.equal(warnings.length, 1);
        // A web page elsewhere cannot drive it: a foreign Host (DNS rebinding) or Origin is 403.
        const rebound = await requestWithHost(s.url, 'POST', '/api/v1/sync/all', { host: `evil.example:${s.port}` });
        assert.equal(rebound.status, 403);
        assert.equal(rebound.json.error.field, 'host');
        const cross = await call(s.url, 'POST', '/api/v1/sync/all', { headers: { origin: 'http://evil.example' } });
        assert.equal(cross.status, 403);
        assert.equal((await requestWithHost(s.url, 'POST', '/api/v1/sync/all', { host: `localhost:${s.port}` })).status, 200);
      } finally {
        await s?.close();
        await rig.close();
      }
    });
  });

  describe('options', () => {
    let rig: ServerRig;
    before(async () => {
      rig = await startServerRig({});
    });
    after(() => rig?.close());

    it('bad options are a ConfigError naming the field', async () => {
      for (const [config, path] of [
        [{ port: 70000 }, 'server.port'],
        [{ port: -1 }, 'server.port'],
        [{ host: '' }, 'server.host'],
        [{ maxBodyBytes: 10 }, 'server.maxBodyBytes'],
        [{ token: 'short' }, 'server.token'],
      ] as const) {
        await assert.rejects(startServer({ engine: rig.engine, config: Object.assign({ host: '127.0.0.1', port: 0 }, config), logger: silentLogger() }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${path}: expected`));
      }
    });

    it('a port in use is a ConfigError naming server.port', async () => {
      await assert.rejects(
        startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: rig.server.port, token: TOKEN }, logger: silentLogger() }),
        (e: unknown) => e instanceof ConfigError && /^server\.port: expected a free port, received \d+ \(already in use/.test(e.message),
      );
      assert.equal((await call(rig.url, 'GET', '/healthz')).status, 200);
    });

    it('close() is idempotent and frees the port', async () => {
      const s = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0 }, logger: silentLogger() });
      await Promise.all([s.close(), s.close()]);
      await s.close();
      assert.equal(await isListening(s.port, '127.0.0.1'), false);
    });
  });
});
