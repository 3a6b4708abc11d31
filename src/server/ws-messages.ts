import { OUTBOUND_EVENTS, type OutboundEventName } from '../bus/events.js';
import { describe } from './errors.js';

/**
 * The WebSocket protocol, client -> server (every message a JSON object; `id` is the client's,
 * echoed in the answer):
 *   { "id": "m1", "event": "order.placed", "robotId": "grid-btc", ... }   -> { "type": "ack", "id": "m1", "ok": true }
 *   { "type": "events", "id": "b1", "events": [ {event...}, ... ] }         -> { "type": "ack", "id": "b1", "ok": bool, "results": [...] }
 *   { "type": "subscribe", "robots": ["grid-btc"] | "*", "events": ["order.changed", "stats", ...] } -> { "type": "subscribed", ... }
 *   { "type": "unsubscribe", "robots": [...] | "*", "events": [...] }      -> { "type": "subscribed", ... } (what remains)
 *   { "type": "ping" }                                                     -> { "type": "pong" }
 * Server -> client besides answers: "hello" once, "event" (a change event), "stats", "error".
 */
export const STATS_CHANNEL = 'stats';
export type Channel = OutboundEventName | typeof STATS_CHANNEL;
export const CHANNELS: readonly Channel[] = [...OUTBOUND_EVENTS, STATS_CHANNEL];
/** Subscribing with robots but no `events` gets the robot-facing change events. */
export const DEFAULT_EVENTS: readonly Channel[] = ['order.changed', 'fill.received', 'position.changed', 'sync.completed', 'sync.failed', 'robot.tier_changed'];

const ROBOT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_ROBOTS_PER_MESSAGE = 10_000;

export type ClientId = string | number | null;

export type ClientMessage =
  | { kind: 'ping'; id: ClientId }
  | { kind: 'subscribe' | 'unsubscribe'; id: ClientId; robots: '*' | string[] | null; events: Channel[] | null }
  | { kind: 'event'; id: ClientId; body: Record<string, unknown> }
  | { kind: 'events'; id: ClientId; events: unknown[] }
  | { kind: 'invalid'; id: ClientId; code: 'bad_json' | 'bad_request'; message: string; field?: string };

function invalid(id: ClientId, field: string, expected: string, received: unknown): ClientMessage {
  return { kind: 'invalid', id, code: 'bad_request', field, message: `${field}: expected ${expected}, received ${describe(received)}` };
}

export function parseClientMessage(text: string, maxBatch: number): ClientMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'invalid', id: null, code: 'bad_json', field: 'message', message: 'message: expected a JSON object, received text that does not parse' };
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return invalid(null, 'message', 'a JSON object', msg);
  const o = msg as Record<string, unknown>;
  const rawId = o.id;
  const id: ClientId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null;
  if (rawId !== undefined && rawId !== null && (id === null || (typeof id === 'string' && id.length > 128) || (typeof id === 'number' && !Number.isFinite(id)))) {
    return invalid(null, 'id', 'a string of at most 128 characters or a number', rawId);
  }
  const type = o.type ?? (o.event !== undefined ? 'event' : undefined);
  switch (type) {
    case 'ping':
      return { kind: 'ping', id };
    case 'event':
      return { kind: 'event', id, body: o };
    case 'events': {
      if (!Array.isArray(o.events) || o.events.length === 0 || o.events.length > maxBatch) return invalid(id, 'events', `a list of 1 to ${maxBatch} events`, o.events);
      return { kind: 'events', id, events: o.events };
    }
    case 'subscribe':
    case 'unsubscribe': {
      const kind = type as 'subscribe' | 'unsubscribe';
      let robots: '*' | string[] | null = null;
      if (o.robots === '*') robots = '*';
      else if (o.robots !== undefined) {
        if (!Array.isArray(o.robots) || o.robots.length > MAX_ROBOTS_PER_MESSAGE) return invalid(id, 'robots', `"*" or a list of at most ${MAX_ROBOTS_PER_MESSAGE} robot ids`, o.robots);
        for (let i = 0; i < o.robots.length; i++) {
          const r = o.robots[i];
          if (typeof r !== 'string' || !ROBOT_ID.test(r)) return invalid(id, `robots[${i}]`, 'a robot id (letters, digits, . _ - : up to 64 chars)', r);
        }
        robots = o.robots as string[];
      }
      let events: Channel[] | null = null;
      if (o.events !== undefined) {
        if (!Array.isArray(o.events)) return invalid(id, 'events', `a list of channels (${CHANNELS.join(', ')})`, o.events);
        for (let i = 0; i < o.events.length; i++) {
          if (!(CHANNELS as readonly unknown[]).includes(o.events[i])) return invalid(id, `events[${i}]`, `one of ${CHANNELS.join(', ')}`, o.events[i]);
        }
        events = o.events as Channel[];
      }
      const known = new Set(['type', 'id', 'robots', 'events']);
      const extra = Object.keys(o).find((k) => !known.has(k));
      if (extra) return invalid(id, extra, `no such field (known: ${[...known].join(', ')})`, o[extra]);
      return { kind, id, robots, events };
    }
    default:
      return invalid(id, 'type', 'one of event, events, subscribe, unsubscribe, ping (or an "event" field)', type);
  }
}
