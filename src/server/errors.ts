import { BadEventError, ConfigError, EngineStoppedError, NotFoundError, StoreUnavailableError } from '../errors.js';
import { redactString } from '../util/redact.js';

/**
 * The one error shape every answer uses: `{ "error": { "code", "message", "field"? } }`.
 * Handlers throw HttpError (or the engine's named errors); the router turns them into answers.
 * Anything else is a bug: a 500 with a generic message, logged, never its stack or text.
 */
export type ErrorCode =
  | 'bad_request'
  | 'bad_json'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'engine_stopped'
  | 'busy'
  | 'store_unavailable'
  | 'not_ready'
  | 'internal';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; field?: string };
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    /** extra headers for this answer (Allow, WWW-Authenticate, Connection) */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function badRequest(field: string, expected: string, received: unknown): HttpError {
  return new HttpError(400, 'bad_request', `${field}: expected ${expected}, received ${describe(received)}`, field);
}

/** Short, secret-free description of a received value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
  /** true when the error is a bug worth logging at error level */
  unexpected: boolean;
}

/** Maps anything thrown by a handler (or the engine under it) to an answer. */
export function toErrorAnswer(err: unknown): MappedError {
  const safe = (m: string) => redactString(m);
  if (err instanceof HttpError) {
    const body: ErrorBody = { error: { code: err.code, message: safe(err.message) } };
    if (err.field !== undefined) body.error.field = err.field;
    return { status: err.status, body, headers: err.headers, unexpected: false };
  }
  if (err instanceof BadEventError) {
    return { status: 400, body: { error: { code: 'bad_request', message: safe(err.message), field: err.field } }, headers: {}, unexpected: false };
  }
  if (err instanceof NotFoundError) {
    return { status: 404, body: { error: { code: 'not_found', message: safe(err.message) } }, headers: {}, unexpected: false };
  }
  if (err instanceof EngineStoppedError) {
    return { status: 503, body: { error: { code: 'engine_stopped', message: safe(err.message) } }, headers: { 'Retry-After': '5' }, unexpected: false };
  }
  if (err instanceof StoreUnavailableError) {
    // The database is down or restarting: the caller should retry, nothing was half-written.
    return { status: 503, body: { error: { code: 'store_unavailable', message: 'the database is unavailable; retry shortly' } }, headers: { 'Retry-After': '5' }, unexpected: false };
  }
  if (err instanceof ConfigError) {
    const field = err.issues[0]?.path;
    const body: ErrorBody = { error: { code: 'bad_request', message: safe(err.message) } };
    if (field) body.error.field = field;
    return { status: 400, body, headers: {}, unexpected: false };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'internal error; the server logged it' } }, headers: {}, unexpected: true };
}
