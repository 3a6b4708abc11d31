import type { Command } from 'commander';
import { createStore } from '../../store/index.js';
import { configFrom, withConfig } from '../common.js';
import { createLogger } from '../../util/logger.js';

/** `robosync migrate`: applies pending migrations under an advisory lock. */
export function registerMigrateCommand(program: Command): void {
  withConfig(program.command('migrate').description('Apply pending database migrations (safe to run from several processes at once)')).action(async (o: { config?: string }) => {
    const config = configFrom(o);
    const logger = createLogger({ level: config.logging.level, format: config.logging.format });
    const store = await createStore(config.database, { logger });
    try {
      const { applied } = await store.migrate();
      process.stdout.write(applied.length ? `applied ${applied.length} migration(s): ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await store.close();
    }
  });
}
