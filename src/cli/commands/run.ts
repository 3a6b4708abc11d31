import type { Command } from 'commander';
import { engineFromConfig } from '../../engine.js';
import { priceNodesOf } from '../../pricenode/service.js';
import { startServer } from '../../server/server.js';
import { closeLogger, createLogger } from '../../util/logger.js';
import { configFrom, untilSignal, withConfig } from '../common.js';

/**
 * `robosync run -c config.yaml` (alias `sync`, as S001 users type it): the daemon. The engine
 * syncs every configured account (robot tiers, history streams), price nodes collect and pull
 * market data (pricenode.*), the control plane serves the API, the WebSocket and the dashboard.
 * SIGINT/SIGTERM finish in-flight syncs and stop cleanly.
 */
export function registerRunCommand(program: Command): void {
  withConfig(program.command('run').alias('sync').description('Run the daemon: engine, history streams, HTTP/WebSocket API and dashboard')).action(async (o: { config?: string }) => {
    const config = configFrom(o);
    const logger = createLogger({ level: config.logging.level, format: config.logging.format });
    const engine = await engineFromConfig(config, { logger });
    await engine.start();
    // Price nodes (collector, pulls from other robosyncs) run as engine jobs; stopped before it.
    const priceNodes = priceNodesOf(engine);
    let server: Awaited<ReturnType<typeof startServer>> | null = null;
    try {
      await priceNodes.start();
      if (config.server.enabled) {
        server = await startServer({ engine, logger });
      }
      logger.info('robosync running', { accounts: config.accounts.length, robots: engine.robots.list().length, database: config.database.kind });
      const sig = await untilSignal();
      logger.info('stopping', { signal: sig });
    } finally {
      priceNodes.stop();
      await server?.close();
      await engine.stop();
      await closeLogger(logger);
    }
  });
}
