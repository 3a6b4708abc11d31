import type { Command } from 'commander';
import { registerSimulatorCommand } from './simulator.js';

/** Each command module adds itself here. */
export function registerCommands(program: Command): void {
  void program;
  registerSimulatorCommand(program);
}
