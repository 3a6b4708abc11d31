import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Engine } from '../engine.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { loadAssets } from './assets.js';
import { AuthPolicy } from './auth.js';
import { declaredTooLarge } from './body.js';
import type { ServerContext } from './context.js';
import { SyncJobs } from './jobs.js';
import { ServerMetrics } from './metrics.js';
import { resolveServerOptions, type ResolvedServerOptions, type ServerConfig, type ServerTuning } from './options.js';
import { createRequestHandler, refuseEarly } from './pipeline.js';
import { Router } from './router.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { dataRoutes } from './routes/data.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { nodeRoutes } from './routes/nodes.js';
import { robotRoutes } from './routes/robots.js';
import { statusRoutes } from './routes/status.js';
import { syncRoutes } from './routes/sync.js';
import { WsHub } from './ws.js';

export type { ServerConfig, ServerTuning, ResolvedServerOptions };

export interface StartServerOptions {
  engine: Engine;
  /** overrides of `engine.config.server` (host, port, token, maxBodyBytes); `enabled` is the caller's to honour */
  config?: Partial<ServerConfig>;
  /** defaults to the engine's logger */
  logger?: Logger;
  /** timers and bounds; the defaults suit production */
  tuning?: Partial<ServerTuning>;
}

export interface ServerHandle {
  /** base URL to reach it, e.g. http://127.0.0.1:8080 (an unspecified bind address shows as loopback) */
  url: string;
  /** the bound port (useful with port 0) */
  port: number;
  /** the bound host */
  host: string;
  /** stops accepting, closes WebSockets (1001) and open connections; idempotent */
  close(): Promise<void>;
}

/**
 * The control plane: HTTP API, WebSocket ingress and live feed, /metrics, the dashboard.
 * Throws ConfigError before binding anything when the options are invalid, and when asked to
 * listen on a non-loopback address without a token.
 */
export async function startServer(opts: StartServerOptions): Promise<ServerHandle> {
  const { engine } = opts;
  const options = resolveServerOptions(engine.config.server, opts.config, opts.tuning);
  const logger = (opts.logger ?? engine.logger).child({ component: 'server' });
  const auth = new AuthPolicy(options.token);
  const metrics = new ServerMetrics();
  const assets = loadAssets(options.publicDir);
  if (!assets.has('index.html')) logger.warn('dashboard files not found; / will answer 404', { dir: options.publicDir });
  const ctx: ServerContext = { engine, options, logger, jobs: new SyncJobs(), metrics, assets };
  const router = new Router().add(...healthRoutes(ctx), ...statusRoutes(ctx), ...syncRoutes(ctx), ...eventRoutes(ctx), ...robotRoutes(ctx), ...dataRoutes(ctx), ...nodeRoutes(ctx), ...dashboardRoutes(ctx));
  const hub = new WsHub({ engine, auth, logger, metrics, options });

  const handler = createRequestHandler(ctx, router, auth);
  const server = createServer({ requestTimeout: 60_000, headersTimeout: 15_000, keepAliveTimeout: 5000 }, handler);
  server.on('checkContinue', (req, res) => {
    if (declaredTooLarge(req, options.maxBodyBytes)) return refuseEarly(res, options.maxBodyBytes);
    res.writeContinue();
    handler(req, res);
  });
  server.on('upgrade', (req, socket, head) => hub.handleUpgrade(req, socket, head));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  try {
    await listen(server, options);
  } catch (err) {
    await hub.close();
    throw err;
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : options.port;
  const url = `http://${urlHost(options.host)}:${port}`;
  if (auth.open) {
    logger.warn('no server token configured: mutating API calls and WebSockets are accepted without authentication (loopback only); set ROBOSYNC_TOKEN to require one', { host: options.host });
  }
  logger.info('control plane listening', { url, auth: auth.open ? 'none (loopback)' : 'bearer' });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    host: options.host,
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await hub.close();
        server.closeIdleConnections();
        // Requests still running (a manual sync waiting) get a moment, then their sockets go.
        const grace = setTimeout(() => {
          for (const s of sockets) s.destroy();
        }, 2000);
        await stopped;
        clearTimeout(grace);
        logger.info('control plane stopped');
      })()),
  };
}

function listen(server: Server, o: ResolvedServerOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new ConfigError(`server.port: expected a free port, received ${o.port} (already in use on ${o.host})`, [{ path: 'server.port', message: 'in use' }]));
      else if (err.code === 'EACCES') reject(new ConfigError(`server.port: expected a port this process may bind, received ${o.port} (permission denied)`, [{ path: 'server.port', message: 'permission denied' }]));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ConfigError(`server.host: expected an address of this machine, received ${JSON.stringify(o.host)} (${err.code})`, [{ path: 'server.host', message: err.code }]));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(o.port, o.host);
  });
}

/** A host usable in a URL: brackets for IPv6; loopback for an unspecified (any) address. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  if (host.includes(':') && !host.startsWith('[')) return `[${host}]`;
  return host;
}
