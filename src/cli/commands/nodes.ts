import type { Command } from 'commander';
import { engineFromConfig, type Engine } from '../../engine.js';
import { NotFoundError } from '../../errors.js';
import { NodeInputError } from '../../pricenode/errors.js';
import type { NodeView } from '../../pricenode/node-view.js';
import { priceNodesOf, type NodeSyncOutcome, type NodeTestResult, type PriceNodes } from '../../pricenode/service.js';
import type { NodeStatusRow } from '../../pricenode/types.js';
import { StoreInputError } from '../../store/errors.js';
import { formatDuration } from '../../util/duration.js';
import { closeLogger, createLogger } from '../../util/logger.js';
import { redact } from '../../util/redact.js';
import { configFrom, iso, parseSince, table, withConfig } from '../common.js';
import { UsageError } from '../main.js';

/**
 * `robosync nodes add|list|update|test|sync|remove`: the price-node registry, against the
 * configured database directly (no daemon needed; a running daemon picks changes up within
 * pricenode.sync.reloadMs). `nodes sync <id>` runs one pass through an engine's queue and
 * prints the result per (pair, data type). API keys are only ever printed as hints.
 */
interface Common {
  config?: string;
  json?: boolean;
}

interface NodeOptions extends Common {
  name?: string;
  url?: string;
  apiKey?: string;
  apiKeyEnv?: string;
  noApiKey?: boolean;
  interval?: string;
  priority?: string;
  symbols?: string;
  active?: boolean;
}

/** Runs `fn` with a started engine (no tickers) and its price-node service; input errors are usage errors. */
async function withNodes<T>(o: Common, fn: (nodes: PriceNodes, engine: Engine) => Promise<T>): Promise<T> {
  const config = configFrom(o);
  const logger = createLogger({ level: config.logging.level === 'debug' ? 'debug' : 'warn', format: config.logging.format });
  const engine = await engineFromConfig(config, { logger, schedule: false });
  try {
    await engine.start();
    return await fn(priceNodesOf(engine), engine);
  } catch (err) {
    if (err instanceof NodeInputError || err instanceof StoreInputError || err instanceof NotFoundError) throw new UsageError(err.message);
    throw err;
  } finally {
    await engine.stop().catch(() => undefined);
    await closeLogger(logger);
  }
}

