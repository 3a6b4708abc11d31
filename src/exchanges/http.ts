import { ExchangeUnavailableError } from '../errors.js';

/**
 * The one REST primitive the adapters share, on Node's global fetch (undici keeps connections
 * alive by default, which matters: a TLS handshake per call would dwarf the call itself).
 *
 * What it decides: a request that got no usable answer (network error, timeout, 5xx, a 2xx/3xx
 * body that is not JSON) is an ExchangeUnavailableError (DESIGN invariant 5: unknown, never
 * "gone"). 4xx answers come back to the caller, whose exchange-specific mapping knows what a
 * 403 or 401 means; their body is null when it is not JSON (Bybit's IP ban page is HTML).
 * Messages name the method and path only: never the query, headers or body.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Absolute URL including the query string, sent byte for byte as given. */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The caller's cancellation; aborting rethrows the signal's reason, not an exchange error. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON, or null for a 4xx whose body is not JSON. */
  body: unknown;
}

export interface TextResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
}

/**
 * The body as text (WEEX needs it: JSON.parse would round its int64 ids above 2^53 before the
 * adapter could keep them as strings). Same rules for "no usable answer" as httpRequest.
 */
export async function requestText(req: HttpRequest): Promise<TextResponse> {
  const where = `${req.method} ${pathOf(req.url)}`;
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal });
    text = await res.text();
  } catch (err) {
    if (req.signal?.aborted) throw req.signal.reason ?? err;
    if (timeout.aborted) throw new ExchangeUnavailableError(`${where}: no answer within ${req.timeoutMs} ms`);
    throw new ExchangeUnavailableError(`${where}: network error (${describe(err)})`);
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
  if (res.status === 521) {
    // Cloudflare in front of WEEX: origin down, or the caller's IP is not whitelisted for the key [O].
    throw new ExchangeUnavailableError(`${where}: HTTP 521 (origin down, or this IP is not whitelisted for the key)`, 521);
  }
  if (res.status >= 500) throw new ExchangeUnavailableError(`${where}: HTTP ${res.status}`, res.status);
  return { status: res.status, headers, text };
}

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  const { status, headers, text } = await requestText(req);
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    if (status < 400) throw new ExchangeUnavailableError(`${req.method} ${pathOf(req.url)}: HTTP ${status} with a body that is not JSON`, status);
  }
  return { status, headers, body };
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(bad url)';
  }
}

/** undici hides the useful part (ECONNREFUSED, ECONNRESET) in `cause`. */
function describe(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (err instanceof Error) return err.name;
  return 'unknown';
}
