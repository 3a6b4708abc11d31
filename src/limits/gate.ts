import Bottleneck from 'bottleneck';
import type { BudgetFeedback, BudgetSpec, RequestGate } from '../exchanges/adapter.js';
import { type Priority, limiterPriority } from '../domain/priority.js';
import {
  AuthError,
  ConfigError,
  EngineStoppedError,
  ExchangeRejectedError,
  ExchangeUnavailableError,
  IpBannedError,
  RateLimitedError,
} from '../errors.js';
import type { ExchangeName } from '../domain/types.js';
import { type Clock, sleep, systemClock } from '../util/clock.js';
import { Bucket } from './bucket.js';

export type CallOutcome = 'ok' | 'rate_limited' | 'ip_banned' | 'auth' | 'unavailable' | 'rejected' | 'error';

export interface GateObserver {
  call?(e: { exchange: ExchangeName; accountId: string; endpoint: string; outcome: CallOutcome; durationMs: number }): void;
  waited?(e: { exchange: ExchangeName; endpoint: string; priority: Priority; waitMs: number }): void;
  exhausted?(e: { exchange: ExchangeName; scope: 'account' | 'ip'; bucket: string; accountId?: string; until: number; reason: string }): void;
}

export interface BudgetRegistryOptions {
  clock?: Clock;
  /** fraction of each exchange budget robosync may use */
  share?: number;
  /** share budgets across processes (Bottleneck's Redis datastore) */
  redisUrl?: string;
  observer?: GateObserver;
  /** how often a call answered "too many visits" is retried after the pause */
  maxRateLimitRetries?: number;
}

export function outcomeOf(err: unknown): CallOutcome {
  if (err instanceof IpBannedError) return 'ip_banned';
  if (err instanceof RateLimitedError) return 'rate_limited';
  if (err instanceof AuthError) return 'auth';
  if (err instanceof ExchangeUnavailableError) return 'unavailable';
  if (err instanceof ExchangeRejectedError) return 'rejected';
  return 'error';
}

/**
 * Owns every budget bucket: per account (UID) per endpoint and per egress IP, per exchange.
 * Buckets are created lazily (a thousand idle accounts cost nothing). A call waits in every
 * bucket its endpoint weighs on, account first, then IP; priorities order the waiting jobs.
 */
export class BudgetRegistry {
  readonly #buckets = new Map<string, Bucket>();
  readonly #clock: Clock;
  readonly #share: number;
  readonly #observer: GateObserver;
  readonly #maxRetries: number;
  readonly #connection?: Bottleneck.IORedisConnection;
  #stopped = false;

  constructor(opts: BudgetRegistryOptions = {}) {
    this.#clock = opts.clock ?? systemClock;
    this.#share = opts.share ?? 1;
    this.#observer = opts.observer ?? {};
    this.#maxRetries = opts.maxRateLimitRetries ?? 3;
    if (opts.redisUrl) {
      this.#connection = new Bottleneck.IORedisConnection({ clientOptions: redisOptions(opts.redisUrl) });
      this.#connection.on('error', () => undefined);
    }
  }

