import type { ResolvedConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { registerSecret } from '../util/redact.js';
import { assertSafeBind } from './auth.js';
import { defaultPublicDir } from './assets.js';

export type ServerConfig = ResolvedConfig['server'];

/** Knobs beyond the config file; the defaults suit production, tests shorten the timers. */
export interface ServerTuning {
  /** WebSocket ping interval; a peer that misses one whole interval is dropped (default 15 s) */
  heartbeatMs: number;
  /** how often `stats` is pushed to subscribers (default 1 s) */
  statsIntervalMs: number;
  /** how long a manual sync request waits for its result before answering 202 with a job (default 5 s) */
  syncWaitMs: number;
  /** unsent bytes (socket buffer + queue) above which a WebSocket peer is cut off (default 8 MiB) */
  wsMaxBufferedBytes: number;
  /** largest `events` batch on POST /api/v1/events and WebSocket `events` (default 1000) */
  maxBatchEvents: number;
  /** dashboard files (default: `public/` beside this module) */
  publicDir: string;
}

export interface ResolvedServerOptions extends ServerTuning {
  host: string;
  port: number;
  token: string | undefined;
  maxBodyBytes: number;
}

const TUNING_DEFAULTS: Omit<ServerTuning, 'publicDir'> = {
  heartbeatMs: 15_000,
  statsIntervalMs: 1000,
  syncWaitMs: 5000,
  wsMaxBufferedBytes: 8 * 1024 * 1024,
  maxBatchEvents: 1000,
};

function fail(path: string, expected: string, received: unknown): never {
  const got = received === undefined ? 'nothing' : JSON.stringify(received);
  throw new ConfigError(`${path}: expected ${expected}, received ${got}`, [{ path, message: `expected ${expected}` }]);
}

function intIn(path: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(path, `an integer from ${min} to ${max}`, v);
  return v;
}

/** Engine config, overridden by the caller's, validated once; refuses an open non-loopback bind. */
export function resolveServerOptions(base: ServerConfig, override: Partial<ServerConfig> = {}, tuning: Partial<ServerTuning> = {}): ResolvedServerOptions {
  const c = { ...base, ...override };
  if (typeof c.host !== 'string' || c.host.trim() === '') fail('server.host', 'a host name or address', c.host);
  const port = intIn('server.port', c.port, 0, 65535);
  const maxBodyBytes = intIn('server.maxBodyBytes', c.maxBodyBytes, 1024, 1024 ** 3);
  if (c.token !== undefined && c.token !== null && typeof c.token !== 'string') fail('server.token', 'a string', '(not a string)');
  // An empty token would "match" an empty header; treat it as no token at all.
  const token = typeof c.token === 'string' && c.token.length > 0 ? c.token : undefined;
  if (token !== undefined && token.length < 8) fail('server.token', 'at least 8 characters', '(a shorter token)');
  registerSecret(token);
  assertSafeBind(c.host, token);
  const t = { ...TUNING_DEFAULTS, ...tuning };
  return {
    host: c.host.trim(),
    port,
    token,
    maxBodyBytes,
    heartbeatMs: intIn('tuning.heartbeatMs', t.heartbeatMs, 50, 3_600_000),
    statsIntervalMs: intIn('tuning.statsIntervalMs', t.statsIntervalMs, 50, 3_600_000),
    syncWaitMs: intIn('tuning.syncWaitMs', t.syncWaitMs, 0, 600_000),
    wsMaxBufferedBytes: intIn('tuning.wsMaxBufferedBytes', t.wsMaxBufferedBytes, 16 * 1024, 1024 ** 3),
    maxBatchEvents: intIn('tuning.maxBatchEvents', t.maxBatchEvents, 1, 100_000),
    publicDir: typeof tuning.publicDir === 'string' ? tuning.publicDir : defaultPublicDir(),
  };
}
