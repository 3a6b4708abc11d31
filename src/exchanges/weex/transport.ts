import { ExchangeUnavailableError } from '../../errors.js';

/**
 * The raw-text twin of the shared httpRequest (../http.ts), same rules: network errors,
 * timeouts and 5xx (521 included: Cloudflare in front of WEEX) are ExchangeUnavailableError,
 * the caller's abort rethrows its reason, messages name method and path only.
 * It exists because WEEX needs the body *text*: http.ts hands back JSON.parse's result, in which
 * int64 ids above 2^53 are already rounded (see json.ts).
 */
export interface RawRequest {
  method: 'GET' | 'POST';
  /** Absolute URL including the query string, sent as given. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  text: string;
}

export async function requestText(req: RawRequest): Promise<RawResponse> {
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
    // Seen when the caller's IP is not on the key's whitelist [O]; still "no answer" for us.
    throw new ExchangeUnavailableError(`${where}: HTTP 521 (origin down, or this IP is not whitelisted for the key)`, 521);
  }
  if (res.status >= 500) throw new ExchangeUnavailableError(`${where}: HTTP ${res.status}`, res.status);
  return { status: res.status, headers, text };
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
  const cause = (err as { cause?: { code?: string } })?.cause;
  if (cause?.code) return cause.code;
  if (err instanceof Error) return err.name;
  return 'unknown';
}
