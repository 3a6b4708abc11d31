import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { INBOUND_EVENTS, OUTBOUND_EVENTS, type OutboundEventName, type OutboundEvents } from '../bus/events.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../util/logger.js';
import { redact, redactString } from '../util/redact.js';
import { VERSION } from '../version.js';
import type { AuthPolicy } from './auth.js';
import { HttpError, toErrorAnswer } from './errors.js';
import { ingestEvent, type IngestResult } from './ingest.js';
import type { DisconnectReason, ServerMetrics } from './metrics.js';
import type { ResolvedServerOptions } from './options.js';
import { statusView } from './routes/status.js';
import { CLOSE_GOING_AWAY, CLOSE_HEARTBEAT, CLOSE_POLICY, CLOSE_SLOW_CONSUMER, Peer } from './ws-peer.js';
import { CHANNELS, DEFAULT_EVENTS, STATS_CHANNEL, parseClientMessage, type ClientId, type ClientMessage } from './ws-messages.js';

/**
 * `/api/v1/ws`: robots send events and get acks; robots, operators and the dashboard subscribe to
 * change events (per robot, or "*") and to `stats`. One engine listener per event type fans out
 * to the peers; each message is serialized (and redacted) once, however many peers get it.
 * The server pings every heartbeat interval and drops a peer that did not answer the previous one.
 */
export const WS_PATH = '/api/v1/ws';
/** Frames beyond this in the socket's own buffer wait in the peer's queue instead. */
const SOCKET_HIGH_WATER = 256 * 1024;
const CLOSE_GRACE_MS = 3000;

export interface WsHubDeps {
  engine: Engine;
  auth: AuthPolicy;
  logger: Logger;
  metrics: ServerMetrics;
  options: ResolvedServerOptions;
}

export class WsHub {
  readonly #d: WsHubDeps;
  readonly #wss: WebSocketServer;
  readonly #peers = new Set<Peer>();
  readonly #listeners: Array<[OutboundEventName, (e: never) => void]> = [];
  readonly #heartbeat: NodeJS.Timeout;
  readonly #stats: NodeJS.Timeout;
  #nextId = 1;
  #closed = false;