function idArg(raw: string): number {
  if (!/^\d{1,9}$/.test(raw)) throw new UsageError(`id: expected a node id (a positive integer, see robosync nodes list), received ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Command-line options -> the API's body (the same validation runs on it). */
function body(o: NodeOptions): Record<string, unknown> {
  const b: Record<string, unknown> = {};
  if (o.name !== undefined) b.name = o.name;
  if (o.url !== undefined) b.baseUrl = o.url;
  if (o.apiKey !== undefined && o.apiKeyEnv !== undefined) throw new UsageError('--api-key and --api-key-env: expected one of them, received both');
  if (o.apiKey !== undefined) b.apiKey = o.apiKey;
  if (o.apiKeyEnv !== undefined) {
    const v = process.env[o.apiKeyEnv];
    if (!v) throw new UsageError(`--api-key-env: expected the name of a set environment variable, received ${JSON.stringify(o.apiKeyEnv)} (not set)`);
    b.apiKey = v;
  }
  if (o.noApiKey) b.apiKey = null;
  if (o.interval !== undefined) b.interval = /^\d+$/.test(o.interval) ? Number(o.interval) : o.interval;
  if (o.priority !== undefined) b.priority = /^-?\d+$/.test(o.priority) ? Number(o.priority) : o.priority;
  if (o.symbols !== undefined) b.symbols = o.symbols.split(',').map((s) => s.trim()).filter(Boolean);
  if (o.active !== undefined) b.active = o.active;
  return b;
}

function out(o: Common, json: unknown, text: () => string): void {
  process.stdout.write(o.json ? JSON.stringify(redact(json), null, 2) + '\n' : text());
}

function nodeTable(nodes: NodeView[]): string {
  if (!nodes.length) return 'no price nodes registered (robosync nodes add --name NAME --url URL --api-key-env VAR)\n';
  return table([
    ['ID', 'NAME', 'URL', 'KEY', 'INTERVAL', 'PRI', 'ACTIVE', 'SYMBOLS', 'LAST SUCCESS', 'FAILURES', 'NEXT RUN', 'LAST ERROR'],
    ...nodes.map((n) => [
      String(n.id),
      n.name,
      n.baseUrl,
      n.keyHint ?? '-',
      formatDuration(n.intervalMs),
      String(n.priority),
      n.active ? 'yes' : 'no',
      n.symbols.length ? n.symbols.join(',') : '(all)',
      iso(n.lastSuccessAt),
      String(n.failures),
      iso(n.nextRunAt),
      (n.lastError ?? '').slice(0, 80),
    ]),
  ]);
}

function statusTable(rows: NodeStatusRow[]): string {
  if (!rows.length) return 'no sync status yet\n';
  return table([
    ['NODE', 'EXCHANGE', 'SYMBOL', 'DATA', 'STATE', 'LAST TIME', 'ROWS', 'LAST RUN', 'UPDATED', 'ERROR'],
    ...rows.map((s) => [String(s.nodeId), s.exchange, s.symbol, s.stream, s.state, iso(s.lastTime), String(s.rowsTotal), String(s.lastRunRows), iso(s.updatedAt), (s.error ?? '').slice(0, 80)]),
  ]);
}

function nodeOptions(cmd: Command, adding: boolean): Command {
  return cmd
    .option('--name <name>', 'node name (letters, digits, . _ - :)')
    .option('--url <url>', "the node's control-plane URL, e.g. http://10.0.0.5:8080")
    .option('--api-key-env <var>', 'read the API key from this environment variable (preferred: keeps it out of shell history)')
    .option('--api-key <key>', 'the API key (its server.token); visible to other users of this machine while the command runs')
    .option('--interval <duration>', adding ? 'time between syncs, e.g. 5m (default pricenode.sync.defaultIntervalMs)' : 'time between syncs, e.g. 5m')
    .option('--priority <n>', 'order when several nodes are due: 1 first .. 10 last (default 5)')
    .option('--symbols <list>', 'comma-separated pairs to pull (default: every pair the node offers)');
}

export function registerNodesCommand(program: Command): void {
  const nodes = program.command('nodes').description('Price nodes: other robosyncs whose tickers and klines this one pulls (add, list, update, test, sync, remove)');

  withConfig(nodeOptions(nodes.command('add').description('Register a node').option('--inactive', 'register it paused').option('--json', 'print JSON'), true)).action(async (o: NodeOptions & { inactive?: boolean }) => {
    if (!o.name || !o.url) throw new UsageError(`${!o.name ? '--name' : '--url'}: expected a value, received nothing`);
    const b = body(o);
    if (o.inactive) b.active = false;
    await withNodes(o, async (n) => {
      const node = await n.addNode(b);
      out(o, { node }, () => `added node ${node.id} (${node.name})\n` + nodeTable([node]));
    });
  });

  withConfig(nodes.command('list').description('List nodes and their sync status per (node, pair, data type)').option('--json', 'print JSON')).action(async (o: Common) => {
    await withNodes(o, async (n) => {
      const r = await n.nodes();
      out(o, r, () => nodeTable(r.nodes) + '\n' + statusTable(r.status));
    });
  });

  withConfig(
    nodeOptions(nodes.command('update <id>').description("Change a node's settings"), false)
      .option('--no-api-key', 'remove the API key')
      .option('--active', 'resume syncing it')
      .option('--inactive', 'pause it')
      .option('--json', 'print JSON'),
  ).action(async (id: string, o: NodeOptions & { inactive?: boolean }) => {
    const nid = idArg(id);
    // commander's --no-api-key sets apiKey: false.
    const rawKey = (o as { apiKey?: unknown }).apiKey;
    const opts: NodeOptions = { ...o, apiKey: typeof rawKey === 'string' ? rawKey : undefined, noApiKey: rawKey === false };
    if (o.inactive && o.active) throw new UsageError('--active and --inactive: expected one of them, received both');
    const b = body({ ...opts, active: o.inactive ? false : o.active ? true : undefined });
    if (!Object.keys(b).length) throw new UsageError('update: expected at least one option to change, received none');
    await withNodes(o, async (n) => {
      const node = await n.updateNode(nid, b);
      out(o, { node }, () => `updated node ${node.id}\n` + nodeTable([node]));
    });
  });

  withConfig(nodes.command('test <id>').description('Check a node: reachability, version, API key').option('--json', 'print JSON')).action(async (id: string, o: Common) => {
    const nid = idArg(id);
    await withNodes(o, async (n) => {
      const t = await n.testNode(nid);
      out(o, { test: t }, () => testText(t));
      if (!t.reachable || t.auth === 'refused' || t.auth === 'unknown') process.exitCode = 1;
    });
  });

  withConfig(
    nodes
      .command('sync <id>')
      .description('Run one sync pass for a node now and print the result per (pair, data type)')
      .option('--since <when>', 're-pull from this time instead of the cursors: 7d, 2026-01-01')
      .option('--json', 'print JSON'),
  ).action(async (id: string, o: Common & { since?: string }) => {
    const nid = idArg(id);
    const since = o.since === undefined ? undefined : parseSince(o.since, Date.now(), '--since');
    await withNodes(o, async (n) => {
      const r = await n.syncNode(nid, { since });
      out(o, { result: r }, () => syncText(r));
      if (!r.ok) process.exitCode = 1;
    });
  });

  withConfig(nodes.command('remove <id>').description('Remove a node and its sync status (the data it synced stays)')).action(async (id: string, o: Common) => {
    const nid = idArg(id);
    await withNodes(o, async (n) => {
      await n.removeNode(nid);
      process.stdout.write(`removed node ${nid}\n`);
    });
  });
}

function testText(t: NodeTestResult): string {
  return (
    `node ${t.nodeId} (${t.name}) at ${t.baseUrl}\n` +
    `  reachable: ${t.reachable ? `yes (${t.latencyMs} ms)` : 'no'}\n` +
    `  version:   ${t.version ?? 'unknown'}\n` +
    `  auth:      ${t.auth}\n` +
    (t.series !== null ? `  offers:    ${t.series} (pair, data type) series\n` : '') +
    (t.error ? `  error:     ${t.error}\n` : '')
  );
}

function syncText(r: NodeSyncOutcome): string {
  if (r.skipped) return `node ${r.nodeId}: skipped (${r.skipped})\n`;
  const head = `node ${r.nodeId} (${r.name}): ${r.ok ? 'ok' : r.nodeError ? `FAILED: ${r.nodeError}` : 'some data failed'} in ${formatDuration(r.finishedAt - r.startedAt)}` + (r.more ? ' (row cap reached: more to pull)' : '') + '\n';
  if (!r.streams.length) return head;
  return (
    head +
    table([
      ['EXCHANGE', 'SYMBOL', 'DATA', 'STATE', 'FETCHED', 'WRITTEN', 'PAGES', 'LAST TIME', 'ERROR'],
      ...r.streams.map((s) => [s.exchange, s.symbol, s.stream, s.state, String(s.fetched), String(s.written), String(s.pages), iso(s.lastTime), (s.error ?? '').slice(0, 80)]),
    ])
  );
}
