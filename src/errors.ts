/**
 * Named errors for the cases callers act on. Messages never carry credentials.
 */
export class RobosyncError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad configuration: `path: expected X, received Y` lines. */
export class ConfigError extends RobosyncError {
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** An inbound robot event (API, HTTP, WebSocket) that fails validation. Names the field. */
export class BadEventError extends RobosyncError {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends RobosyncError {}

/** Credentials rejected by the exchange (bad key, bad signature, wrong passphrase, permission). */
export class AuthError extends RobosyncError {
  constructor(
    message: string,
    readonly code?: string | number,
  ) {
    super(message);
  }
}

/** The exchange answered "too many requests". `resetAt` is when the budget refills (ms). */
export class RateLimitedError extends RobosyncError {
  constructor(
    message: string,
    readonly resetAt: number,
    readonly scope: 'account' | 'ip' = 'account',
    readonly code?: string | number,
  ) {
    super(message);
  }
}

/** IP ban (Bybit HTTP 403): the whole egress IP must stop until `resetAt`. */
export class IpBannedError extends RateLimitedError {
  constructor(message: string, resetAt: number) {
    super(message, resetAt, 'ip', 403);
  }
}

/**
 * The exchange did not give a usable answer: timeout, 5xx, malformed body, connection reset.
 * DESIGN invariant 5: this never means an order is gone.
 */
export class ExchangeUnavailableError extends RobosyncError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The exchange understood the request and refused it (parameter error, unknown order...). */
export class ExchangeRejectedError extends RobosyncError {
  constructor(
    message: string,
    readonly code: string | number,
  ) {
    super(message);
  }
}

/** The database failed (connection cut, server restarting). The sync is retried; no cursor moved. */
export class StoreUnavailableError extends RobosyncError {}

/** Work refused because the engine is stopping or stopped. */
export class EngineStoppedError extends RobosyncError {}

/** Errors worth retrying with backoff, and their delay bounds (ms). */
export const RETRYABLE: ReadonlyArray<{ type: new (...args: never[]) => Error; minMs: number; maxMs: number }> = [
  { type: RateLimitedError, minMs: 1000, maxMs: 60_000 },
  { type: ExchangeUnavailableError, minMs: 500, maxMs: 60_000 },
  { type: StoreUnavailableError, minMs: 1000, maxMs: 30_000 },
];

export function isRetryable(err: unknown): boolean {
  return RETRYABLE.some((r) => err instanceof r.type);
}