  constructor(deps: WsHubDeps) {
    this.#d = deps;
    // No compression: it costs CPU per peer and would let a small frame inflate past maxPayload checks.
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: deps.options.maxBodyBytes, perMessageDeflate: false, clientTracking: false });
    for (const name of OUTBOUND_EVENTS) {
      const fn = (e: never) => this.#fanOut(name, e);
      deps.engine.on(name, fn as OutboundEvents[typeof name]);
      this.#listeners.push([name, fn]);
    }
    this.#heartbeat = setInterval(() => this.#beat(), deps.options.heartbeatMs);
    this.#stats = setInterval(() => this.#pushStats(), deps.options.statsIntervalMs);
    this.#heartbeat.unref();
    this.#stats.unref();
  }

  get size(): number {
    return this.#peers.size;
  }

  /** The HTTP server's 'upgrade': only our path, only with the same auth as a write. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    try {
      if (this.#closed) throw new HttpError(503, 'engine_stopped', 'the server is shutting down');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/$/, '') : url.pathname;
      if (path !== WS_PATH) throw new HttpError(404, 'not_found', `no WebSocket at ${url.pathname.slice(0, 100)} (use ${WS_PATH})`);
      this.#d.auth.authorizeWrite(req, url, { allowQueryToken: true });
    } catch (err) {
      refuseUpgrade(socket, err);
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, req));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#stats);
    for (const [name, fn] of this.#listeners) this.#d.engine.off(name, fn as never);
    const closing = [...this.#peers].map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.ws.readyState === p.ws.CLOSED) return resolve();
          p.ws.once('close', () => resolve());
          this.#disconnect(p, CLOSE_GOING_AWAY, 'server shutting down', 'shutdown');
        }),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #accept(ws: WebSocket, req: IncomingMessage): void {
    const { options, metrics, logger } = this.#d;
    const peer = new Peer(ws, this.#nextId++, req.socket.remoteAddress ?? '?', {
      maxBufferedBytes: options.wsMaxBufferedBytes,
      socketHighWater: Math.min(SOCKET_HIGH_WATER, options.wsMaxBufferedBytes),
      closeGraceMs: CLOSE_GRACE_MS,
    }, (p, unsent) => {
      logger.warn('websocket peer too slow; disconnecting', { peer: p.id, remote: p.remote, unsentBytes: unsent, limitBytes: options.wsMaxBufferedBytes });
      this.#disconnect(p, CLOSE_SLOW_CONSUMER, `slow consumer: more than ${options.wsMaxBufferedBytes} bytes waiting to be sent`, 'slow_consumer');
    });
    this.#peers.add(peer);
    metrics.wsPeers.set(this.#peers.size);
    ws.on('pong', () => {
      peer.alive = true;
    });
    ws.on('message', (data, isBinary) => this.#onMessage(peer, data, isBinary));
    ws.on('error', (err) => logger.debug('websocket peer error', { peer: peer.id, error: err.message }));
    ws.on('close', (code) => {
      this.#peers.delete(peer);
      metrics.wsPeers.set(this.#peers.size);
      // Server-side decisions were counted when taken (a stalled peer may take seconds to go).
      if (peer.closeReason === null) metrics.wsDisconnects.inc({ reason: 'client' });
      logger.debug('websocket peer closed', { peer: peer.id, code, reason: peer.closeReason ?? 'client' });
    });
    this.#reply(peer, {
      type: 'hello',
      server: 'robosync',
      version: VERSION,
      heartbeatMs: options.heartbeatMs,
      statsIntervalMs: options.statsIntervalMs,
      maxBatchEvents: options.maxBatchEvents,
      inbound: INBOUND_EVENTS,
      channels: CHANNELS,
    });
  }

  #onMessage(peer: Peer, data: RawData, isBinary: boolean): void {
    peer.alive = true;
    this.#d.metrics.wsMessages.inc({ direction: 'in' });
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    let msg: ClientMessage;
    try {
      msg = isBinary && text.includes('\uFFFD') ? { kind: 'invalid', id: null, code: 'bad_json', field: 'message', message: 'message: expected UTF-8 JSON text, received binary data' } : parseClientMessage(text, this.#d.options.maxBatchEvents);
      this.#dispatch(peer, msg);
    } catch (err) {
      // A handler bug must not take the connection (or the process) down with it.
      this.#d.logger.error('websocket message handler failed', { peer: peer.id, error: redactString(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
      this.#reply(peer, { type: 'error', error: toErrorAnswer(err).body.error });
    }
  }

  #dispatch(peer: Peer, msg: ClientMessage): void {
    const { engine, metrics } = this.#d;
    switch (msg.kind) {
      case 'invalid': {
        this.#reply(peer, { type: 'error', ...(msg.id !== null ? { id: msg.id } : {}), error: { code: msg.code, message: msg.message, ...(msg.field ? { field: msg.field } : {}) } });
        if (peer.noteInvalid(Date.now())) this.#disconnect(peer, CLOSE_POLICY, 'too many malformed messages', 'abuse');
        return;
      }
      case 'ping':
        this.#reply(peer, { type: 'pong', id: msg.id, at: Date.now() });
        return;
      case 'event': {
        const r = ingestEvent(engine, msg.body, { transportFields: ['id', 'type'] });
        metrics.ingested.inc({ transport: 'ws', outcome: r.ok ? 'accepted' : 'rejected' });
        this.#reply(peer, ack(msg.id, r));
        return;
      }
      case 'events': {
        const results = msg.events.map((e, i) => {
          const r = ingestEvent(engine, e, { fieldPrefix: `events[${i}].`, transportFields: ['id', 'type'] });
          metrics.ingested.inc({ transport: 'ws', outcome: r.ok ? 'accepted' : 'rejected' });
          return r;
        });
        const accepted = results.filter((r) => r.ok).length;
        this.#reply(peer, { type: 'ack', id: msg.id, ok: accepted === results.length, accepted, rejected: results.length - accepted, results });
        return;
      }
      case 'subscribe':
      case 'unsubscribe':
        this.#subscribe(peer, msg);
        return;
    }
  }

  #subscribe(peer: Peer, msg: Extract<ClientMessage, { kind: 'subscribe' | 'unsubscribe' }>): void {
    if (msg.kind === 'subscribe') {
      if (msg.robots === '*') peer.robots = '*';
      else if (msg.robots && peer.robots !== '*') for (const r of msg.robots) peer.robots.add(r);
      const channels = msg.events ?? (msg.robots ? DEFAULT_EVENTS : []);
      for (const ch of channels) peer.channels.add(ch);
    } else {
      if (msg.robots === '*') peer.robots = new Set();
      else if (msg.robots && peer.robots !== '*') for (const r of msg.robots) peer.robots.delete(r);
      for (const ch of msg.events ?? []) peer.channels.delete(ch);
    }
    const robots = peer.robots === '*' ? '*' : [...peer.robots];
    const unknown = robots === '*' ? [] : robots.filter((r) => !this.#d.engine.robots.get(r));
    this.#reply(peer, { type: 'subscribed', id: msg.id, robots, events: [...peer.channels], ...(unknown.length ? { unknownRobots: unknown } : {}) });
    if (msg.kind === 'subscribe' && peer.channels.has(STATS_CHANNEL)) peer.send(this.#statsText(), { stats: true });
  }

  #fanOut<E extends OutboundEventName>(name: E, payload: Parameters<OutboundEvents[E]>[0]): void {
    if (!this.#peers.size) return;
    const p = payload as { robotId?: string | null; robotIds?: string[]; accountId?: string };
    const robotIds = p.robotIds ?? ('robotId' in p ? [p.robotId ?? null] : []);
    const accountOf = (r: string) => this.#d.engine.robots.get(r)?.accountId;
    let text: string | null = null;
    for (const peer of this.#peers) {
      if (!peer.wants(name, robotIds, robotIds.length ? undefined : p.accountId, accountOf)) continue;
      text ??= JSON.stringify({ type: 'event', event: name, data: redact(payload) });
      peer.send(text);
      this.#d.metrics.wsMessages.inc({ direction: 'out' });
    }
  }

  #statsText(): string {
    return JSON.stringify({ type: 'stats', data: redact(statusView(this.#d.engine)) });
  }

  #pushStats(): void {
    let text: string | null = null;
    for (const peer of this.#peers) {
      if (!peer.channels.has(STATS_CHANNEL)) continue;
      text ??= this.#statsText();
      peer.send(text, { stats: true });
      this.#d.metrics.wsMessages.inc({ direction: 'out' });
    }
  }

  #beat(): void {
    for (const peer of this.#peers) {
      if (peer.closing) continue;
      if (!peer.alive) {
        this.#d.logger.info('websocket peer stopped answering pings; dropping it', { peer: peer.id, remote: peer.remote });
        this.#disconnect(peer, CLOSE_HEARTBEAT, 'heartbeat timeout: no pong within one interval', 'heartbeat');
        // It is not answering, so it will not finish a close handshake either.
        peer.ws.terminate();
        continue;
      }
      peer.alive = false;
      try {
        peer.ws.ping();
      } catch {
        // closed in between; its close handler cleans up
      }
    }
  }

  #disconnect(peer: Peer, code: number, reason: string, why: DisconnectReason): void {
    if (peer.closing) return;
    this.#d.metrics.wsDisconnects.inc({ reason: why });
    peer.close(code, reason, why);
  }

  #reply(peer: Peer, obj: object): void {
    peer.send(JSON.stringify(redact(obj)));
    this.#d.metrics.wsMessages.inc({ direction: 'out' });
  }
}

function ack(id: ClientId, r: IngestResult): object {
  return r.ok ? { type: 'ack', id, ok: true } : { type: 'ack', id, ok: false, error: r.error };
}

/** Answers a refused upgrade with a plain HTTP status and the usual JSON error body. */
function refuseUpgrade(socket: Duplex, err: unknown): void {
  const mapped = toErrorAnswer(err);
  const body = JSON.stringify(mapped.body);
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[mapped.status] ?? 'Error';
  const headers = { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close', ...mapped.headers };
  const head = `HTTP/1.1 ${mapped.status} ${reason}\r\n` + Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n';
  socket.end(head + body);
  setTimeout(() => socket.destroy(), 1000).unref();
}
