/**
 * The benchmark's "engine side": one process per mode running either robosync or a baseline,
 * fed robot events over IPC by the orchestrator. Its CPU time and peak RSS are what the bench
 * reports as the engine side's cost (the simulator and the robots live in other processes).
 */
import { engineFromConfig } from '../engine.js';
import { loadConfig } from '../config/load.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { silentLogger } from '../util/logger.js';
import { BaselineSide } from './baselines.js';
import type { FromWorker, SyncSide, ToWorker, WorkerResult, WorkerSummary, BenchRobot, LagSink } from './types.js';
import { percentile } from './percentile.js';

const HOT_BOUND_MS = 5500;
const IDLE_BOUND_MS = 31_000;

function send(m: FromWorker, then?: () => void): void {
  process.send?.(m, undefined, {}, () => then?.());
}

/** Percentiles here, not raw samples over IPC (a 10k-robot run samples millions of values). */
function summary(): WorkerSummary {
  return {
    eventLagMs: { p50: percentile(result.eventLagsMs, 0.5), p99: percentile(result.eventLagsMs, 0.99) },
    detectionLagMs: { p50: percentile(result.detectionLagsMs, 0.5), p99: percentile(result.detectionLagsMs, 0.99) },
    stalenessP99Ms: { hot: percentile(result.stalenessHotMs, 0.99), idle: percentile(result.stalenessIdleMs, 0.99) },
    violations: result.violations,
    cpuSeconds: result.cpuSeconds,
    wallSeconds: result.wallSeconds,
    peakRssMb: result.peakRssMb,
    warmupMs: result.warmupMs,
    samples: { eventLags: result.eventLagsMs.length, detectionLags: result.detectionLagsMs.length, staleness: result.stalenessHotMs.length + result.stalenessIdleMs.length },
  };
}

let side: SyncSide | null = null;
let store: Store | null = null;
let robots: BenchRobot[] = [];
let measuring = false;
let debugReport: (() => void) | null = null;
const result: WorkerResult = {
  eventLagsMs: [],
  detectionLagsMs: [],
  stalenessHotMs: [],
  stalenessIdleMs: [],
  violations: 0,
  cpuSeconds: 0,
  wallSeconds: 0,
  peakRssMb: 0,
  warmupMs: 0,
  ready: false,
};
let cpuAtStart = process.cpuUsage();
let wallAtStart = Date.now();
let sampler: ReturnType<typeof setInterval> | null = null;
const startedAt = Date.now();

const lags: LagSink = {
  event: (ms) => measuring && result.eventLagsMs.push(Math.max(0, ms)),
  detection: (ms) => measuring && result.detectionLagsMs.push(Math.max(0, ms)),
};

