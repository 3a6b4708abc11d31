import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Price-node series on the engine's registry (served at /metrics). Nodes are labelled by name
 * (a handful per deployment), never by URL or key.
 */
export class PriceNodeMetrics {
  readonly rows: Counter<'source' | 'data'>;
  readonly runs: Counter<'kind' | 'outcome'>;
  readonly failures: Gauge<'node'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.rows = new Counter({
      name: 'robosync_pricenode_rows_total',
      help: 'Market rows written (new or changed), by source (collector, node) and data (tickers, klines)',
      labelNames: ['source', 'data'],
      registers,
    });
    this.runs = new Counter({
      name: 'robosync_pricenode_runs_total',
      help: 'Collector and node sync runs, by outcome (ok; partial: some pair failed; failed: the exchange or node failed)',
      labelNames: ['kind', 'outcome'],
      registers,
    });
    this.failures = new Gauge({
      name: 'robosync_pricenode_node_consecutive_failures',
      help: 'Consecutive failed runs of a node (the backoff exponent); 0 when its last run reached it',
      labelNames: ['node'],
      registers,
    });
  }
}
