import type { IncomingMessage, ServerResponse } from 'node:http';
import { redact, redactString } from '../util/redact.js';
import type { AuthPolicy } from './auth.js';
import { readJson } from './body.js';
import type { ServerContext } from './context.js';
import { HttpError, toErrorAnswer } from './errors.js';
import type { Answer, Router } from './router.js';

/**
 * One request: route, authorize writes, run the handler, answer. Every JSON answer is redacted
 * on its way out (the last net for secrets). A handler that throws something unexpected gets a
 * generic 500 (logged with the error); the server keeps serving.
 */
const BASE_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export function createRequestHandler(c: ServerContext, router: Router, auth: AuthPolicy) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(c, router, auth, req, res);
  };
}

async function handle(c: ServerContext, router: Router, auth: AuthPolicy, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  let routeLabel = 'unmatched';
  let answer: Answer;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = router.match(method, url.pathname);
    routeLabel = m.route.path;
    if (m.route.write) auth.authorizeWrite(req, url, { allowQueryToken: false });
    else if (m.route.guarded) auth.authorizeRead(req, url);
    let bodyRead: Promise<unknown> | null = null;
    answer = await m.route.handler({
      req,
      res,
      url,
      params: m.params,
      body: () => (bodyRead ??= readJson(req, c.options.maxBodyBytes)),
    });
  } catch (err) {
    const mapped = toErrorAnswer(err);
    if (mapped.unexpected) c.logger.error('control API handler failed', { method, route: routeLabel, error: redactString(err instanceof Error ? `${err.name}: ${err.message}` : String(err)) });
    answer = { status: mapped.status, body: mapped.body, headers: mapped.headers };
  }
  send(req, res, answer);
  c.metrics.httpRequests.inc({ route: routeLabel, method, status: String(answer.status) });
  c.logger.debug('http', { method, route: routeLabel, status: answer.status, ms: Math.round(performance.now() - started) });
}

function send(req: IncomingMessage, res: ServerResponse, a: Answer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string> = { ...BASE_HEADERS, ...a.headers };
  let payload: Buffer | string;
  if (a.raw !== undefined) payload = a.raw;
  else {
    payload = JSON.stringify(redact(a.body ?? {}));
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  if (a.status !== 304) headers['Content-Length'] = String(Buffer.byteLength(payload));
  if (headers.Connection === 'close' && !req.complete) {
    // The rest of the body is never read: answer, then close instead of draining it.
    res.on('finish', () => {
      req.socket.end();
      setTimeout(() => req.socket.destroy(), 1000).unref();
    });
  }
  res.writeHead(a.status, headers);
  res.end(a.status === 304 ? undefined : payload);
}

/** `Expect: 100-continue` with a declared length over the limit: refuse before the body is sent. */
export function refuseEarly(res: ServerResponse, limit: number): void {
  const mapped = toErrorAnswer(new HttpError(413, 'payload_too_large', `body: expected at most ${limit} bytes, received more`, 'body'));
  const payload = JSON.stringify(mapped.body);
  res.writeHead(413, { ...BASE_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(payload)), Connection: 'close' });
  res.end(payload);
}
