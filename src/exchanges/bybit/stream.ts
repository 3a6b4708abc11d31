import { EventEmitter } from 'eventemitter3';
import WebSocket from 'ws';
import type { PrivateStream, PrivateStreamEvents } from '../adapter.js';
import type { Clock, TimerHandle } from '../../util/clock.js';
import type { Logger } from '../../util/logger.js';
import { AuthError, ExchangeUnavailableError } from '../../errors.js';
import { redactString } from '../../util/redact.js';
import { mapExecution, mapOrder, mapPosition } from './map.js';
import { signWsAuth } from './sign.js';

export interface BybitStreamConfig {
  /** Full URL, e.g. wss://stream.bybit.com/v5/private */
  url: string;
  apiKey: string;
  apiSecret: string;
  clock: Clock;
  logger: Logger;
  /** Ping period; Bybit recommends 20 s and drops idle sockets after ~10 min (A.6). */
  heartbeatMs: number;
  /** A ping unanswered this long means the connection is dead. Default: 2 x heartbeat, 1..10 s. */
  pongTimeoutMs?: number;
  /** Reconnect backoff bounds (exponential, with jitter). Defaults 500 ms .. 30 s. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** How far ahead the auth `expires` lies. */
  recvWindowMs: number;
  /** Socket open + auth + subscribe must finish within this. Default 10 s. */
  connectTimeoutMs?: number;
}

const TOPICS = ['order', 'execution', 'position'];

/**
 * Bybit's private stream (exchange-apis.md A.6): connect, auth, subscribe; `open` once both are
 * acknowledged. Bybit replays nothing after a reconnect, so every `open` after the first says
 * `reconnect: true` and the engine backfills from its cursors. A ping whose pong does not come
 * back in time means a half-dead TCP connection: it is cut and redialled.
 * `close` is emitted only for connections that had emitted `open`.
 */
export class BybitPrivateStream extends EventEmitter<PrivateStreamEvents> implements PrivateStream {
  readonly #cfg: Required<Omit<BybitStreamConfig, 'pongTimeoutMs'>> & { pongTimeoutMs: number };
  #ws: WebSocket | null = null;
  #connected = false;
  #started = false;
  #stopped = false;
  #opens = 0;
  #attempt = 0;
  #ids = 0;
  #dropReason = '';
  #reconnectTimer: TimerHandle | null = null;
  #heartbeatTimer: TimerHandle | null = null;
  #connectTimer: TimerHandle | null = null;
  readonly #pings = new Map<string, { sentAt: number; deadline: TimerHandle }>();

