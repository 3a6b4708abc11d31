import http from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../util/logger.js';
import type { SimReply, SimRequest } from './http/types.js';

/** Bodies above this are refused (no exchange request comes close). */
const MAX_BODY = 1 << 20;

export interface ServerDeps {
  /** Exchange requests. */
  exchange(req: SimRequest): SimReply;
  /** Admin requests under /__sim/. */
  admin(req: SimRequest): Promise<{ status: number; body: unknown }>;
  /** WebSocket upgrades for a path; false when the path has no stream. */
  upgrade(path: string, req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  onReply(r: SimReply): void;
  latencyMs(): number;
  trustForwardedFor(): boolean;
  logger: Logger;
}

/**
 * node:http plumbing: reads the raw bytes, splits path and raw query without re-encoding,
 * delays answers by the configured latency, and holds "timed out" requests until close().
 */
export class SimHttpServer {
  readonly server: http.Server;
  readonly #d: ServerDeps;
  readonly #held = new Set<http.ServerResponse>();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #sockets = new Set<Socket>();

  constructor(deps: ServerDeps) {
    this.#d = deps;
    this.server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => this.#onRequest(req, res));
    this.server.on('connection', (s) => {
      this.#sockets.add(s);
      s.on('close', () => this.#sockets.delete(s));
    });
    this.server.on('upgrade', (req, socket, head) => {
      const path = (req.url ?? '/').split('?')[0]!;
      try {
        if (!this.#d.upgrade(path, req, socket, head)) {
          socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        }
      } catch {
        socket.destroy();
      }
    });
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const a = this.server.address();
        resolve(typeof a === 'object' && a ? a.port : port);
      });
    });
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) tooBig = true;
      else chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooBig) return this.#write(res, 413, { 'content-type': 'application/json' }, JSON.stringify({ error: 'body too large' }));
      const sreq = this.#toSimRequest(req, Buffer.concat(chunks).toString('utf8'));
      if (sreq.path.startsWith('/__sim/') || sreq.path === '/__sim') {
        this.#d
          .admin(sreq)
          .then((r) => this.#write(res, r.status, { 'content-type': 'application/json' }, JSON.stringify(r.body)))
          .catch((e) => this.#write(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ error: String(e) })));
        return;
      }
      let reply: SimReply;
      try {
        reply = this.#d.exchange(sreq);
      } catch (e) {
        this.#d.logger.error('simulator: request failed', { error: e instanceof Error ? e.stack : String(e) });
        reply = { status: 500, headers: { 'content-type': 'application/json' }, body: '{}', endpoint: '(error)' };
      }
      this.#d.onReply(reply);
      if (reply.hold) {
        this.#held.add(res);
        res.on('close', () => this.#held.delete(res));
        return;
      }
      const delay = this.#d.latencyMs() + (reply.delayMs ?? 0);
      if (delay <= 0) return this.#write(res, reply.status, reply.headers, reply.body);
      const t = setTimeout(() => {
        this.#timers.delete(t);
        this.#write(res, reply.status, reply.headers, reply.body);
      }, delay);
      this.#timers.add(t);
    });
  }

  #toSimRequest(req: http.IncomingMessage, body: string): SimRequest {
    let url = req.url ?? '/';
    // Absolute-form targets (proxies) carry scheme and host; keep path and query only.
    const abs = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url);
    if (abs) url = url.slice(abs[0].length) || '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const rawQuery = q < 0 ? '' : url.slice(q + 1);
    let ip = req.socket.remoteAddress ?? 'unknown';
    if (ip.startsWith('::ffff:')) ip = ip.slice(7);
    if (this.#d.trustForwardedFor()) {
      const xff = req.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) ip = first;
    }
    return { method: req.method ?? 'GET', path, rawQuery, query: new URLSearchParams(rawQuery), headers: req.headers, body, ip };
  }

  #write(res: http.ServerResponse, status: number, headers: Record<string, string>, body: string): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const r of this.#held) r.destroy();
    this.#held.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.#sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
  }
}
