import { writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release, arch } from 'node:os';
import type { Command } from 'commander';
import { BENCH_MODES, type BenchMode } from '../../bench/types.js';
import { runMode, type BenchOptions, type ModeResult } from '../../bench/orchestrator.js';
import { numberOption, parseList } from '../common.js';
import { UsageError } from '../main.js';

/**
 * `robosync bench`: the engine against the S004 scheme and naive polling, side by side, on the
 * simulator, with the same seeded workload. Prints one table and writes the same fields as JSON.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('Compare robosync with naive polling and the S004 scheme on the simulator (API calls, lags, staleness, cost)')
    .option('--robots <n>', 'robots', '1000')
    .option('--accounts <n>', 'accounts', '100')
    .option('--hot <fraction>', 'fraction of busy robots (open orders / positions)', '0.2')
    .option('--duration <seconds>', 'measured seconds per mode (after warm-up)', '120')
    .option('--latency-ms <n>', 'simulated exchange latency per REST answer', '20')
    .option('--modes <list>', `comma-separated: ${BENCH_MODES.join(', ')}`, BENCH_MODES.join(','))
    .option('--seed <n>', 'workload seed', '1')
    .option('--busy-every <seconds>', 'mean time between two actions (place / cancel) of a busy robot', '15')
    .option('--quiet-every <seconds>', 'mean time between two actions of a quiet robot (now and then it opens a small position, then closes it)', '120')
    .option('--symbols <list>', 'symbols the robots trade', 'BTCUSDT,ETHUSDT')
    .option('--database-url <url>', 'PostgreSQL server for a fresh database per mode (default: $DATABASE_URL, else embedded PGlite)')
    .option('--json <file>', 'write the results as JSON')
    .action(async (o: Record<string, string | undefined>) => {
      const num = (name: string, v: string | undefined, min: number, max: number, integer = true) => numberOption(`--${name}`, v, { min, max, integer });
      const opts: BenchOptions = {
        robots: num('robots', o.robots, 1, 100_000),
        accounts: num('accounts', o.accounts, 1, 10_000),
        hot: num('hot', o.hot, 0, 1, false),
        durationS: num('duration', o.duration, 5, 86_400),
        latencyMs: num('latency-ms', o.latencyMs, 0, 10_000),
        modes: parseList(o.modes, BENCH_MODES, '--modes') as BenchMode[],
        seed: num('seed', o.seed, 0, 2 ** 31),
        busyEveryS: num('busy-every', o.busyEvery, 0.1, 3600, false),
        quietEveryS: num('quiet-every', o.quietEvery, 0.1, 3600, false),
        symbols: (o.symbols ?? '').split(',').filter(Boolean),
        databaseUrl: o.databaseUrl ?? process.env.DATABASE_URL,
        log: (l) => process.stderr.write(l + '\n'),
      };
      if (opts.accounts > opts.robots) throw new UsageError(`--accounts: expected at most --robots (${opts.robots}), received ${opts.accounts}`);
      const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, os: `${platform()} ${release()} ${arch()}` };
      const config = { robots: opts.robots, accounts: opts.accounts, hot: opts.hot, durationS: opts.durationS, latencyMs: opts.latencyMs, modes: opts.modes, seed: opts.seed, symbols: opts.symbols, busyEveryS: opts.busyEveryS, quietEveryS: opts.quietEveryS, database: opts.databaseUrl ? 'postgresql' : 'pglite' };
      process.stderr.write(`robosync bench: ${opts.robots} robots on ${opts.accounts} accounts, ${Math.round(opts.hot * 100)}% busy, ${opts.durationS} s per mode, ${opts.latencyMs} ms latency, modes ${opts.modes.join(', ')}\n`);
      const modes: Record<string, ModeResult> = {};
      for (const mode of opts.modes) {
        process.stderr.write(`mode ${mode}: starting a fresh simulator and database\n`);
        modes[mode] = await runMode(mode, opts);
        process.stderr.write(`mode ${mode}: ${modes[mode]!.callsPerMin} calls/min\n`);
      }
      const out = { config, machine, modes };
      process.stdout.write(renderTable(out.modes) + '\n');
      if (o.json) {
        writeFileSync(o.json, JSON.stringify(out, null, 2) + '\n');
        process.stderr.write(`results written to ${o.json}\n`);
      }
    });
}

export function renderTable(modes: Record<string, ModeResult>): string {
  const f = (v: number | null, unit = '') => (v === null ? '-' : `${v}${unit}`);
  const s004 = modes.s004?.callsPerMin;
  const rows = [
    ['mode', 'calls/min', 'vs s004', 'event lag p50/p99 ms', 'detect lag p50/p99 ms', 'stale p99 hot/idle ms', 'violations', 'rate-limited', 'CPU s', 'CPU %', 'peak RSS MB'],
    ...Object.entries(modes).map(([m, r]) => [
      m,
      String(r.callsPerMin),
      s004 ? `${Math.round((r.callsPerMin / s004) * 1000) / 10}%` : '-',
      `${f(r.eventLagMs.p50)}/${f(r.eventLagMs.p99)}`,
      `${f(r.detectionLagMs.p50)}/${f(r.detectionLagMs.p99)}`,
      `${f(r.stalenessP99Ms.hot)}/${f(r.stalenessP99Ms.idle)}`,
      String(r.stalenessViolations),
      String(r.rateLimitAnswers),
      String(r.cpuSeconds),
      String(r.cpuPercent),
      String(r.peakRssMb),
    ]),
  ];
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ')).join('\n');
}
