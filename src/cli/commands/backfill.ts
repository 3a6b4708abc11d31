import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { engineFromConfig } from '../../engine.js';
import type { HistoryStream } from '../../exchanges/adapter.js';
import { createLogger } from '../../util/logger.js';
import { configFrom, parseList, parseSince, untilSignal, withConfig } from '../common.js';
import { UsageError } from '../main.js';

const STREAMS: readonly HistoryStream[] = ['executions', 'orders', 'closed_pnl', 'positions'];

/**
 * `robosync backfill`: walks an account's history down to --since, window by window, at backfill
 * priority. A progress bar per window on a terminal, plain lines otherwise. Interrupt it and run
 * it again: it continues from its cursors.
 */
export function registerBackfillCommand(program: Command): void {
  withConfig(
    program
      .command('backfill')
      .description("Backfill an account's history (executions, orders, closed PnL, positions) down to a date; resumable")
      .requiredOption('--account <id>', 'account id from the configuration')
      .option('--streams <list>', `comma-separated: ${STREAMS.join(', ')} (default: all the exchange offers)`)
      .requiredOption('--since <when>', 'how far back: 30d, 12h, 2026-01-01 (clamped to the exchange floor)'),
  ).action(async (o: { config?: string; account: string; streams?: string; since: string }) => {
    const streams = parseList(o.streams, STREAMS, '--streams');
    const since = parseSince(o.since, Date.now(), '--since');
    const config = configFrom(o);
    if (!config.accounts.some((a) => a.id === o.account)) {
      throw new UsageError(`--account: expected one of ${config.accounts.map((a) => a.id).join(', ') || '(no accounts configured)'}, received ${JSON.stringify(o.account)}`);
    }
    const logger = createLogger({ level: config.logging.level === 'info' ? 'warn' : config.logging.level, format: config.logging.format });
    const engine = await engineFromConfig(config, { logger, schedule: false });
    await engine.start();
    const abort = new AbortController();
    void untilSignal().then(() => abort.abort(new Error('interrupted')));
    const tty = process.stderr.isTTY === true;
    const bars = tty ? new cliProgress.MultiBar({ format: ' {stream} [{bar}] {value}/{total} windows | {rows} rows | {from}', hideCursor: true, clearOnComplete: false, stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    const barOf = new Map<string, cliProgress.SingleBar>();
    const rowsOf = new Map<string, number>();
    try {
      const result = await engine.backfill({
        accountId: o.account,
        streams,
        since,
        signal: abort.signal,
        onWindow: (p) => {
          const rows = (rowsOf.get(p.stream) ?? 0) + p.rows;
          rowsOf.set(p.stream, rows);
          const from = new Date(p.window.start).toISOString().slice(0, 10);
          if (bars) {
            let bar = barOf.get(p.stream);
            if (!bar) barOf.set(p.stream, (bar = bars.create(p.of, 0, { stream: p.stream.padEnd(10), rows: 0, from })));
            bar.update(p.index + 1, { rows, from });
          } else {
            process.stderr.write(`${o.account} ${p.stream}: window ${p.index + 1}/${p.of} from ${new Date(p.window.start).toISOString()} (${p.rows} rows, ${rows} so far)\n`);
          }
        },
      });
      bars?.stop();
      for (const s of result.streams) {
        process.stdout.write(`${s.stream}: ${s.windows} windows, ${s.pages} pages, ${s.rowsNew} new, ${s.rowsUpdated} updated, ${s.rowsSkipped} unchanged\n`);
      }
      process.stdout.write(`${result.ok ? 'done' : 'failed'} in ${(result.durationMs / 1000).toFixed(1)} s, ${result.apiCalls} API calls${result.runId !== null ? `, run ${result.runId}` : ''}\n`);
      if (!result.ok) {
        process.stderr.write(`robosync backfill: ${result.error}\n`);
        process.exitCode = 1;
      }
    } finally {
      bars?.stop();
      await engine.stop();
    }
  });
}
