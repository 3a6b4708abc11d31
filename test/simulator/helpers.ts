import { createHmac } from 'node:crypto';
import http from 'node:http';
import { startSimulator, type SimulatorHandle, type SimulatorOptions, type SimAccountInfo } from '../../src/simulator/index.js';

/**
 * Raw HTTP for the simulator tests: node:http with the path and body sent byte for byte, so a
 * test controls exactly what is signed (fetch would normalise the URL).
 */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export function rawRequest(
  baseUrl: string,
  method: string,
  pathAndQuery: string,
  opts: { headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const u = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, method, path: pathAndQuery, headers: { ...(opts.body !== undefined ? { 'content-length': Buffer.byteLength(opts.body) } : {}), ...opts.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

export interface Envelope<T = any> {
  retCode: number;
  retMsg: string;
  result: T;
  retExtInfo: Record<string, unknown>;
  time: number;
}

export interface SignOpts {
  ts?: number;
  recv?: string | null;
  sign?: string;
  key?: string;
  headers?: Record<string, string>;
}

/** A Bybit V5 client in a few lines, for tests: signs the exact query/body it sends. */
export class BybitRaw {
  constructor(
    readonly baseUrl: string,
    readonly acct: { apiKey: string; apiSecret: string },
    readonly clock: () => number = Date.now,
  ) {}

  headers(payload: string, o: SignOpts = {}): Record<string, string> {
    const ts = String(o.ts ?? this.clock());
    const key = o.key ?? this.acct.apiKey;
    const recv = o.recv === undefined ? '5000' : o.recv;
    const h: Record<string, string> = { 'X-BAPI-API-KEY': key, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-SIGN': o.sign ?? hmacHex(this.acct.apiSecret, ts + key + (recv ?? '5000') + payload), ...o.headers };
    if (recv !== null) h['X-BAPI-RECV-WINDOW'] = recv;
    return h;
  }

  async getRaw(path: string, query: string, o: SignOpts = {}): Promise<RawResponse> {
    return rawRequest(this.baseUrl, 'GET', query ? `${path}?${query}` : path, { headers: this.headers(query, o) });
  }

  async get<T = any>(path: string, query: string | Record<string, string | number>, o: SignOpts = {}): Promise<Envelope<T>> {
    const q = typeof query === 'string' ? query : Object.entries(query).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&');
    const r = await this.getRaw(path, q, o);
    return JSON.parse(r.text) as Envelope<T>;
  }

  async postRaw(path: string, body: string, o: SignOpts = {}): Promise<RawResponse> {
    return rawRequest(this.baseUrl, 'POST', path, { body, headers: { 'content-type': 'application/json', ...this.headers(body, o) } });
  }

  async post<T = any>(path: string, body: unknown, o: SignOpts = {}): Promise<Envelope<T>> {
    const r = await this.postRaw(path, JSON.stringify(body), o);
    return JSON.parse(r.text) as Envelope<T>;
  }

  /** Every page of a list endpoint, following nextPageCursor (re-encoded as bybit-api does). */
  async all<T = any>(path: string, query: Record<string, string | number>, onPage?: (page: number) => Promise<void> | void): Promise<{ rows: T[]; pages: number }> {
    const rows: T[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const q = { ...query, ...(cursor ? { cursor } : {}) };
      const r = await this.get<{ list: T[]; nextPageCursor: string }>(path, q);
      if (r.retCode !== 0) throw new Error(`${path}: ${r.retCode} ${r.retMsg}`);
      rows.push(...r.result.list);
      pages++;
      if (onPage) await onPage(pages);
      cursor = r.result.nextPageCursor;
      if (!cursor) return { rows, pages };
      if (pages > 1000) throw new Error('too many pages');
    }
  }
}

/**
 * Quiet defaults for tests: slow price ticks so only setPrice moves fills, full fills, budgets
 * high enough that only the rate-limit tests meet them.
 */
export async function startTestSim(opts: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({
    seed: 7,
    priceTickMs: 3_600_000,
    ...opts,
    limits: { uidReadPerSec: 100_000, uidWritePerSec: 100_000, ipLimit: 1_000_000, weexIpWeight: 10_000_000, weexUidWeight: 10_000_000, weexOrderPerSec: 100_000, ...opts.limits },
    behaviour: { partialFillRate: 0, ...opts.behaviour },
  });
}

export function client(sim: SimulatorHandle, i = 0, clock?: () => number): BybitRaw {
  const a: SimAccountInfo = sim.accounts[i]!;
  return new BybitRaw(sim.url, a, clock ?? (() => sim.now()));
}

/** Waits until `pred` is true, polling briefly (for WS pushes, never for exchange state). */
export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A limit price `pct` away from the current price, on the tick grid (BTC 0.1, ETH 0.01). */
export function away(sim: SimulatorHandle, symbol: string, pct: number): string {
  const tick = symbol === 'BTCUSDT' ? 0.1 : 0.01;
  return (Math.round((Number(sim.price(symbol)) * (1 + pct)) / tick) * tick).toFixed(symbol === 'BTCUSDT' ? 1 : 2);
}