  constructor(cfg: BybitStreamConfig) {
    super();
    this.#cfg = {
      reconnectMinMs: 500,
      reconnectMaxMs: 30_000,
      connectTimeoutMs: 10_000,
      ...cfg,
      pongTimeoutMs: cfg.pongTimeoutMs ?? Math.min(10_000, Math.max(1_000, 2 * cfg.heartbeatMs)),
    };
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#clearTimer('reconnect');
    const ws = this.#ws;
    if (!ws) return;
    await new Promise<void>((resolve) => {
      const fallback = this.#cfg.clock.setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1_000);
      ws.once('close', () => {
        this.#cfg.clock.clearTimeout(fallback);
        resolve();
      });
      this.#dropReason = 'stopped';
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, 'client stop');
    });
  }

  #connect(): void {
    if (this.#stopped) return;
    const { clock, logger } = this.#cfg;
    const ws = new WebSocket(this.#cfg.url);
    this.#ws = ws;
    this.#dropReason = '';
    this.#connectTimer = clock.setTimeout(() => this.#drop(ws, 'auth/subscribe not acknowledged in time'), this.#cfg.connectTimeoutMs);
    ws.on('open', () => {
      const expires = clock.now() + this.#cfg.recvWindowMs;
      this.#send(ws, { req_id: this.#nextId('auth'), op: 'auth', args: [this.#cfg.apiKey, expires, signWsAuth(this.#cfg.apiSecret, expires)] });
    });
    ws.on('message', (data) => this.#onMessage(ws, data));
    // 'close' always follows 'error'; the reason is kept for it.
    ws.on('error', (err) => {
      if (!this.#dropReason) this.#dropReason = `socket error (${(err as { code?: string }).code ?? err.name})`;
    });
    ws.on('close', (code) => this.#onClose(ws, code));
    logger.debug('bybit private stream connecting', { attempt: this.#attempt });
  }

  #onMessage(ws: WebSocket, data: WebSocket.RawData): void {
    if (ws !== this.#ws) return;
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(data.toString()) as Record<string, unknown>;
    } catch {
      this.emit('error', new ExchangeUnavailableError('bybit private stream: a message was not JSON'));
      return;
    }
    if (typeof msg.topic === 'string') return this.#onPush(msg.topic, msg.data);
    switch (msg.op) {
      case 'auth':
        if (msg.success === true) {
          this.#send(ws, { req_id: this.#nextId('sub'), op: 'subscribe', args: TOPICS });
        } else {
          this.emit('error', new AuthError(`bybit private stream: authentication refused (${safe(msg.ret_msg)})`));
          this.#drop(ws, 'authentication refused');
        }
        return;
      case 'subscribe':
        if (msg.success === true) this.#onOpen(ws);
        else {
          this.emit('error', new ExchangeUnavailableError(`bybit private stream: subscribe refused (${safe(msg.ret_msg)})`));
          this.#drop(ws, 'subscribe refused');
        }
        return;
      case 'pong':
        return this.#onPong(msg.req_id);
      case 'ping':
        // Public-style pong ({op:'ping', ret_msg:'pong'}); accept it too.
        if (msg.ret_msg === 'pong') this.#onPong(msg.req_id);
        return;
      default:
    }
  }

  #onOpen(ws: WebSocket): void {
    this.#clearTimer('connect');
    this.#connected = true;
    this.#attempt = 0;
    const reconnect = this.#opens > 0;
    this.#opens++;
    this.#cfg.logger.info('bybit private stream open', { reconnect });
    this.emit('open', { reconnect });
    if (ws === this.#ws && this.#connected) this.#ping(ws);
  }

  #onPush(topic: string, data: unknown): void {
    if (!Array.isArray(data)) {
      this.emit('error', new ExchangeUnavailableError(`bybit private stream: ${topic} push without a data array`));
      return;
    }
    // Only linear is synced; the all-in-one topics also carry spot/inverse/option rows.
    const rows = data.filter((r) => !r || typeof r !== 'object' || (r as { category?: unknown }).category === undefined || (r as { category?: unknown }).category === 'linear');
    const kind = topic.split('.')[0];
    if (kind === 'order') {
      const orders = this.#mapRows(rows, mapOrder);
      if (orders.length > 0) this.emit('orders', orders);
    } else if (kind === 'execution') {
      const executions = this.#mapRows(rows, mapExecution);
      if (executions.length > 0) this.emit('executions', executions);
    } else if (kind === 'position') {
      const positions = this.#mapRows(rows, (r) => mapPosition(r, 'ws'));
      if (positions.length > 0) this.emit('positions', positions);
    }
  }

  /** Maps what it can; a row it cannot read is reported (the engine backfills on a stream error). */
  #mapRows<T>(rows: unknown[], map: (raw: unknown) => T): T[] {
    const out: T[] = [];
    for (const r of rows) {
      try {
        out.push(map(r));
      } catch (err) {
        this.emit('error', err as Error);
      }
    }
    return out;
  }

  #ping(ws: WebSocket): void {
    const { clock } = this.#cfg;
    const id = this.#nextId('ping');
    const sentAt = clock.now();
    const deadline = clock.setTimeout(() => {
      if (this.#pings.has(id)) this.#drop(ws, `no pong within ${this.#cfg.pongTimeoutMs} ms`);
    }, this.#cfg.pongTimeoutMs);
    this.#pings.set(id, { sentAt, deadline });
    this.#send(ws, { req_id: id, op: 'ping' });
    this.#heartbeatTimer = clock.setTimeout(() => {
      if (ws === this.#ws && this.#connected) this.#ping(ws);
    }, this.#cfg.heartbeatMs);
  }

  #onPong(reqId: unknown): void {
    // Without an echoed req_id the oldest ping is the one answered.
    const id = typeof reqId === 'string' && this.#pings.has(reqId) ? reqId : this.#pings.keys().next().value;
    if (id === undefined) return;
    const answered = this.#pings.get(id)!;
    // Pongs come in order, so every earlier ping is answered too.
    for (const [k, p] of this.#pings) {
      if (p.sentAt > answered.sentAt) continue;
      this.#cfg.clock.clearTimeout(p.deadline);
      this.#pings.delete(k);
    }
    this.emit('heartbeat', answered.sentAt);
  }

  #drop(ws: WebSocket, reason: string): void {
    if (ws !== this.#ws) return;
    if (!this.#dropReason) this.#dropReason = reason;
    ws.terminate();
  }

  #onClose(ws: WebSocket, code: number): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#clearTimer('connect');
    this.#clearTimer('heartbeat');
    for (const p of this.#pings.values()) this.#cfg.clock.clearTimeout(p.deadline);
    this.#pings.clear();
    const reason = this.#dropReason || `closed by the server (code ${code})`;
    if (this.#connected) {
      this.#connected = false;
      this.#cfg.logger.warn('bybit private stream closed', { reason });
      this.emit('close', { reason });
    }
    if (this.#stopped) return;
    const delay = this.#backoff();
    this.#cfg.logger.debug('bybit private stream reconnecting', { inMs: delay, reason });
    this.#reconnectTimer = this.#cfg.clock.setTimeout(() => {
      this.#reconnectTimer = null;
      this.#connect();
    }, delay);
  }

  /** Full jitter on an exponential ceiling: many accounts dropped at once do not redial in step. */
  #backoff(): number {
    const { reconnectMinMs: min, reconnectMaxMs: max } = this.#cfg;
    const ceiling = Math.min(max, min * 2 ** Math.min(this.#attempt, 20));
    this.#attempt++;
    return Math.round(min / 2 + Math.random() * (ceiling - min / 2));
  }

  #send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  #nextId(kind: string): string {
    return `${kind}-${++this.#ids}`;
  }

  #clearTimer(which: 'reconnect' | 'heartbeat' | 'connect'): void {
    const h = which === 'reconnect' ? this.#reconnectTimer : which === 'heartbeat' ? this.#heartbeatTimer : this.#connectTimer;
    if (h !== null) this.#cfg.clock.clearTimeout(h);
    if (which === 'reconnect') this.#reconnectTimer = null;
    else if (which === 'heartbeat') this.#heartbeatTimer = null;
    else this.#connectTimer = null;
  }
}

function safe(v: unknown): string {
  return typeof v === 'string' ? redactString(v).slice(0, 200) : 'no message';
}
