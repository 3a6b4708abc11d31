import { BadEventError } from '../errors.js';
import type { RobotRow } from '../store/types.js';
import type { RobotEvent } from './events.js';

const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const MAX_REF = 128;

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function bad(field: string, expected: string, received: unknown): never {
  throw new BadEventError(`${field}: expected ${expected}, received ${describe(received)}`, field);
}

function optionalString(o: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = o[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) bad(field, `a non-empty string of at most ${max} characters`, v);
  return v;
}

/** Checks a robot event's shape; the message names the field, what was expected and what came. */
export function validateRobotEvent(payload: unknown): RobotEvent {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) bad('payload', 'an object', payload);
  const o = payload as Record<string, unknown>;
  if (typeof o.robotId !== 'string' || !ID.test(o.robotId)) bad('robotId', 'a robot id (letters, digits, . _ - : up to 64 chars)', o.robotId);
  const ev: RobotEvent = { robotId: o.robotId };
  const orderId = optionalString(o, 'orderId', MAX_REF);
  const orderLinkId = optionalString(o, 'orderLinkId', MAX_REF);
  const symbol = optionalString(o, 'symbol', 32);
  const note = optionalString(o, 'note', 500);
  if (orderId) ev.orderId = orderId;
  if (orderLinkId) ev.orderLinkId = orderLinkId;
  if (symbol) ev.symbol = symbol;
  if (note) ev.note = note;
  if (o.at !== undefined && o.at !== null) {
    if (typeof o.at !== 'number' || !Number.isInteger(o.at) || o.at < 0) bad('at', 'a time in ms since the epoch', o.at);
    ev.at = o.at;
  }
  const known = new Set(['robotId', 'orderId', 'orderLinkId', 'symbol', 'note', 'at']);
  for (const k of Object.keys(o)) if (!known.has(k)) bad(k, `no such field (known: ${[...known].join(', ')})`, o[k]);
  return ev;
}

/** Checks a robot registration. */
export function validateRobot(input: unknown, accountExists: (id: string) => boolean): RobotRow {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) bad('robot', 'an object', input);
  const o = input as Record<string, unknown>;
  if (typeof o.id !== 'string' || !ID.test(o.id)) bad('id', 'a robot id (letters, digits, . _ - : up to 64 chars)', o.id);
  if (typeof o.accountId !== 'string' || !accountExists(o.accountId)) bad('accountId', 'the id of a configured account', o.accountId);
  if (!Array.isArray(o.symbols) || o.symbols.length === 0) bad('symbols', 'a non-empty list of symbols', o.symbols);
  (o.symbols as unknown[]).forEach((s, i) => {
    if (typeof s !== 'string' || !/^[A-Za-z0-9_]{2,32}$/.test(s)) bad(`symbols[${i}]`, 'a symbol such as "BTCUSDT"', s);
  });
  let prefix: string | null = null;
  if (o.orderLinkPrefix !== undefined && o.orderLinkPrefix !== null) {
    if (typeof o.orderLinkPrefix !== 'string' || o.orderLinkPrefix.length === 0 || o.orderLinkPrefix.length > 36) {
      bad('orderLinkPrefix', 'a non-empty string of at most 36 characters', o.orderLinkPrefix);
    }
    prefix = o.orderLinkPrefix;
  }
  const status = o.status ?? 'active';
  if (status !== 'active' && status !== 'paused') bad('status', '"active" or "paused"', status);
  const known = new Set(['id', 'accountId', 'symbols', 'orderLinkPrefix', 'status']);
  for (const k of Object.keys(o)) if (!known.has(k)) bad(k, `no such field (known: ${[...known].join(', ')})`, o[k]);
  return { id: o.id, accountId: o.accountId, symbols: [...new Set(o.symbols as string[])], orderLinkPrefix: prefix, status };
}
