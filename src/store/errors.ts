import { RobosyncError, StoreUnavailableError } from '../errors.js';
import { redactString } from '../util/redact.js';

/**
 * Which database failures are worth retrying, and how. Two kinds:
 * - `connection`: the database is unreachable, restarting, or cut our backend. The store throws
 *   StoreUnavailableError; the engine retries the whole sync later (src/errors.ts RETRYABLE).
 *   The pool drops the dead connection (knex marks it disposed on 'error'), so the next call
 *   gets a fresh one once the server is back.
 * - `conflict`: serialization failure or deadlock between concurrent writers. The store retries
 *   the transaction itself a few times (delays below) before giving up as unavailable.
 */
export interface RetryRule {
  kind: 'connection' | 'conflict';
  /** backoff bounds (ms) for in-store retries of `conflict`s */
  minMs: number;
  maxMs: number;
}

const CONNECTION: RetryRule = { kind: 'connection', minMs: 1_000, maxMs: 30_000 };
const CONFLICT: RetryRule = { kind: 'conflict', minMs: 5, maxMs: 200 };

/** PostgreSQL SQLSTATE codes (Appendix A) that are not the caller's fault. */
export const RETRYABLE_PG_CODES: Readonly<Record<string, RetryRule>> = {
  '08000': CONNECTION, // connection_exception
  '08001': CONNECTION, // sqlclient_unable_to_establish_sqlconnection
  '08003': CONNECTION, // connection_does_not_exist
  '08004': CONNECTION, // sqlserver_rejected_establishment_of_sqlconnection
  '08006': CONNECTION, // connection_failure
  '08007': CONNECTION, // transaction_resolution_unknown
  '57P01': CONNECTION, // admin_shutdown (also pg_terminate_backend)
  '57P02': CONNECTION, // crash_shutdown
  '57P03': CONNECTION, // cannot_connect_now (starting up / recovery)
  '57P05': CONNECTION, // idle_session_timeout
  '53300': CONNECTION, // too_many_connections
  '53400': CONNECTION, // configuration_limit_exceeded
  '58000': CONNECTION, // system_error
  '58030': CONNECTION, // io_error
  '25P03': CONNECTION, // idle_in_transaction_session_timeout
  '40001': CONFLICT, // serialization_failure
  '40P01': CONFLICT, // deadlock_detected
  '55P03': CONFLICT, // lock_not_available
};

/** Node socket errors on the way to the server. */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);

/** node-postgres, knex and tarn say these in words, without a code. */
const CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
  /client has encountered a connection error and is not queryable/i,
  /client was closed and is not queryable/i,
  /knex: timeout acquiring a connection/i,
  /unable to acquire a connection/i,
  // ALLOW_CONNECTIONS false / maintenance: SQLSTATE 55000 is too broad to match by code
  /is not currently accepting connections/i,
  /connection ended unexpectedly/i,
];

/** Bad input caught before it reaches SQL; names the field (DESIGN invariant 9). */
export class StoreInputError extends RobosyncError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function codesOf(err: unknown): string[] {
  const out: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') out.push(code);
    e = (e as { cause?: unknown }).cause ?? (e as { previous?: unknown }).previous;
  }
  return out;
}

export function retryRule(err: unknown): RetryRule | null {
  for (const code of codesOf(err)) {
    const rule = RETRYABLE_PG_CODES[code];
    if (rule) return rule;
    if (NODE_CODES.has(code)) return CONNECTION;
  }
  if (err instanceof AggregateError && err.errors.some((e) => retryRule(e)?.kind === 'connection')) return CONNECTION;
  const message = err instanceof Error ? err.message : '';
  if (CONNECTION_MESSAGES.some((re) => re.test(message))) return CONNECTION;
  return null;
}

function describe(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return describe(err.errors[0]);
  const code = codesOf(err)[0];
  const message = err instanceof Error ? err.message : String(err);
  return redactString(code && !message.includes(code) ? `${code}: ${message}` : message);
}

/**
 * Turns a driver error into what the engine acts on: StoreUnavailableError when retrying later
 * can help, the original error otherwise (a bug or bad data, which retrying would repeat).
 */
export function mapStoreError(err: unknown, operation: string): unknown {
  if (err instanceof StoreUnavailableError || err instanceof StoreInputError) return err;
  const rule = retryRule(err);
  if (rule) {
    const why = rule.kind === 'connection' ? 'database unavailable' : 'database kept conflicting';
    return new StoreUnavailableError(`store.${operation}: ${why} (${describe(err)})`, { cause: err });
  }
  return err;
}
