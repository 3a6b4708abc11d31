import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify';
import { createStore } from '../../store/index.js';
import type { ExportTable } from '../../store/types.js';
import { configFrom, parseSince, withConfig } from '../common.js';
import { UsageError } from '../main.js';
import { createLogger } from '../../util/logger.js';

const TABLES: Record<string, ExportTable> = { executions: 'executions', orders: 'orders', 'closed-pnl': 'closed_pnl' };

/**
 * `robosync export`: streams rows from the store with constant memory (keyset pages), as CSV or
 * JSON lines, honouring back-pressure of the output.
 */
export function registerExportCommand(program: Command): void {
  withConfig(
    program
      .command('export')
      .description('Export executions, orders or closed PnL as CSV or JSON lines (streams; constant memory)')
      .argument('<table>', 'executions | orders | closed-pnl')
      .option('--format <fmt>', 'csv or jsonl', 'csv')
      .option('--account <id>', 'only this account')
      .option('--from <when>', 'from this time (inclusive): 30d, 2026-01-01, ISO time or ms')
      .option('--to <when>', 'up to this time (exclusive)')
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  ).action(async (table: string, o: { config?: string; format: string; account?: string; from?: string; to?: string; output?: string }) => {
    const t = TABLES[table];
    if (!t) throw new UsageError(`table: expected one of ${Object.keys(TABLES).join(', ')}, received ${JSON.stringify(table)}`);
    if (o.format !== 'csv' && o.format !== 'jsonl') throw new UsageError(`--format: expected csv or jsonl, received ${JSON.stringify(o.format)}`);
    const now = Date.now();
    const from = o.from ? parseSince(o.from, now, '--from') : undefined;
    const to = o.to ? parseSince(o.to, now, '--to') : undefined;
    const config = configFrom(o);
    const store = await createStore(config.database, { logger: createLogger({ level: 'warn', format: config.logging.format }) });
    const out: Writable = o.output ? createWriteStream(o.output) : process.stdout;
    let rows = 0;
    try {
      const write = async (chunk: string) => {
        if (!out.write(chunk)) await once(out, 'drain');
      };
      if (o.format === 'jsonl') {
        for await (const row of store.exportRows(t, { accountId: o.account, from, to })) {
          await write(JSON.stringify(row) + '\n');
          rows++;
        }
      } else {
        const csv = stringify({ header: true, cast: { boolean: (v) => (v ? 'true' : 'false'), object: (v) => JSON.stringify(v) } });
        const piping = new Promise<void>((resolve, reject) => {
          csv.on('data', (chunk: Buffer) => {
            if (!out.write(chunk)) {
              csv.pause();
              out.once('drain', () => csv.resume());
            }
          });
          csv.on('end', resolve);
          csv.on('error', reject);
        });
        for await (const row of store.exportRows(t, { accountId: o.account, from, to })) {
          if (!csv.write(row)) await once(csv, 'drain');
          rows++;
        }
        csv.end();
        await piping;
      }
    } finally {
      await store.close();
      if (o.output) {
        out.end();
        await once(out, 'finish');
      }
    }
    process.stderr.write(`exported ${rows} ${table} row(s)${o.output ? ` to ${o.output}` : ''}\n`);
  });
}
