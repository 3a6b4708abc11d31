import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { AccountState } from '../core/account.js';
import type { ChangeBatch } from '../core/batch.js';
import type { Engine } from '../core/engine.js';
import type { FaultInjector } from '../core/faults.js';
import type { Logger } from '../../util/logger.js';
import type { LimitConfig } from '../types.js';
import { hmacHex, sameText } from './auth.js';
import { positionRow, wsExecutionRow, wsFastExecutionRow, wsOrderRow } from './format.js';

export const PRIVATE_PATH = '/v5/private';

const BASE_TOPICS = ['order', 'execution', 'execution.fast', 'position', 'wallet', 'greeks', 'dcp'];
const CATEGORIES = ['linear', 'inverse', 'spot', 'option'];

interface Conn {
  ws: WebSocket;
  connId: string;
  account?: AccountState;
  topics: Set<string>;
  openedAt: number;
  lastActivity: number;
  idleMs: number;
}

export interface StreamDeps {
  engine: Engine;
  faults: FaultInjector;
  limits: LimitConfig;
  now: () => number;
  logger: Logger;
}

export interface StreamStats {
  connections: number;
  connectionsTotal: number;
  messages: number;
}

/**
 * Bybit's private stream: auth with the HMAC of "GET/realtime"+expires, subscribe to order /
 * execution / execution.fast / position, pushes built from the engine's change batches. No
 * snapshot and no replay: a client that was away misses what happened (as on Bybit).
 */
export class BybitPrivateStream {
  readonly #d: StreamDeps;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #conns = new Set<Conn>();
  readonly #byAccount = new Map<string, Set<Conn>>();
  readonly #sweeper: ReturnType<typeof setInterval>;
  readonly stats: StreamStats = { connections: 0, connectionsTotal: 0, messages: 0 };
  readonly #onChanges = (b: ChangeBatch) => this.#push(b);

