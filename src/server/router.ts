import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './errors.js';

/**
 * A small method + path router: ':name' segments become params. Unknown paths are 404; a known
 * path with another method is 405 with Allow. HEAD is served by the GET handler (Node drops the
 * body). Routes marked `write` pass the auth policy before their handler runs, `guarded` reads
 * need the token when one is configured.
 */
export interface Answer {
  status: number;
  /** serialized as JSON (after redaction) unless `raw` is set */
  body?: unknown;
  /** pre-encoded body with its own Content-Type header */
  raw?: Buffer | string;
  headers?: Record<string, string>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** the JSON body (undefined when empty); read at most once */
  body(): Promise<unknown>;
}

export type Handler = (ctx: Ctx) => Promise<Answer> | Answer;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  /** mutating: needs the token (or loopback without one) */
  write?: boolean;
  /** a read that needs the token when one is configured (the data export: the node's product) */
  guarded?: boolean;
  handler: Handler;
}

interface Compiled extends Route {
  segments: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  readonly #routes: Compiled[] = [];

  add(...routes: Route[]): this {
    for (const r of routes) this.#routes.push({ ...r, segments: split(r.path) });
    return this;
  }

  /** The route for a request, or an HttpError (404 / 405 / 400 for a malformed path). */
  match(method: string, pathname: string): Match {
    const parts = split(pathname);
    const m = method === 'HEAD' ? 'GET' : method;
    const allowed = new Set<string>();
    for (const r of this.#routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === m) return { route: r, params };
      allowed.add(r.method);
    }
    if (allowed.size) {
      if (allowed.has('GET')) allowed.add('HEAD');
      const allow = [...allowed].join(', ');
      throw new HttpError(405, 'method_not_allowed', `method: expected one of ${allow} for ${pathname.slice(0, 100)}, received ${method}`, 'method', { Allow: allow });
    }
    throw new HttpError(404, 'not_found', `no such route: ${method} ${pathname.slice(0, 100)}`);
  }
}

function split(p: string): string[] {
  const trimmed = p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
  return trimmed.split('/').slice(1);
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(':')) {
      const raw = parts[i]!;
      if (!raw) return null;
      let v: string;
      try {
        v = decodeURIComponent(raw);
      } catch {
        throw new HttpError(400, 'bad_request', `${p.slice(1)}: expected a URL-encoded value, received ${JSON.stringify(raw.slice(0, 40))}`, p.slice(1));
      }
      params[p.slice(1)] = v;
    } else if (p !== parts[i]) return null;
  }
  return params;
}
