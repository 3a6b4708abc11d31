import { Counter, Gauge, Registry } from 'prom-client';

/**
 * The control plane's own series, appended to the engine's on /metrics. A registry of its own,
 * so a second server on the same engine (tests, a restart) never collides with the engine's.
 * Labels stay bounded: the route pattern (not the path), the status code, a fixed reason list.
 */
export type DisconnectReason = 'slow_consumer' | 'heartbeat' | 'abuse' | 'client' | 'shutdown';

export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'robosync_http_requests_total',
    help: 'Control API requests by route pattern, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  readonly ingested = new Counter({
    name: 'robosync_ingested_events_total',
    help: 'Robot events received over HTTP or WebSocket, by outcome',
    labelNames: ['transport', 'outcome'],
    registers: [this.registry],
  });
  readonly wsPeers = new Gauge({
    name: 'robosync_ws_peers',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  });
  readonly wsMessages = new Counter({
    name: 'robosync_ws_messages_total',
    help: 'WebSocket messages by direction',
    labelNames: ['direction'],
    registers: [this.registry],
  });
  readonly wsDisconnects = new Counter({
    name: 'robosync_ws_disconnects_total',
    help: 'WebSocket connections closed, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