  constructor(deps: StreamDeps) {
    this.#d = deps;
    deps.engine.events.on('changes', this.#onChanges);
    // Idle and drop-every checks on a short sweep: cheap, and it follows fault changes at once.
    this.#sweeper = setInterval(() => this.#sweep(), 50);
    this.#sweeper.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const idleMs = idleFor(url.searchParams.get('max_active_time'), this.#d.limits.wsIdleMs);
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws, idleMs));
  }

  #onConnection(ws: WebSocket, idleMs: number): void {
    const t = performance.now();
    const conn: Conn = { ws, connId: connId(), topics: new Set(), openedAt: t, lastActivity: t, idleMs };
    this.#conns.add(conn);
    this.stats.connections++;
    this.stats.connectionsTotal++;
    ws.on('message', (data: RawData, isBinary: boolean) => {
      conn.lastActivity = performance.now();
      try {
        this.#onMessage(conn, isBinary ? '' : data.toString());
      } catch (e) {
        this.#d.logger.error('simulator: ws message handler failed', { error: e instanceof Error ? e.stack : String(e) });
      }
    });
    ws.on('close', () => this.#forget(conn));
    ws.on('error', () => this.#forget(conn));
  }

  #forget(conn: Conn): void {
    if (!this.#conns.delete(conn)) return;
    this.stats.connections--;
    if (conn.account) this.#byAccount.get(conn.account.id)?.delete(conn);
  }

  #send(conn: Conn, msg: unknown): void {
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
    this.stats.messages++;
  }

  #onMessage(conn: Conn, text: string): void {
    let m: unknown;
    try {
      m = JSON.parse(text);
    } catch {
      return this.#send(conn, { success: false, ret_msg: 'Params Error', conn_id: conn.connId });
    }
    if (!m || typeof m !== 'object' || Array.isArray(m)) return this.#send(conn, { success: false, ret_msg: 'Params Error', conn_id: conn.connId });
    const msg = m as { op?: unknown; args?: unknown; req_id?: unknown };
    const reqId = typeof msg.req_id === 'string' || typeof msg.req_id === 'number' ? String(msg.req_id) : undefined;
    const answer = (op: string, success: boolean, retMsg: string) =>
      this.#send(conn, { success, ret_msg: retMsg, op, conn_id: conn.connId, ...(reqId !== undefined ? { req_id: reqId } : {}) });
    switch (msg.op) {
      case 'ping':
        return this.#send(conn, { ...(reqId !== undefined ? { req_id: reqId } : {}), op: 'pong', args: [String(this.#d.now())], conn_id: conn.connId });
      case 'auth':
        return answer('auth', ...this.#auth(conn, msg.args));
      case 'subscribe':
      case 'unsubscribe': {
        const r = this.#subscription(conn, msg.op, msg.args);
        return answer(msg.op, r[0], r[1]);
      }
      default:
        return answer(typeof msg.op === 'string' ? msg.op : '', false, `error:unsupported op: ${String(msg.op)}`);
    }
  }

  /** [U] Failure texts other than "Params Error" are our guesses. */
  #auth(conn: Conn, args: unknown): [boolean, string] {
    if (!Array.isArray(args) || args.length !== 3) return [false, 'Params Error'];
    const [key, expiresRaw, sig] = args as unknown[];
    const expires = typeof expiresRaw === 'number' ? expiresRaw : typeof expiresRaw === 'string' && /^\d{1,16}$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
    if (typeof key !== 'string' || typeof sig !== 'string' || !Number.isSafeInteger(expires)) return [false, 'Params Error'];
    if (conn.account) return [false, 'Repeat auth'];
    if (expires <= this.#d.now()) return [false, 'Request expired'];
    const acct = this.#d.engine.accountByKey(key);
    if (!acct) return [false, 'Invalid apikey'];
    if (!sameText(hmacHex(acct.creds.apiSecret, `GET/realtime${String(expiresRaw)}`), sig)) return [false, 'Invalid sign'];
    conn.account = acct;
    let set = this.#byAccount.get(acct.id);
    if (!set) this.#byAccount.set(acct.id, (set = new Set()));
    set.add(conn);
    return [true, ''];
  }

  #subscription(conn: Conn, op: 'subscribe' | 'unsubscribe', args: unknown): [boolean, string] {
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string')) return [false, 'Params Error'];
    const topics = args as string[];
    for (const t of topics) if (!isPrivateTopic(t)) return [false, `error:handler not found,topic:${t}`];
    const categorised = topics.filter((t) => CATEGORIES.some((c) => t.endsWith(`.${c}`)));
    if (categorised.length > 0 && categorised.length < topics.length) return [false, 'Params Error: cannot mix all-in-one and categorised topics'];
    if (!conn.account) return [false, 'Request not authorized'];
    for (const t of topics) {
      if (op === 'subscribe') conn.topics.add(t);
      else conn.topics.delete(t);
    }
    return [true, ''];
  }

  /** Turns one change batch into topic messages for the account's connections. */
  #push(b: ChangeBatch): void {
    const conns = this.#byAccount.get(b.accountId);
    if (!conns || conns.size === 0) return;
    const engine = this.#d.engine;
    const creationTime = this.#d.now();
    const inst = (s: string) => engine.instruments.get(s)!;
    const lazy = new Map<string, string | null>();
    const build = (topic: string): string | null => {
      if (lazy.has(topic)) return lazy.get(topic)!;
      const base = topic.endsWith('.linear') ? topic.slice(0, -'.linear'.length) : topic;
      let text: string | null = null;
      if (base === 'execution.fast') {
        const trades = b.executions.filter((e) => e.execType === 'Trade');
        if (trades.length) text = JSON.stringify({ topic, creationTime, data: trades.map(wsFastExecutionRow) });
      } else if (base === 'execution') {
        if (b.executions.length) text = JSON.stringify({ id: msgId(), topic, creationTime, data: b.executions.map(wsExecutionRow) });
      } else if (base === 'order') {
        if (b.orders.length) text = JSON.stringify({ id: msgId(), topic, creationTime, data: b.orders.map((o) => wsOrderRow(o, inst(o.symbol))) });
      } else if (base === 'position') {
        if (b.positions.length) {
          const data = b.positions.map((p) => positionRow(p, inst(p.symbol), engine.market.price(p.symbol, b.at), true));
          text = JSON.stringify({ id: msgId(), topic, creationTime, data });
        }
      }
      lazy.set(topic, text);
      return text;
    };
    const filled = b.orders.filter((o) => o.status === 'Filled');
    for (const conn of conns) {
      for (const base of ['execution.fast', 'execution', 'order', 'position']) {
        for (const topic of [base, `${base}.linear`]) {
          if (!conn.topics.has(topic)) continue;
          const text = build(topic);
          if (text === null) continue;
          if (this.#d.faults.wsDropMessage(b.accountId)) continue;
          this.#send(conn, text);
          if (base === 'order') this.#maybeDuplicateFilled(conn, topic, filled, b, creationTime);
        }
      }
    }
  }

  /** A cancel racing a fill: Bybit may send a second Filled with CancelByUser/EC_OrigClOrdIDDoesNotExist. */
  #maybeDuplicateFilled(conn: Conn, topic: string, filled: ChangeBatch['orders'], b: ChangeBatch, creationTime: number): void {
    for (const o of filled) {
      if (!this.#d.faults.wsDuplicateFilled(b.accountId)) continue;
      const row = { ...wsOrderRow(o, this.#d.engine.instruments.get(o.symbol)!), cancelType: 'CancelByUser', rejectReason: 'EC_OrigClOrdIDDoesNotExist' };
      this.#send(conn, { id: msgId(), topic, creationTime, data: [row] });
    }
  }

  #sweep(): void {
    const t = performance.now();
    for (const c of this.#conns) {
      if (t - c.lastActivity > c.idleMs) {
        c.ws.close(1000, 'idle timeout');
        this.#forget(c);
        continue;
      }
      const every = this.#d.faults.wsDropEveryMs(c.account?.id);
      if (every > 0 && t - c.openedAt >= every) {
        // An abrupt drop (no close frame), like a network cut.
        c.ws.terminate();
        this.#forget(c);
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#d.engine.events.off('changes', this.#onChanges);
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

export function isPrivateTopic(t: string): boolean {
  if (BASE_TOPICS.includes(t)) return true;
  const i = t.lastIndexOf('.');
  return i > 0 && BASE_TOPICS.includes(t.slice(0, i)) && CATEGORIES.includes(t.slice(i + 1));
}

/** `max_active_time` like "30s" or "10m", allowed 30 s .. 600 s; a smaller configured idle wins. */
export function idleFor(param: string | null, configured: number): number {
  if (!param) return configured;
  const m = /^(\d{1,4})(s|m)$/.exec(param);
  if (!m) return configured;
  const ms = Number(m[1]) * (m[2] === 'm' ? 60_000 : 1000);
  const clamped = Math.min(600_000, Math.max(30_000, ms));
  return Math.min(clamped, configured);
}

function connId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20) + '-p';
}

function msgId(): string {
  return randomUUID();
}
