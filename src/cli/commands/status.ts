import type { Command } from 'commander';
import { createStore } from '../../store/index.js';
import type { CursorRow, SyncRunRow } from '../../store/types.js';
import { formatDuration } from '../../util/duration.js';
import { configFrom, iso, table, withConfig } from '../common.js';
import { createLogger } from '../../util/logger.js';
import { SYNC_HEARTBEAT_STREAM } from '../../sync/heartbeat.js';

interface AccountReport {
  id: string;
  exchange: string;
  label: string | null;
  robots: number;
  lastSyncAt: number | null;
  stalenessMs: number | null;
  streams: { stream: string; symbol: string; cursorTime: number | null; updatedAt: number }[];
}

/**
 * `robosync status`: accounts, streams, cursors, the last runs and staleness, read from the
 * database (works whether or not a daemon is running; the daemon records each account's last
 * successful sync there every few seconds).
 */
export function registerStatusCommand(program: Command): void {
  withConfig(program.command('status').description('Show accounts, streams, cursors, last runs and staleness').option('--json', 'print JSON')).action(async (o: { config?: string; json?: boolean }) => {
    const config = configFrom(o);
    const store = await createStore(config.database, { logger: createLogger({ level: 'warn', format: config.logging.format }) });
    try {
      await store.migrate();
      const now = Date.now();
      const [accounts, robots, cursors, runs] = await Promise.all([store.listAccounts(), store.listRobots(), store.getCursors(), store.listRuns(10)]);
      const byAccount = new Map<string, CursorRow[]>();
      for (const c of cursors) byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c]);
      const ids = new Set([...accounts.map((a) => a.id), ...byAccount.keys()]);
      const report: AccountReport[] = [...ids].sort().map((id) => {
        const a = accounts.find((x) => x.id === id);
        const cs = byAccount.get(id) ?? [];
        const beat = cs.find((c) => c.stream === SYNC_HEARTBEAT_STREAM);
        const lastSyncAt = beat?.time ?? (cs.length ? Math.max(...cs.map((c) => c.updatedAt)) : null);
        return {
          id,
          exchange: a?.exchange ?? '?',
          label: a?.label ?? null,
          robots: robots.filter((r) => r.accountId === id).length,
          lastSyncAt,
          stalenessMs: lastSyncAt === null ? null : now - lastSyncAt,
          streams: cs.filter((c) => c.stream !== SYNC_HEARTBEAT_STREAM).map((c) => ({ stream: c.stream, symbol: c.symbol, cursorTime: c.time, updatedAt: c.updatedAt })),
        };
      });
      if (o.json) {
        process.stdout.write(JSON.stringify({ now, database: store.kind, accounts: report, robots, runs }, null, 2) + '\n');
        return;
      }
      process.stdout.write(render(now, store.kind, report, runs));
    } finally {
      await store.close();
    }
  });
}

function render(now: number, db: string, accounts: AccountReport[], runs: SyncRunRow[]): string {
  let out = `robosync status at ${iso(now)} (database: ${db})\n\n`;
  if (!accounts.length) out += 'no accounts yet\n';
  else {
    out += table([
      ['ACCOUNT', 'EXCHANGE', 'ROBOTS', 'LAST SYNC', 'STALENESS'],
      ...accounts.map((a) => [a.id, a.exchange, String(a.robots), iso(a.lastSyncAt), a.stalenessMs === null ? '-' : formatDuration(a.stalenessMs)]),
    ]);
    const streams = accounts.flatMap((a) => a.streams.map((s) => [a.id, s.stream + (s.symbol ? `/${s.symbol}` : ''), iso(s.cursorTime), iso(s.updatedAt)]));
    if (streams.length) out += '\n' + table([['ACCOUNT', 'STREAM', 'CURSOR', 'UPDATED'], ...streams]);
  }
  out += '\n';
  if (!runs.length) out += 'no sync runs yet\n';
  else {
    out += table([
      ['RUN', 'STARTED', 'SCOPE', 'STATUS', 'OK/FAILED', 'NEW', 'UPDATED', 'SKIPPED', 'CALLS', 'ERROR'],
      ...runs.map((r) => [String(r.id), iso(r.startedAt), r.scope, r.status, `${r.accountsOk}/${r.accountsFailed}`, String(r.rowsNew), String(r.rowsUpdated), String(r.rowsSkipped), String(r.apiCalls), (r.errorMessage ?? '').slice(0, 60)]),
    ]);
  }
  return out;
}
