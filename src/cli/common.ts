import type { Command } from 'commander';
import { type ResolvedConfig, loadConfig } from '../config/load.js';
import { ConfigError } from '../errors.js';
import { parseDuration } from '../util/duration.js';
import { UsageError } from './main.js';

/** `-c, --config FILE` (or ROBOSYNC_CONFIG) on every command that needs a configuration. */
export function withConfig(cmd: Command): Command {
  return cmd.option('-c, --config <file>', 'configuration file (YAML); default $ROBOSYNC_CONFIG');
}

/** Loads the configuration; a bad one is a usage error (exit 2) that touches no database. */
export function configFrom(opts: { config?: string }): ResolvedConfig {
  try {
    return loadConfig({ file: opts.config });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** '30d', '12h', '2026-01-01', '2026-01-01T10:00:00Z' or ms since the epoch -> ms since the epoch. */
export function parseSince(s: string, now: number, option: string): number {
  const d = parseDuration(s);
  if (d !== null && /[a-z]$/i.test(s.trim())) return now - d;
  if (/^\d{12,}$/.test(s.trim())) return Number(s);
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s.trim()) ? `${s.trim()}T00:00:00Z` : s);
  if (Number.isNaN(t)) throw new UsageError(`${option}: expected a duration such as 30d or a date such as 2026-01-01, received ${JSON.stringify(s)}`);
  return t;
}

/** A numeric option: a usage error (exit 2) naming the option, the range and what came. */
export function numberOption(name: string, v: string | undefined, o: { min: number; max?: number; integer?: boolean }): number {
  const integer = o.integer ?? true;
  const n = Number(v);
  const range = o.max === undefined ? `>= ${o.min}` : `between ${o.min} and ${o.max}`;
  if (v === undefined || v.trim() === '' || !Number.isFinite(n) || n < o.min || (o.max !== undefined && n > o.max) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`${name}: expected ${integer ? 'an integer' : 'a number'} ${range}, received ${JSON.stringify(v ?? '')}`);
  }
  return n;
}

export function parseList<T extends string>(s: string | undefined, allowed: readonly T[], option: string): T[] | undefined {
  if (s === undefined) return undefined;
  const items = s.split(',').map((x) => x.trim()).filter(Boolean);
  for (const it of items) {
    if (!(allowed as readonly string[]).includes(it)) throw new UsageError(`${option}: expected a comma-separated list of ${allowed.join(', ')}, received ${JSON.stringify(it)}`);
  }
  return items as T[];
}

/**
 * Resolves on the first SIGINT/SIGTERM; a second one exits at once. One listener per signal:
 * a separate "second signal" listener would also run on the first one (listeners run in turn,
 * after the first had set `seen`) and exit before anything stopped.
 */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let seen = false;
    const on = (sig: NodeJS.Signals) => {
      if (seen) process.exit(130);
      seen = true;
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

/** A time for humans: ISO 8601 UTC without zero milliseconds; '-' for none. */
export function iso(t: number | null): string {
  return t === null ? '-' : new Date(t).toISOString().replace('.000Z', 'Z');
}

/** Left-aligned columns, two spaces apart; the first row is the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}
