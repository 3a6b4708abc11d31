import { startServer, type ServerHandle, type StartServerOptions } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/logger.js';
import { type Rig, startRig } from '../helpers/engine.js';

/**
 * A rig (simulator + fresh PostgreSQL + engine) with the control plane in front of it, on an
 * ephemeral loopback port. Three robots on two simulator accounts, as in the engine tests.
 */
export interface ServerRig extends Rig {
  server: ServerHandle;
  url: string;
}

export const TOKEN = 'test-token-0123456789abcdef';

export async function startServerRig(opts: {
  token?: string | null;
  start?: boolean;
  tuning?: StartServerOptions['tuning'];
  config?: Parameters<typeof startRig>[0]['config'];
  robots?: Parameters<typeof startRig>[0]['robots'];
} = {}): Promise<ServerRig> {
  const rig = await startRig({
    config: opts.config,
    robots:
      opts.robots ??
      ((sim) => [
        { id: 'grid-btc', accountId: sim.accounts[0]!.id, symbols: ['BTCUSDT'], orderLinkPrefix: 'grid-' },
        { id: 'dca-eth', accountId: sim.accounts[0]!.id, symbols: ['ETHUSDT'] },
        { id: 'idle-bot', accountId: sim.accounts[1]!.id, symbols: ['BTCUSDT'] },
      ]),
  });
  try {
    if (opts.start !== false) await rig.engine.start();
    const server = await startServer({
      engine: rig.engine,
      config: { host: '127.0.0.1', port: 0, ...(opts.token === null ? { token: undefined } : { token: opts.token ?? TOKEN }) },
      logger: silentLogger(),
      tuning: opts.tuning,
    });
    return {
      ...rig,
      server,
      url: server.url,
      async close() {
        await server.close();
        await rig.close();
      },
    };
  } catch (err) {
    await rig.close();
    throw err;
  }
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** fetch with a JSON body and an optional bearer token; the answer's text and parsed JSON. */
export async function call(base: string, method: string, path: string, opts: { token?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Buffer | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body) });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A Logger that keeps what it was told (for "warns once" and "never logs a secret"). */
export function recordingLogger(): { logger: import('../../src/util/logger.js').Logger; lines: { level: string; message: string; meta?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  const make = (base: Record<string, unknown>): import('../../src/util/logger.js').Logger => ({
    debug: (message, meta) => lines.push({ level: 'debug', message, meta: { ...base, ...meta } }),
    info: (message, meta) => lines.push({ level: 'info', message, meta: { ...base, ...meta } }),
    warn: (message, meta) => lines.push({ level: 'warn', message, meta: { ...base, ...meta } }),
    error: (message, meta) => lines.push({ level: 'error', message, meta: { ...base, ...meta } }),
    child: (meta) => make({ ...base, ...meta }),
  });
  return { logger: make({}), lines };
}

/** Opens a WebSocket; resolves with the socket, or with the HTTP status that refused it. */
export async function wsConnect(url: string, opts: { token?: string; query?: string; headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<{ ws: import('ws').WebSocket; status: 101; messages: any[] } | { ws: null; status: number; body: string }> {
  const { WebSocket } = await import('ws');
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const target = url.replace(/^http/, 'ws') + '/api/v1/ws' + (opts.query ?? '');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(target, { headers, autoPong: opts.autoPong ?? true });
    // The server's hello can arrive in the same packet as the 101: listen before 'open'.
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.once('open', () => resolve({ ws, status: 101, messages }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ws: null, status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (err) => reject(err));
  });
}
