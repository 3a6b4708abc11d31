import type { IncomingMessage } from 'node:http';
import { HttpError, badRequest } from './errors.js';

/**
 * Request bodies: JSON only, at most `limit` bytes. An oversized body is refused as soon as the
 * declared length or the bytes read so far pass the limit; reading stops there (the connection is
 * closed after the answer) so a client cannot make the server buffer more than the limit.
 */
const tooLarge = (limit: number) =>
  new HttpError(413, 'payload_too_large', `body: expected at most ${limit} bytes, received more`, 'body', { Connection: 'close' });

export function declaredTooLarge(req: IncomingMessage, limit: number): boolean {
  const len = Number(req.headers['content-length']);
  return Number.isFinite(len) && len > limit;
}

export function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (declaredTooLarge(req, limit)) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) return finish(tooLarge(limit));
      chunks.push(c);
    };
    const onEnd = () => finish(null);
    const onError = () => finish(new HttpError(400, 'bad_request', 'body: the request was aborted while it was being read', 'body'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function isJsonType(ct: string): boolean {
  const base = ct.split(';')[0]!.trim().toLowerCase();
  return base === 'application/json' || (base.startsWith('application/') && base.endsWith('+json'));
}

/** The JSON body, or `undefined` when there is none. 415 for another content type, 400 for bad JSON. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const ct = req.headers['content-type'];
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && (typeof ct !== 'string' || !isJsonType(ct))) {
    // Refuse before reading: a form post from another site is exactly this.
    throw new HttpError(415, 'unsupported_media_type', `content-type: expected application/json, received ${ct === undefined ? 'nothing' : JSON.stringify(ct.slice(0, 64))}`, 'content-type', { Connection: 'close' });
  }
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return undefined;
  if (typeof ct !== 'string' || !isJsonType(ct)) {
    throw new HttpError(415, 'unsupported_media_type', `content-type: expected application/json, received ${ct === undefined ? 'nothing' : JSON.stringify(ct.slice(0, 64))}`, 'content-type');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new HttpError(400, 'bad_json', `body: expected JSON, received text that does not parse (${(err as Error).message.slice(0, 120)})`, 'body');
  }
}

/** A JSON object body (required). */
export function asObject(body: unknown, field = 'body'): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(field, 'a JSON object', body);
  return body as Record<string, unknown>;
}

/** An integer query parameter within [min, max], or the default when absent. */
export function intParam(url: URL, name: string, min: number, max: number, dflt: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return dflt;
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) throw badRequest(name, `an integer from ${min} to ${max}`, raw);
  return n;
}

/** `?name=1|true|yes` (and 0|false|no). */
export function boolParam(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return false;
  if (['', '1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw badRequest(name, '1 or 0', raw);
}

/** `?name=` as a time: ms since the epoch or an ISO 8601 date; undefined when absent. */
export function timeParam(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest(name, 'a time in ms since the epoch or an ISO 8601 date', raw);
  return n;
}
