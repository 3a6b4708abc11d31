import type { IncomingHttpHeaders } from 'node:http';

/** A request as received, with the raw query and body the signatures are computed over. */
export interface SimRequest {
  method: string;
  /** Path without the query, as sent (not decoded). */
  path: string;
  /** Exact text after '?', '' when none. */
  rawQuery: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  ip: string;
}

export interface SimReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Endpoint name for stats and fault filters ('(unknown)' for unmatched paths). */
  endpoint: string;
  accountId?: string;
  /** Counted in stats as a rate-limit answer. */
  rateLimited?: boolean;
  ipBanned?: boolean;
  /** Faults decided after the effect: never answer, or cut the body. */
  hold?: boolean;
  /** Extra latency chosen by the fault injector. */
  delayMs?: number;
}

export function header(req: SimRequest, name: string): string | undefined {
  const v = req.headers[name];
  if (Array.isArray(v)) return v[0];
  return v;
}
