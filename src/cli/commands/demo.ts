import type { Command } from 'commander';
import { engineFromConfig } from '../../engine.js';
import { loadConfig } from '../../config/load.js';
import { startSimulator } from '../../simulator/index.js';
import { createLogger } from '../../util/logger.js';
import { systemClock } from '../../util/clock.js';
import { RobotWorkload, type WorkloadRobot } from '../../workload/robots.js';
import { numberOption, untilSignal } from '../common.js';
import { startServer } from '../../server/server.js';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT'];

/**
 * `npm start` / `robosync demo`: the engine embedded with the built-in simulator and the
 * embedded database, no set-up. 20 robots on 5 accounts place, fill and close orders; a status
 * line every few seconds; the dashboard is served locally.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run robosync embedded against the built-in simulator: 20 robots on 5 accounts, status lines and a dashboard')
    .option('--duration <seconds>', 'stop after this many seconds (default: until Ctrl-C)')
    .option('--robots <n>', 'robots', '20')
    .option('--accounts <n>', 'accounts', '5')
    .option('--data-dir <dir>', 'embedded database directory', './.robosync/data')
    .option('--port <n>', 'dashboard port (0 = any free port)', '8080')
    .option('--seed <n>', 'seed of the simulator and the robots', '7')
    .option('--every <seconds>', 'status line period', '3')
    .action(async (o: { duration?: string; robots: string; accounts: string; dataDir: string; port: string; seed: string; every: string }) => {
      const int = (name: string, v: string, min: number) => numberOption(name, v, { min });
      const duration = o.duration === undefined ? null : int('--duration', o.duration, 1);
      const nRobots = int('--robots', o.robots, 1);
      const nAccounts = int('--accounts', o.accounts, 1);
      const seed = int('--seed', o.seed, 0);
      const every = int('--every', o.every, 1);
      const port = int('--port', o.port, 0);

      const logger = createLogger({ level: 'warn' });
      const sim = await startSimulator({ exchange: 'bybit', seed, accounts: nAccounts, symbols: SYMBOLS, priceTickMs: 200, logger });
      const robots: WorkloadRobot[] = Array.from({ length: nRobots }, (_, i) => ({
        id: `robot-${String(i + 1).padStart(2, '0')}`,
        accountId: sim.accounts[i % nAccounts]!.id,
        symbol: SYMBOLS[i % SYMBOLS.length]!,
        busy: i % 5 < 2,
      }));
      const config = loadConfig({
        file: null,
        config: {
          database: { dataDir: o.dataDir },
          exchanges: { bybit: { baseUrl: sim.url, wsUrl: sim.wsUrl } },
          accounts: sim.accounts.map((a) => ({ id: a.id, exchange: 'bybit' as const, label: `simulated ${a.id}`, apiKey: a.apiKey, apiSecret: a.apiSecret })),
          robots: robots.map((r) => ({ id: r.id, accountId: r.accountId, symbols: [r.symbol], orderLinkPrefix: `${r.id}-` })),
          server: { port },
          logging: { level: 'warn' },
        },
      });
      const engine = await engineFromConfig(config, { logger });
      await engine.start();
      let server: Awaited<ReturnType<typeof startServer>> | null = null;
      try {
        server = await startServer({ engine, config: { ...config.server, port }, logger });
      } catch (err) {
        process.stdout.write(`dashboard not started: ${(err as Error).message}\n`);
      }
      const workload = new RobotWorkload({
        robots,
        seed,
        clock: systemClock,
        busyActEveryMs: 3000,
        quietActEveryMs: 20_000,
        exchange: {
          price: (s) => sim.price(s),
          place: async (accountId, req) => {
            const row = await sim.placeOrder(accountId, req).catch(() => null);
            return row ? { orderId: String(row.orderId) } : null;
          },
          cancel: async (accountId, req) => Boolean(await sim.cancelOrder(accountId, req).catch(() => null)),
        },
        emit: (name, e) => {
          try {
            engine.emit(name, e);
          } catch {
            // the engine is stopping
          }
        },
      });
      workload.start();
      process.stdout.write(
        `robosync demo: ${nRobots} robots on ${nAccounts} simulated Bybit accounts; database ${config.database.kind === 'pglite' ? config.database.dataDir : 'postgresql'}\n` +
          (server ? `dashboard: ${server.url}/\n` : '') +
          (duration ? `running for ${duration} s\n` : 'Ctrl-C to stop\n'),
      );
      const t0 = Date.now();
      const timer = setInterval(() => {
        const l = engine.live();
        const ms = (v: number | null) => (v === null ? '-' : `${Math.round(v)} ms`);
        process.stdout.write(
          `[${String(Math.round((Date.now() - t0) / 1000)).padStart(4)}s] robots hot ${l.robots.hot} idle ${l.robots.idle}` +
            ` | syncs ${l.syncsPerSec.toFixed(1)}/s | API ${l.apiCallsPerMin}/min` +
            ` | p99 event lag ${ms(l.eventLagMs.p99)} detection lag ${ms(l.detectionLagMs.p99)}` +
            ` | max staleness hot ${(l.stalenessMaxMs.hot / 1000).toFixed(1)} s idle ${(l.stalenessMaxMs.idle / 1000).toFixed(1)} s\n`,
        );
      }, every * 1000);
      await Promise.race([untilSignal(), ...(duration ? [new Promise((r) => setTimeout(r, duration * 1000))] : [])]);
      clearInterval(timer);
      await workload.stop();
      await server?.close();
      await engine.stop();
      await sim.close();
      process.stdout.write(`stopped; data kept in ${o.dataDir} (try: npx robosync status)\n`);
    });
}
