import { createEngine, type Engine } from '../../src/engine.js';
import type { ConfigInput } from '../../src/config/schema.js';
import type { KlineRow, TickerRow } from '../../src/pricenode/types.js';
import { priceNodesOf, type PriceNodeDeps, type PriceNodes } from '../../src/pricenode/service.js';
import { startServer, type ServerHandle } from '../../src/server/server.js';
import { storeInternals } from '../../src/store/store.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { createTestDb, type DbKind, type TestDb } from '../helpers/db.js';

/**
 * One robosync instance for the price-node tests: a fresh database, an engine (no accounts),
 * its price-node service and the control plane on an ephemeral loopback port.
 */
export interface Instance {
  db: TestDb;
  engine: Engine;
  nodes: PriceNodes;
  server: ServerHandle;
  url: string;
  token: string | undefined;
  query<T = Record<string, unknown>>(sql: string, bindings?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export const TOKEN_A = 'node-a-token-0123456789';
export const TOKEN_B = 'node-b-token-9876543210';

export async function startInstance(opts: {
  sim?: SimulatorHandle;
  token?: string;
  db?: DbKind;
  pricenode?: NonNullable<ConfigInput['pricenode']>;
  deps?: PriceNodeDeps;
  logger?: Logger;
  /** start the price-node timers (collector, node syncs); default false: tests drive runs */
  schedule?: boolean;
}): Promise<Instance> {
  const db = await createTestDb(opts.db ?? 'postgresql');
  let engine: Engine | null = null;
  let server: ServerHandle | null = null;
  try {
    const config: ConfigInput = {
      database: db.config.kind === 'postgresql' ? { url: db.url } : { dataDir: 'memory://' },
      exchanges: { bybit: { baseUrl: opts.sim?.url ?? 'http://127.0.0.1:9', timeoutMs: 3000 } },
      pricenode: opts.pricenode ?? {},
      logging: { level: 'warn' },
    };
    engine = await createEngine(config, { logger: opts.logger ?? silentLogger() });
    await engine.start();
    const nodes = priceNodesOf(engine, opts.deps ?? {});
    server = await startServer({ engine, config: { host: '127.0.0.1', port: 0, token: opts.token }, logger: opts.logger ?? silentLogger() });
    if (opts.schedule) await nodes.start();
    const e = engine;
    const s = server;
    return {
      db,
      engine: e,
      nodes,
      server: s,
      url: s.url,
      token: opts.token,
      query: (sql, bindings) => storeInternals(e.store).query(sql, bindings),
      async close() {
        nodes.stop();
        await s.close().catch(() => undefined);
        await e.stop().catch(() => undefined);
        await db.drop().catch(() => undefined);
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await engine?.stop().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

/** The rows of a table in key order, as comparable JSON text (decimals as stored text). */
export async function tableRows(i: Instance, table: 'tickers' | 'klines', where = 'true'): Promise<string[]> {
  const order = table === 'tickers' ? 'exchange, symbol, time' : 'exchange, symbol, timeframe, open_time';
  const rows = await i.query(`select * from ${table} where ${where} order by ${order}`);
  return rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])));
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

/** Row factories (plain data; every field overridable). */
const ROW_T0 = Date.UTC(2026, 0, 1);

export function ticker(o: Partial<TickerRow> = {}): TickerRow {
  return { exchange: 'bybit', symbol: 'BTCUSDT', time: ROW_T0, price: '65000.5', bid: '65000.4', ask: '65000.6', volume_24h: '1234.5', turnover_24h: '80000000.25', change_24h: '0.0123', high_24h: '66000', low_24h: '64000', ...o };
}

export function kline(o: Partial<KlineRow> = {}): KlineRow {
  const open_time = o.open_time ?? ROW_T0;
  return { exchange: 'bybit', symbol: 'BTCUSDT', timeframe: '1m', open_time, close_time: open_time + 59_999, open: '1.5', high: '2', low: '1', close: '1.75', volume: '10', quote_volume: '17.5', trade_count: null, taker_buy_volume: null, taker_buy_quote_volume: null, ...o };
}

