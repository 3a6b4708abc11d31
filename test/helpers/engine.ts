import { createEngine, type Engine } from '../../src/engine.js';
import type { ConfigInput } from '../../src/config/schema.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { SimulatorHandle, SimulatorOptions } from '../../src/simulator/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { createTestDb, type DbKind, type TestDb } from './db.js';

export interface Rig {
  sim: SimulatorHandle;
  db: TestDb;
  engine: Engine;
  close(): Promise<void>;
}

/** A simulator, a fresh database and an engine wired to both, over real HTTP/WS and SQL. */
export async function startRig(opts: {
  sim?: SimulatorOptions;
  db?: DbKind;
  config?: (sim: SimulatorHandle) => Partial<ConfigInput>;
  robots?: (sim: SimulatorHandle) => NonNullable<ConfigInput['robots']>;
}): Promise<Rig> {
  const sim = await startSimulator({ seed: 11, accounts: 2, symbols: ['BTCUSDT', 'ETHUSDT'], priceTickMs: 50, ...opts.sim });
  const db = await createTestDb(opts.db ?? 'postgresql');
  let engine: Engine | null = null;
  try {
    const extra = opts.config?.(sim) ?? {};
    const config: ConfigInput = {
      database: db.config.kind === 'postgresql' ? { url: db.url } : { dataDir: 'memory://' },
      exchanges: { bybit: { baseUrl: sim.url, wsUrl: sim.wsUrl, timeoutMs: 2000, ...(extra.exchanges?.bybit ?? {}) } },
      accounts: sim.accounts.map((a) => ({ id: a.id, exchange: 'bybit' as const, apiKey: a.apiKey, apiSecret: a.apiSecret })),
      robots: opts.robots?.(sim) ?? [],
      scheduler: { hotIntervalMs: 400, idleIntervalMs: 2000, retryMinMs: 50, retryMaxMs: 500, ...(extra.scheduler ?? {}) },
      history: { initialLookback: '1h', ...(extra.history ?? {}) },
      ...Object.fromEntries(Object.entries(extra).filter(([k]) => !['exchanges', 'scheduler', 'history'].includes(k))),
    };
    engine = await createEngine(config, { logger: silentLogger() });
  } catch (err) {
    await sim.close();
    await db.drop();
    throw err;
  }
  const e = engine;
  return {
    sim,
    db,
    engine: e,
    async close() {
      await e.stop().catch(() => undefined);
      await sim.close().catch(() => undefined);
      await db.drop().catch(() => undefined);
    },
  };
}

/** Resolves with the first event payload matching `pred`, or rejects after `ms`. */
export function waitFor<T>(engine: Engine, event: Parameters<Engine['on']>[0], pred: (e: T) => boolean, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (e: T) => {
      if (!pred(e)) return;
      clearTimeout(timer);
      engine.off(event, listener as never);
      resolve(e);
    };
    const timer = setTimeout(() => {
      engine.off(event, listener as never);
      reject(new Error(`no ${event} within ${ms} ms`));
    }, ms);
    engine.on(event, listener as never);
  });
}

export async function until(cond: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