async function init(m: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  robots = m.robots;
  if (m.mode === 'engine' || m.mode === 'engine+ws') {
    const config = loadConfig({
      file: null,
      config: {
        database: m.database,
        exchanges: { bybit: { baseUrl: m.exchange.baseUrl, wsUrl: m.exchange.wsUrl, privateStream: m.mode === 'engine+ws', timeoutMs: 10_000 } },
        accounts: m.accounts.map((a) => ({ id: a.id, exchange: 'bybit' as const, apiKey: a.apiKey, apiSecret: a.apiSecret })),
        robots: m.robots.map((r) => ({ id: r.id, accountId: r.accountId, symbols: [r.symbol], orderLinkPrefix: r.prefix })),
        // The baselines sync orders and positions only; so does the engine here (history streams
        // such as closed PnL would add calls the baselines do not make).
        history: { enabled: false },
        server: { enabled: false },
        logging: { level: 'error' },
      },
    });
    const engine = await engineFromConfig(config, {
      logger: silentLogger(),
      observer: { eventLag: (ms) => lags.event(ms), detectionLag: (kind, ms) => kind === 'order' && lags.detection(ms) },
    });
    if (process.env.ROBOSYNC_BENCH_DEBUG) {
      // where the engine's calls go, by the reasons of the syncs that made them
      const byReason = new Map<string, { syncs: number; calls: number }>();
      engine.on('sync.completed', (s) => {
        if (!measuring) return;
        const k = `${s.priority}:${[...new Set(s.reasons)].sort().join('+')}:${s.mode}`;
        const e = byReason.get(k) ?? { syncs: 0, calls: 0 };
        e.syncs++;
        e.calls += s.apiCalls;
        byReason.set(k, e);
      });
      debugReport = () => process.stderr.write(JSON.stringify(Object.fromEntries(byReason), null, 1) + '\n');
    }
    side = {
      start: () => engine.start(),
      event: (name, e) => {
        try {
          engine.emit(name, e);
        } catch {
          // stopping
        }
      },
      staleness: () => engine.status().robots.map((r) => ({ robotId: r.robotId, ms: r.stalenessMs })),
      settled: () => {
        const q = engine.status().queue.byPriority;
        return q.reconnect === 0 && q.manual === 0;
      },
      stop: () => engine.stop(),
    };
  } else {
    store = await createStore('url' in m.database ? { kind: 'postgresql', url: m.database.url, poolSize: 10 } : { kind: 'pglite', dataDir: m.database.dataDir }, { logger: silentLogger() });
    await store.migrate();
    for (const a of m.accounts) await store.upsertAccount({ id: a.id, exchange: 'bybit', label: null });
    for (const r of m.robots) await store.upsertRobot({ id: r.id, accountId: r.accountId, symbols: [r.symbol], orderLinkPrefix: r.prefix, status: 'active' });
    side = new BaselineSide(m.mode, m.robots, m.accounts, m.exchange, store, lags);
  }
  await side.start();
  // warm-up: until every robot has been synced within its bound (or 90 s), then report
  const busy = new Map(robots.map((r) => [r.id, r.busy]));
  const warmDeadline = Date.now() + 90_000;
  const warm = setInterval(() => {
    const st = side!.staleness(Date.now());
    const max = { hot: 0, idle: 0 };
    for (const s of st) {
      if (busy.get(s.robotId)) max.hot = Math.max(max.hot, s.ms);
      else max.idle = Math.max(max.idle, s.ms);
    }
    // steady state: every robot within its bound and no start-up work still queued
    const settled = Date.now() - startedAt > 6000 && max.hot < HOT_BOUND_MS && max.idle < IDLE_BOUND_MS && (side!.settled?.() ?? true);
    if (settled || Date.now() > warmDeadline) {
      clearInterval(warm);
      result.warmupMs = Date.now() - startedAt;
      send({ type: 'warm', maxStalenessMs: max });
    }
  }, 500);
  send({ type: 'ready' });
}

function startMeasuring(): void {
  measuring = true;
  cpuAtStart = process.cpuUsage();
  wallAtStart = Date.now();
  const busy = new Map(robots.map((r) => [r.id, r.busy]));
  sampler = setInterval(() => {
    if (!side) return;
    for (const s of side.staleness(Date.now())) {
      const hot = busy.get(s.robotId);
      (hot ? result.stalenessHotMs : result.stalenessIdleMs).push(s.ms);
      if (s.ms > (hot ? HOT_BOUND_MS : IDLE_BOUND_MS)) result.violations++;
    }
    result.peakRssMb = Math.max(result.peakRssMb, process.memoryUsage().rss / 1048576);
  }, 1000);
}

async function stop(): Promise<void> {
  measuring = false;
  if (sampler) clearInterval(sampler);
  const cpu = process.cpuUsage(cpuAtStart);
  result.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  result.wallSeconds = (Date.now() - wallAtStart) / 1000;
  result.peakRssMb = Math.max(result.peakRssMb, process.resourceUsage().maxRSS / 1024);
  result.ready = true;
  debugReport?.();
  await side?.stop().catch(() => undefined);
  await store?.close().catch(() => undefined);
}

process.on('message', (m: ToWorker) => {
  const run = async () => {
    if (m.type === 'init') await init(m);
    else if (m.type === 'events') for (const ev of m.events) side?.event(ev.name, ev.e);
    else if (m.type === 'measure') startMeasuring();
    else if (m.type === 'stop') {
      await stop();
      // disconnect only once the result is flushed: a large message would be cut off
      send({ type: 'result', result: summary() }, () => process.disconnect?.());
    }
  };
  run().catch((err: unknown) => send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
});
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
