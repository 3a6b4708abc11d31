import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index.js';
import { VERSION } from '../version.js';

/**
 * Exit codes: 0 ok, 1 failure, 2 usage error.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('robosync')
    .description("Keeps a PostgreSQL ledger of trading robots' orders, fills, closed PnL and positions in step with crypto exchanges.")
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`robosync: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`robosync: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

/** Thrown by commands for bad arguments: exit code 2. */
export class UsageError extends Error {}

