import type { ServerContext } from '../context.js';
import { HttpError } from '../errors.js';
import type { Answer, Ctx, Route } from '../router.js';

/**
 * The dashboard: `/` and `/assets/<name>`. Files change only with a release and carry no hash
 * in their names, so they are revalidated on each load (ETag + no-cache, 304 when unchanged).
 * The page may only talk to this server and load its own files (CSP).
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export function dashboardRoutes(c: ServerContext): Route[] {
  const serve = (name: string, ctx: Ctx): Answer => {
    const a = c.assets.get(name);
    if (!a) {
      const hint = name === 'index.html' ? ' (dashboard files missing: run `npm run build`, which copies src/server/public)' : '';
      throw new HttpError(404, 'not_found', `no such file: ${name.slice(0, 64)}${hint}`);
    }
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache', ETag: a.etag };
    if (a.type.startsWith('text/html')) Object.assign(headers, { 'Content-Security-Policy': CSP, 'X-Frame-Options': 'DENY' });
    if (ctx.req.headers['if-none-match'] === a.etag) return { status: 304, raw: '', headers };
    return { status: 200, raw: a.body, headers: { ...headers, 'Content-Type': a.type } };
  };
  return [
    { method: 'GET', path: '/', handler: (ctx) => serve('index.html', ctx) },
    { method: 'GET', path: '/assets/:name', handler: (ctx) => serve(ctx.params.name!, ctx) },
  ];
}
