import Bottleneck from 'bottleneck';
import { ConfigError } from '../errors.js';

/**
 * One rate budget ("limit per window") as a Bottleneck limiter.
 *
 * Spacing, not a fixed-window reservoir, is what keeps every SLIDING window within the limit:
 * with jobs at least windowMs/limit apart, no window of windowMs holds more than `limit` unit jobs
 * (a fixed reservoir alone allows two full bursts to meet at a window edge). Weighted budgets
 * (WEEX) add a reservoir refilled every quarter window with a fifth of the limit: any sliding
 * window then overlaps at most five refills, so the weight spent stays <= limit.
 */
export interface BucketSpec {
  key: string;
  limit: number;
  windowMs: number;
  /** largest weight any endpoint puts on this bucket */
  maxWeight: number;
}

export interface BucketOptions {
  /** Bottleneck Redis connection for budgets shared across processes */
  connection?: Bottleneck.IORedisConnection;
}

export class Bucket {
  readonly limiter: Bottleneck;
  readonly weighted: boolean;
  /** 10006-style pauses: no new call starts before this time (ms) */
  pausedUntil = 0;
  /** IP bans (HTTP 403): calls fail fast until this time (ms) */
  bannedUntil = 0;

  constructor(
    readonly spec: BucketSpec,
    opts: BucketOptions = {},
  ) {
    const { limit, windowMs, maxWeight, key } = spec;
    if (!(limit >= 1) || !(windowMs >= 1)) {
      throw new ConfigError(`budget ${key}: expected limit >= 1 and windowMs >= 1, received limit ${limit}, windowMs ${windowMs}`);
    }
    this.weighted = maxWeight > 1;
    const refill = Math.floor(limit / 5);
    if (this.weighted && maxWeight > refill) {
      // A job weighted above what the reservoir can ever hold would wait forever.
      throw new ConfigError(
        `budget ${key}: expected every endpoint weight <= ${refill} (a fifth of the limit ${limit}), received ${maxWeight}`,
      );
    }
    const base: Bottleneck.ConstructorOptions = {
      id: `robosync:${key}`,
      minTime: Math.ceil(windowMs / limit),
      maxConcurrent: null,
      ...(this.weighted
        ? { reservoir: refill, reservoirRefreshAmount: refill, reservoirRefreshInterval: Math.ceil(windowMs / 4) }
        : {}),
    };
    this.limiter = opts.connection
      ? new Bottleneck({ ...base, datastore: 'ioredis', connection: opts.connection, clearDatastore: false, timeout: 10 * 60_000 })
      : new Bottleneck(base);
    this.limiter.on('error', () => {
      // Redis hiccups surface as job failures; the listener keeps them from crashing the process.
    });
  }

  async stop(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}
