import { redactString, registerSecret } from '../util/redact.js';
import { NodeAnswerError, NodeAuthError, NodeRejectedError, NodeUnreachableError } from './errors.js';
import { isMarketStream, type KlineRow, type SeriesInfo, type TickerRow, type Timeframe } from './types.js';

/**
 * HTTP client for another robosync's data export API (`/api/v1/data/...`), authenticated with
 * the node's API key as a Bearer token. Every answer is checked for the documented shape before
 * anything is used; rows themselves are validated by the store before they are written.
 */
export interface ExportQuery {
  exchange: string;
  symbol: string;
  /** klines only */
  timeframe?: Timeframe;
  /** inclusive ms */
  startTime?: number;
  limit: number;
  next?: string | null;
}

export interface ExportPage<T> {
  data: T[];
  next: string | null;
  has_more: boolean;
}

export interface NodeClientOptions {
  baseUrl: string;
  apiKey: string | null;
  timeoutMs: number;
  /** the caller stopping (daemon shutdown): requests in flight end at once with its reason */
  signal?: AbortSignal;
}

const MAX_MESSAGE = 200;

export class NodeClient {
  readonly #base: string;
  readonly #key: string | null;
  readonly #timeoutMs: number;
  readonly #signal: AbortSignal | undefined;

  constructor(o: NodeClientOptions) {
    this.#base = o.baseUrl.replace(/\/+$/, '');
    this.#key = o.apiKey;
    this.#timeoutMs = o.timeoutMs;
    this.#signal = o.signal;
    registerSecret(o.apiKey);
  }

  /** GET a JSON answer; maps failures to the named node errors. */
  async #get(path: string, query: Record<string, string | undefined> = {}, auth = true): Promise<{ body: Record<string, unknown>; ms: number }> {
    const qs = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    const url = `${this.#base}${path}${qs ? `?${qs}` : ''}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (auth && this.#key) headers.authorization = `Bearer ${this.#key}`;
    const started = performance.now();
    let res: Response;
    let text: string;
    try {
      const timeout = AbortSignal.timeout(this.#timeoutMs);
      res = await fetch(url, { headers, signal: this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout, redirect: 'error' });
      text = await res.text();
    } catch (err) {
      // Our own stop is not the node's failure: the caller tells the two apart by the reason.
      if (this.#signal?.aborted) throw this.#signal.reason;
      // undici puts the useful part (ECONNREFUSED, "bad port") in `cause`.
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error)?.name === 'TimeoutError' ? `no answer within ${this.#timeoutMs} ms` : `network error (${cause?.code ?? cause?.message ?? (err as Error)?.name ?? 'unknown'})`;
      throw new NodeUnreachableError(`GET ${path}: ${why}`);
    }
    const ms = Math.round(performance.now() - started);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    const remote = remoteMessage(body);
    if (res.status >= 500) throw new NodeUnreachableError(`GET ${path}: HTTP ${res.status}${remote}`);
    if (res.status === 401 || res.status === 403) {
      const hint = this.#key ? 'the node refused the API key' : 'the node requires an API key and none is set';
      throw new NodeAuthError(`GET ${path}: HTTP ${res.status}: ${hint}${remote}`, res.status);
    }
    if (res.status >= 400) throw new NodeRejectedError(`GET ${path}: HTTP ${res.status}${remote}`, res.status);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new NodeAnswerError(`GET ${path}: HTTP ${res.status} with a body that is not a JSON object`);
    return { body: body as Record<string, unknown>, ms };
  }

  /** Reachability: `/healthz` answers, and how fast. */
  async health(): Promise<{ ok: boolean; latencyMs: number }> {
    const { body, ms } = await this.#get('/healthz', {}, false);
    return { ok: body.ok === true, latencyMs: ms };
  }

  /** The node's software version, or null when it does not say (`/api/v1/version` missing). */
  async version(): Promise<{ name: string; version: string } | null> {
    try {
      const { body } = await this.#get('/api/v1/version', {}, false);
      return typeof body.version === 'string' ? { name: typeof body.name === 'string' ? body.name : 'unknown', version: body.version } : null;
    } catch (err) {
      if (err instanceof NodeRejectedError && err.status === 404) return null;
      throw err;
    }
  }

  /** What the node offers: one entry per (exchange, symbol, data type), with newest time and rows. */
  async series(): Promise<SeriesInfo[]> {
    const path = '/api/v1/data/sync/status';
    const { body } = await this.#get(path);
    if (!Array.isArray(body.series)) throw new NodeAnswerError(`GET ${path}: answer is malformed: series expected a list`);
    return body.series.map((s: Record<string, unknown>, i: number) => {
      if (!s || typeof s !== 'object' || typeof s.exchange !== 'string' || typeof s.symbol !== 'string' || !isMarketStream(s.stream)) {
        throw new NodeAnswerError(`GET ${path}: answer is malformed: series[${i}] expected {exchange, symbol, stream}`);
      }
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
      return { exchange: s.exchange, symbol: s.symbol, stream: s.stream, first_time: num(s.first_time), last_time: num(s.last_time), rows: num(s.rows) };
    });
  }

  tickers(q: ExportQuery): Promise<ExportPage<TickerRow>> {
    return this.#page('/api/v1/data/tickers/export', q);
  }

  klines(q: ExportQuery): Promise<ExportPage<KlineRow>> {
    return this.#page('/api/v1/data/klines/export', q);
  }

  async #page<T>(path: string, q: ExportQuery): Promise<ExportPage<T>> {
    const { body } = await this.#get(path, {
      exchange: q.exchange,
      symbol: q.symbol,
      timeframe: q.timeframe,
      start_time: q.startTime === undefined ? undefined : String(q.startTime),
      limit: String(q.limit),
      next: q.next ?? undefined,
    });
    if (!Array.isArray(body.data)) throw new NodeAnswerError(`GET ${path}: answer is malformed: data expected a list`);
    if (typeof body.has_more !== 'boolean') throw new NodeAnswerError(`GET ${path}: answer is malformed: has_more expected true or false`);
    if (body.next !== null && typeof body.next !== 'string') throw new NodeAnswerError(`GET ${path}: answer is malformed: next expected a token or null`);
    if (body.has_more && !body.next) throw new NodeAnswerError(`GET ${path}: answer is malformed: has_more is true without a next token`);
    return { data: body.data as T[], next: (body.next as string | null) ?? null, has_more: body.has_more };
  }
}

/** The remote's own `{error: {message}}`, shortened and with secrets masked. */
function remoteMessage(body: unknown): string {
  const m = (body as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof m !== 'string' || !m) return '';
  const s = redactString(m);
  return ` (${s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s})`;
}
