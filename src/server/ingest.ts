import type { InboundEventName, RobotEvent } from '../bus/events.js';
import type { Engine } from '../engine.js';
import { BadEventError, EngineStoppedError } from '../errors.js';
import { redactString } from '../util/redact.js';
import type { ErrorCode } from './errors.js';

/**
 * One robot event from the wire (HTTP body or WebSocket message) into `engine.emit`: the same
 * names and schema, with `event` beside the payload fields. Transport fields (`id`, `type`) are
 * removed first; everything else is the engine's to validate, so HTTP, WebSocket and the
 * embedded API accept exactly the same events.
 */
export type IngestResult = { ok: true } | { ok: false; error: { code: ErrorCode; message: string; field?: string } };

export function ingestEvent(engine: Engine, msg: unknown, opts: { fieldPrefix?: string; transportFields?: readonly string[] } = {}): IngestResult {
  const prefix = opts.fieldPrefix ?? '';
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
    const field = prefix ? prefix.replace(/\.$/, '') : 'body';
    return { ok: false, error: { code: 'bad_request', message: `${field}: expected an event object, received ${Array.isArray(msg) ? 'a list' : msg === null ? 'null' : typeof msg}`, field } };
  }
  const { event, ...rest } = msg as Record<string, unknown>;
  for (const f of opts.transportFields ?? []) delete rest[f];
  try {
    engine.emit(event as InboundEventName, rest as unknown as RobotEvent);
    return { ok: true };
  } catch (err) {
    if (err instanceof BadEventError) {
      const field = prefix + err.field;
      // The engine's message starts with its own field name; name the full path instead.
      const message = err.message.startsWith(err.field + ':') ? field + err.message.slice(err.field.length) : `${field}: ${err.message}`;
      return { ok: false, error: { code: 'bad_request', message: redactString(message), field } };
    }
    if (err instanceof EngineStoppedError) return { ok: false, error: { code: 'engine_stopped', message: redactString(err.message) } };
    throw err;
  }
}
