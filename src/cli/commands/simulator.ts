import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import YAML from 'yaml';
import { closeLogger, createLogger } from '../../util/logger.js';
import { SimulatorConfigError, startSimulator, type FaultConfig } from '../../simulator/index.js';
import { numberOption } from '../common.js';

interface SimulatorCliOptions {
  exchange: string;
  host: string;
  port: string;
  seed: string;
  accounts: string;
  symbols: string;
  latencyMs: string;
  faults?: string;
  priceTickMs?: string;
  fundingIntervalMs?: string;
  limits: boolean;
  logLevel: string;
}

/**
 * `robosync simulator`: serves a simulated exchange until SIGINT/SIGTERM. The first stdout line
 * is one JSON object (urls, accounts with credentials, symbols) so a parent process can read
 * it; logs go to stderr.
 */
export function registerSimulatorCommand(program: Command): void {
  const cmd: Command = program
    .command('simulator')
    .description('Run the built-in exchange simulator (Bybit V5 or WEEX v2 wire format) until killed')
    .option('--exchange <name>', 'bybit or weex', 'bybit')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--seed <n>', 'seed: same seed, same accounts, keys and price path', '1')
    .option('--accounts <n>', 'number of accounts', '3')
    .option('--symbols <list>', 'comma-separated linear USDT symbols', 'BTCUSDT,ETHUSDT')
    .option('--latency-ms <n>', 'added latency per REST answer', '0')
    .option('--faults <file>', 'fault config (JSON or YAML)')
    .option('--price-tick-ms <n>', 'price path sampling period')
    .option('--funding-interval-ms <n>', 'funding period for open positions')
    .option('--no-limits', 'disable rate limits')
    .option('--log-level <level>', 'log level for stderr', 'info');
  cmd.action(async (o: SimulatorCliOptions) => {
    const int = (name: string, v: string | undefined, min: number, max: number): number | undefined =>
      v === undefined ? undefined : numberOption(name, v, { min, max });
    if (o.exchange !== 'bybit' && o.exchange !== 'weex') cmd.error(`robosync simulator: --exchange: expected bybit or weex, received ${JSON.stringify(o.exchange)}`, { exitCode: 2 });
    let faults: Partial<FaultConfig> | undefined;
    if (o.faults) {
      let text: string;
      try {
        text = await readFile(o.faults, 'utf8');
      } catch (e) {
        cmd.error(`robosync simulator: --faults: cannot read ${o.faults}: ${(e as Error).message}`, { exitCode: 2 });
      }
      try {
        faults = (o.faults.endsWith('.json') ? JSON.parse(text) : YAML.parse(text)) ?? {};
      } catch (e) {
        cmd.error(`robosync simulator: --faults: ${o.faults} is not valid JSON/YAML: ${(e as Error).message}`, { exitCode: 2 });
      }
    }
    const logger = createLogger({ level: o.logLevel, stream: process.stderr });
    let sim;
    try {
      sim = await startSimulator({
        exchange: o.exchange as 'bybit' | 'weex',
        host: o.host,
        port: int('--port', o.port, 0, 65535),
        seed: int('--seed', o.seed, -2147483648, 2 ** 53),
        accounts: int('--accounts', o.accounts, 1, 100_000),
        symbols: o.symbols.split(',').map((s) => s.trim()).filter(Boolean),
        latencyMs: int('--latency-ms', o.latencyMs, 0, 600_000),
        priceTickMs: int('--price-tick-ms', o.priceTickMs, 1, 3_600_000),
        fundingIntervalMs: int('--funding-interval-ms', o.fundingIntervalMs, 10, 365 * 86_400_000),
        limits: o.limits ? undefined : { enabled: false },
        faults,
        logger,
      });
    } catch (e) {
      await closeLogger(logger);
      // Bad options are usage errors (2); anything else (port in use...) is a failure (1).
      if (e instanceof SimulatorConfigError) cmd.error(`robosync simulator: ${e.message}`, { exitCode: 2 });
      throw e;
    }
    process.stdout.write(JSON.stringify(sim.info()) + '\n');
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info('simulator: stopping', { signal });
    await sim.close();
    await closeLogger(logger);
  });
}
