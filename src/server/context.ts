import type { Engine } from '../engine.js';
import type { Logger } from '../util/logger.js';
import type { Asset } from './assets.js';
import type { SyncJobs } from './jobs.js';
import type { ServerMetrics } from './metrics.js';
import type { ResolvedServerOptions } from './options.js';

/** What the route modules need, and nothing more. */
export interface ServerContext {
  engine: Engine;
  options: ResolvedServerOptions;
  logger: Logger;
  jobs: SyncJobs;
  metrics: ServerMetrics;
  assets: Map<string, Asset>;
}
