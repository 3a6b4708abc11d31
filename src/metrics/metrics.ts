import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PRIORITIES, type Priority } from '../domain/priority.js';

const LAG_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 15, 30, 60, 120];
const QUANTILES = [0.5, 0.9, 0.99, 1];

export interface MetricsSources {
  /** staleness in ms of every active robot, with its tier */
  staleness(): { tier: 'hot' | 'idle'; ms: number }[];
  queueDepth(): Record<Priority, number>;
}

/**
 * One prom-client registry per engine. Per-robot staleness stays out of labels (a thousand
 * robots would be a thousand series); the distribution across robots is exported as quantiles
 * computed at scrape time, and per-robot values are in engine.status().
 */
export class Metrics {
  readonly registry = new Registry();
  readonly eventLag: Histogram<string>;
  readonly detectionLag: Histogram<'kind'>;
  readonly apiRequests: Counter<'exchange' | 'endpoint' | 'outcome'>;
  readonly rateLimitWait: Histogram<'exchange' | 'priority'>;
  readonly syncDuration: Histogram<'reason'>;
  readonly syncFailures: Counter<'reason'>;
  readonly rateLimitAnswers: Counter<'exchange' | 'scope'>;
  readonly storeRows: Counter<'table' | 'outcome'>;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    this.eventLag = new Histogram({
      name: 'robosync_event_lag_seconds',
      help: 'Robot event emitted -> the sync it triggered committed',
      buckets: LAG_BUCKETS,
      registers,
    });
    this.detectionLag = new Histogram({
      name: 'robosync_detection_lag_seconds',
      help: "Exchange change time (order updatedTime / execTime) -> committed",
      labelNames: ['kind'],
      buckets: LAG_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'robosync_staleness_seconds',
      help: 'Distribution across active robots of now - last successful sync, by tier (quantile 1 = max)',
      labelNames: ['tier', 'quantile'],
      registers,
      collect() {
        this.reset();
        const all = sources.staleness();
        for (const tier of ['hot', 'idle'] as const) {
          const xs = all.filter((s) => s.tier === tier).map((s) => s.ms).sort((a, b) => a - b);
          if (!xs.length) continue;
          for (const q of QUANTILES) this.set({ tier, quantile: String(q) }, xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]! / 1000);
        }
      },
    });
    new Gauge({
      name: 'robosync_staleness_max_seconds',
      help: 'Largest staleness over all active robots',
      registers,
      collect() {
        const all = sources.staleness();
        this.set(all.length ? Math.max(...all.map((s) => s.ms)) / 1000 : 0);
      },
    });
    new Gauge({
      name: 'robosync_robots',
      help: 'Active robots by tier',
      labelNames: ['tier'],
      registers,
      collect() {
        const all = sources.staleness();
        this.set({ tier: 'hot' }, all.filter((s) => s.tier === 'hot').length);
        this.set({ tier: 'idle' }, all.filter((s) => s.tier === 'idle').length);
      },
    });
    this.apiRequests = new Counter({
      name: 'robosync_api_requests_total',
      help: 'Exchange API calls by endpoint and outcome',
      labelNames: ['exchange', 'endpoint', 'outcome'],
      registers,
    });
    this.rateLimitAnswers = new Counter({
      name: 'robosync_rate_limit_answers_total',
      help: 'Rate-limit answers received from exchanges (10006, 429, 403)',
      labelNames: ['exchange', 'scope'],
      registers,
    });
    this.rateLimitWait = new Histogram({
      name: 'robosync_rate_limit_wait_seconds',
      help: 'Time a call waited for its budget',
      labelNames: ['exchange', 'priority'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    new Gauge({
      name: 'robosync_queue_depth',
      help: 'Sync jobs waiting, by priority',
      labelNames: ['priority'],
      registers,
      collect() {
        const d = sources.queueDepth();
        for (const p of PRIORITIES) this.set({ priority: p }, d[p] ?? 0);
      },
    });
    this.syncDuration = new Histogram({
      name: 'robosync_sync_duration_seconds',
      help: 'Sync job duration (start -> commit) by reason',
      labelNames: ['reason'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.syncFailures = new Counter({
      name: 'robosync_sync_failures_total',
      help: 'Failed sync jobs by reason',
      labelNames: ['reason'],
      registers,
    });
    this.storeRows = new Counter({
      name: 'robosync_store_rows_total',
      help: 'Rows written by table and outcome (inserted, updated, unchanged)',
      labelNames: ['table', 'outcome'],
      registers,
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
