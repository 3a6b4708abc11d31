import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../errors.js';
import { HttpError } from './errors.js';

/**
 * Who may change things. The rule (README text in the report):
 * - With a token configured, every mutating call (POST/PUT/DELETE) and every WebSocket needs
 *   `Authorization: Bearer <token>` (WebSocket from a browser: `?token=`). Reads are open.
 * - With no token, the server only starts on a loopback address, and then accepts mutating
 *   calls without one (local development); it warns once at start.
 * - Always: a browser request from another origin is refused (403), and without a token a
 *   mutating call must name a loopback host (403 otherwise), so a web page the operator visits
 *   cannot drive the local server (CSRF, DNS rebinding).
 * - The price data export (`/api/v1/data/...`) is the node's product, read by other robosyncs
 *   with an API key: with a token configured those reads need it too (Bearer); without one they
 *   are open like every other read (the server then listens on loopback only).
 */

/** 127.0.0.0/8, ::1, IPv4-mapped loopback, and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^::ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Refuses to open a server on a non-loopback address without a token (never open by default). */
export function assertSafeBind(host: string, token: string | undefined): void {
  if (token || isLoopbackHost(host)) return;
  throw new ConfigError(
    `server.token: expected a token when server.host is not a loopback address, received nothing (host ${JSON.stringify(host)}); ` +
      'set ROBOSYNC_TOKEN (or server.token), or bind server.host to 127.0.0.1',
    [{ path: 'server.token', message: 'required when server.host is not loopback' }],
  );
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** Equal-length digests keep the comparison constant-time whatever the candidate's length. */
export function tokenMatches(expected: string, candidate: string): boolean {
  return timingSafeEqual(digest(expected), digest(candidate));
}

/** The bearer token of a request: the Authorization header, or `?token=` (browsers' WebSocket). */
export function presentedToken(req: IncomingMessage, url: URL, allowQuery: boolean): string | null {
  const h = req.headers.authorization;
  if (typeof h === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    return m ? m[1]! : '';
  }
  if (allowQuery) return url.searchParams.get('token');
  return null;
}

function hostName(hostHeader: string): string {
  // "[::1]:8080" -> "::1", "localhost:8080" -> "localhost"
  if (hostHeader.startsWith('[')) return hostHeader.slice(1, hostHeader.indexOf(']'));
  const i = hostHeader.lastIndexOf(':');
  return i > 0 && hostHeader.indexOf(':') === i ? hostHeader.slice(0, i) : hostHeader;
}

export class AuthPolicy {
  constructor(readonly token: string | undefined) {}

  get open(): boolean {
    return !this.token;
  }

  /** Throws 401/403 unless the request may change things. */
  authorizeWrite(req: IncomingMessage, url: URL, opts: { allowQueryToken: boolean }): void {
    this.#checkOrigin(req);
    if (!this.token) {
      const host = req.headers.host ?? '';
      if (!isLoopbackHost(hostName(host))) {
        throw new HttpError(403, 'forbidden', `host: without a server token only loopback hosts may change things, received ${JSON.stringify(host.slice(0, 64))}`, 'host');
      }
      return;
    }
    this.#checkToken(req, url, opts.allowQueryToken);
  }

  /** Guarded reads: with a token configured, a valid Bearer token (no `?token=`, no Origin rule: a read changes nothing). */
  authorizeRead(req: IncomingMessage, url: URL): void {
    if (!this.token) return;
    this.#checkToken(req, url, false);
  }

  #checkToken(req: IncomingMessage, url: URL, allowQueryToken: boolean): void {
    const got = presentedToken(req, url, allowQueryToken);
    const challenge = { 'WWW-Authenticate': 'Bearer realm="robosync"' };
    if (got === null) throw new HttpError(401, 'unauthorized', 'authorization: expected "Bearer <token>", received nothing', 'authorization', challenge);
    if (got === '' || !tokenMatches(this.token!, got)) {
      throw new HttpError(401, 'unauthorized', 'authorization: the token is not valid', 'authorization', { ...challenge, 'WWW-Authenticate': 'Bearer realm="robosync", error="invalid_token"' });
    }
  }

  /** Browsers always send Origin on cross-site writes and WebSockets; it must be this server. */
  #checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    let ok = false;
    try {
      ok = origin !== 'null' && new URL(origin).host === (req.headers.host ?? '');
    } catch {
      ok = false;
    }
    if (!ok) throw new HttpError(403, 'forbidden', `origin: expected this server's own origin, received ${JSON.stringify(origin.slice(0, 64))}`, 'origin');
  }
}
