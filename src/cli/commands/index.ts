import type { Command } from 'commander';
import { registerSimulatorCommand } from './simulator.js';
import { registerMigrateCommand } from './migrate.js';
import { registerStatusCommand } from './status.js';
import { registerExportCommand } from './export.js';
import { registerBackfillCommand } from './backfill.js';
import { registerBenchCommand } from './bench.js';
import { registerRunCommand } from './run.js';
import { registerDemoCommand } from './demo.js';
import { registerNodesCommand } from './nodes.js';

/** Each command module adds itself here. */
export function registerCommands(program: Command): void {
  registerRunCommand(program);
  registerDemoCommand(program);
  registerMigrateCommand(program);
  registerBackfillCommand(program);
  registerStatusCommand(program);
  registerExportCommand(program);
  registerNodesCommand(program);
  registerSimulatorCommand(program);
  registerBenchCommand(program);
}