  /** A RequestGate for one account; `ip` names the egress IP whose budget it shares. */
  gate(exchange: ExchangeName, accountId: string, ip: string, spec: BudgetSpec, overrides: Record<string, { limit: number; windowMs: number }> = {}): RequestGate {
    const resolved = resolveSpec(spec, overrides);
    const bucketsOf = new Map<string, { bucket: Bucket; weight: number; scope: 'account' | 'ip'; name: string }[]>();
    for (const [endpoint, weights] of Object.entries(resolved.endpoints)) {
      const list = Object.entries(weights).map(([name, weight]) => {
        const def = resolved.buckets[name];
        if (!def) throw new ConfigError(`budget of ${exchange} endpoint ${endpoint}: unknown bucket ${name}`);
        const key = def.scope === 'ip' ? `${exchange}:ip:${ip}:${name}` : `${exchange}:acct:${accountId}:${name}`;
        const maxWeight = Math.max(...Object.values(resolved.endpoints).map((w) => w[name] ?? 0));
        return { bucket: this.#bucket(key, Math.max(1, Math.floor(def.limit * this.#share)), def.windowMs, maxWeight), weight, scope: def.scope, name };
      });
      // account buckets first, the shared IP bucket last (closest to the wire)
      list.sort((a, b) => (a.scope === b.scope ? 0 : a.scope === 'account' ? -1 : 1));
      bucketsOf.set(endpoint, list);
    }
    const find = (endpoint: string) => {
      const list = bucketsOf.get(endpoint);
      if (!list) throw new ConfigError(`budget of ${exchange}: no budget declared for endpoint ${endpoint}`);
      return list;
    };

    const schedule = async <T>(call: { endpoint: string; priority: Priority; signal?: AbortSignal }, fn: () => Promise<T>): Promise<T> => {
      const list = find(call.endpoint);
      for (let attempt = 0; ; attempt++) {
        if (this.#stopped) throw new EngineStoppedError('budget registry stopped');
        const now = this.#clock.now();
        const banned = list.find((b) => b.bucket.bannedUntil > now);
        if (banned) {
          throw new IpBannedError(`${exchange} IP budget ${banned.name} is banned until ${new Date(banned.bucket.bannedUntil).toISOString()}`, banned.bucket.bannedUntil);
        }
        const pausedUntil = Math.max(...list.map((b) => b.bucket.pausedUntil));
        if (pausedUntil > now) await sleep(this.#clock, pausedUntil - now, call.signal);

        const enqueuedAt = this.#clock.now();
        let startedAt = 0;
        const run = () => {
          startedAt = this.#clock.now();
          this.#observer.waited?.({ exchange, endpoint: call.endpoint, priority: call.priority, waitMs: startedAt - enqueuedAt });
          return fn();
        };
        const wrapped = list.reduceRight<() => Promise<T>>(
          (inner, b) => () => b.bucket.limiter.schedule({ priority: limiterPriority(call.priority), weight: b.bucket.weighted ? b.weight : 1 }, inner),
          run,
        );
        try {
          const result = await wrapped();
          this.#observer.call?.({ exchange, accountId, endpoint: call.endpoint, outcome: 'ok', durationMs: this.#clock.now() - startedAt });
          return result;
        } catch (err) {
          const outcome = outcomeOf(err);
          if (startedAt) this.#observer.call?.({ exchange, accountId, endpoint: call.endpoint, outcome, durationMs: this.#clock.now() - startedAt });
          if (err instanceof IpBannedError) {
            for (const b of list) if (b.scope === 'ip') b.bucket.bannedUntil = Math.max(b.bucket.bannedUntil, err.resetAt);
            this.#observer.exhausted?.({ exchange, scope: 'ip', bucket: list.find((b) => b.scope === 'ip')?.name ?? 'ip', until: err.resetAt, reason: err.message });
            throw err;
          }
          if (err instanceof RateLimitedError) {
            const now2 = this.#clock.now();
            // The reset time comes from the exchange; clamp it so a bad header cannot stall us for long.
            const until = Math.min(Math.max(err.resetAt, now2 + 100), now2 + 60_000);
            const targets = list.filter((b) => b.scope === err.scope);
            for (const b of targets.length ? targets : list) b.bucket.pausedUntil = Math.max(b.bucket.pausedUntil, until);
            this.#observer.exhausted?.({ exchange, scope: err.scope, bucket: (targets[0] ?? list[0])!.name, accountId, until, reason: err.message });
            if (attempt < this.#maxRetries) continue;
          }
          if (err instanceof Bottleneck.BottleneckError) throw new EngineStoppedError('budget registry stopped');
          throw err;
        }
      }
    };

    const feedback = (endpoint: string, info: BudgetFeedback) => {
      if (info.remaining === undefined || info.remaining > 0 || !info.resetAt) return;
      // The exchange says this window is spent (another process shares the key): wait for its reset.
      const now = this.#clock.now();
      const until = Math.min(info.resetAt, now + 60_000);
      if (until <= now) return;
      for (const b of bucketsOf.get(endpoint) ?? []) {
        if (b.scope === 'account') b.bucket.pausedUntil = Math.max(b.bucket.pausedUntil, until);
      }
    };

    return { schedule, feedback };
  }

  /** Bucket states for the status API. */
  snapshot(): { key: string; limit: number; windowMs: number; pausedUntil: number; bannedUntil: number; queued: number }[] {
    return [...this.#buckets.values()].map((b) => ({
      key: b.spec.key,
      limit: b.spec.limit,
      windowMs: b.spec.windowMs,
      pausedUntil: b.pausedUntil,
      bannedUntil: b.bannedUntil,
      queued: b.limiter.queued(),
    }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#buckets.values()].map((b) => b.stop()));
    if (this.#connection) await this.#connection.disconnect(false).catch(() => undefined);
  }

  #bucket(key: string, limit: number, windowMs: number, maxWeight: number): Bucket {
    let b = this.#buckets.get(key);
    if (!b) {
      b = new Bucket({ key, limit, windowMs, maxWeight }, { connection: this.#connection });
      this.#buckets.set(key, b);
    }
    return b;
  }
}

function resolveSpec(spec: BudgetSpec, overrides: Record<string, { limit: number; windowMs: number }>): BudgetSpec {
  const buckets = { ...spec.buckets };
  for (const [name, o] of Object.entries(overrides)) {
    const def = buckets[name];
    if (!def) throw new ConfigError(`budget override ${name}: expected one of ${Object.keys(buckets).join(', ')}, received ${JSON.stringify(name)}`);
    buckets[name] = { ...def, limit: o.limit, windowMs: o.windowMs };
  }
  return { buckets, endpoints: spec.endpoints };
}

function redisOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}
