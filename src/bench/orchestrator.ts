import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { InboundEventName, RobotEvent } from '../bus/events.js';
import { systemClock } from '../util/clock.js';
import { RobotWorkload, mulberry32 } from '../workload/robots.js';
import type { BenchMode, BenchRobot, FromWorker, ToWorker, WorkerSummary } from './types.js';

export interface BenchOptions {
  robots: number;
  accounts: number;
  hot: number;
  durationS: number;
  latencyMs: number;
  modes: BenchMode[];
  seed: number;
  symbols: string[];
  /** mean seconds between two actions of a busy robot / of a quiet robot */
  busyEveryS: number;
  quietEveryS: number;
  /** PostgreSQL server to create a fresh database on per mode; embedded PGlite when absent */
  databaseUrl?: string;
  log?: (line: string) => void;
}

export interface ModeResult {
  callsPerMin: number;
  callsPerMinByEndpoint: Record<string, number>;
  eventLagMs: { p50: number | null; p99: number | null };
  detectionLagMs: { p50: number | null; p99: number | null };
  stalenessP99Ms: { hot: number | null; idle: number | null };
  stalenessViolations: number;
  rateLimitAnswers: number;
  /** IP bans started (each is followed by 403 answers, counted above) */
  ipBans: number;
  cpuSeconds: number;
  cpuPercent: number;
  peakRssMb: number;
  samples: { eventLags: number; detectionLags: number; staleness: number };
  robotActions: number;
  warmupS: number;
}

const here = fileURLToPath(import.meta.url);
const ext = here.endsWith('.ts') ? '.ts' : '.js';
const loader = ext === '.ts' ? ['--import', 'tsx'] : [];
const WORKER = join(here, '..', `worker${ext}`);
const BIN = join(here, '..', '..', 'cli', `bin${ext}`);


/** Robots spread over accounts and symbols; a seeded `hot` fraction of them busy. */
export function makeRobots(o: Pick<BenchOptions, 'robots' | 'accounts' | 'hot' | 'seed' | 'symbols'>, accountIds: string[]): BenchRobot[] {
  const rand = mulberry32(o.seed * 7919 + 1);
  const order = Array.from({ length: o.robots }, (_, i) => i).sort(() => rand() - 0.5);
  const busy = new Set(order.slice(0, Math.round(o.robots * o.hot)));
  return Array.from({ length: o.robots }, (_, i) => {
    const id = `r${String(i + 1).padStart(5, '0')}`;
    return { id, accountId: accountIds[i % accountIds.length]!, symbol: o.symbols[Math.floor(i / accountIds.length) % o.symbols.length]!, prefix: `${id}-`, busy: busy.has(i) };
  });
}

async function startSimulatorProcess(o: BenchOptions): Promise<{ child: ChildProcess; info: { url: string; wsUrl: string; accounts: { id: string; apiKey: string; apiSecret: string }[] } }> {
  const child = spawn(process.execPath, [...loader, BIN, 'simulator', '--exchange', 'bybit', '--port', '0', '--seed', String(o.seed), '--accounts', String(o.accounts), '--symbols', o.symbols.join(','), '--latency-ms', String(o.latencyMs), '--log-level', 'error'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const rl = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before it was ready`)));
  });
  rl.close();
  child.stdout!.resume();
  return { child, info: JSON.parse(first) };
}

async function admin<T>(url: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(url + path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

async function withDatabase<T>(o: BenchOptions, mode: string, fn: (db: { url: string } | { dataDir: string }) => Promise<T>): Promise<T> {
  if (!o.databaseUrl) {
    const dir = mkdtempSync(join(tmpdir(), `robosync-bench-${mode.replace(/\W/g, '')}-`));
    try {
      return await fn({ dataDir: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const name = `robosync_bench_${process.pid}_${mode.replace(/\W/g, '_')}`;
  const adminDb = async (sql: string) => {
    const c = new pg.Client({ connectionString: o.databaseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await adminDb(`drop database if exists "${name}" with (force)`);
  await adminDb(`create database "${name}"`);
  const u = new URL(o.databaseUrl);
  u.pathname = `/${name}`;
  try {
    return await fn({ url: u.toString() });
  } finally {
    await adminDb(`drop database if exists "${name}" with (force)`).catch(() => undefined);
  }
}

/** One mode: a fresh simulator, a fresh database, the engine side in its own process, the same seeded robots. */
export async function runMode(mode: BenchMode, o: BenchOptions): Promise<ModeResult> {
  const log = o.log ?? (() => undefined);
  const { child: sim, info } = await startSimulatorProcess(o);
  try {
    return await withDatabase(o, mode, async (database) => {
      const robots = makeRobots(o, info.accounts.map((a) => a.id));
      const worker = fork(WORKER, [], { execArgv: loader, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const messages: FromWorker[] = [];
      const waiters: ((m: FromWorker) => boolean)[] = [];
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'error') log(`  ${mode} worker error: ${m.message}`);
        messages.push(m);
        for (let i = 0; i < waiters.length; i++) if (waiters[i]!(m)) waiters.splice(i--, 1);
      });
      const waitFor = <K extends FromWorker['type']>(type: K, ms: number) =>
        new Promise<Extract<FromWorker, { type: K }>>((resolve, reject) => {
          const found = messages.find((m) => m.type === type);
          if (found) return resolve(found as Extract<FromWorker, { type: K }>);
          const t = setTimeout(() => reject(new Error(`${mode}: no ${type} from the worker within ${ms} ms`)), ms);
          waiters.push((m) => {
            if (m.type === 'error') {
              clearTimeout(t);
              reject(new Error(`${mode} worker: ${m.message}`));
              return true;
            }
            if (m.type !== type) return false;
            clearTimeout(t);
            resolve(m as Extract<FromWorker, { type: K }>);
            return true;
          });
        });
      const send = (m: ToWorker) => worker.send(m);
      const modeStart = Date.now();
      try {
        send({ type: 'init', mode, robots, accounts: info.accounts, exchange: { baseUrl: info.url, wsUrl: info.wsUrl }, database });
        await waitFor('ready', 120_000);

        // the robots: act on the simulator directly (their trading is not what we measure) and
        // tell the engine side, as each mode expects, over IPC
        const prices = new Map<string, string>();
        const refresh = async () => {
          for (const s of o.symbols) prices.set(s, (await admin<{ price: string }>(info.url, `/__sim/price?symbol=${s}`)).price);
        };
        await refresh();
        const priceTimer = setInterval(() => void refresh().catch(() => undefined), 500);
        let pending: { name: InboundEventName; e: RobotEvent }[] = [];
        const workload = new RobotWorkload({
          robots: robots.map((r) => ({ id: r.id, accountId: r.accountId, symbol: r.symbol, busy: r.busy })),
          seed: o.seed,
          clock: systemClock,
          busyActEveryMs: o.busyEveryS * 1000,
          quietActEveryMs: o.quietEveryS * 1000,
          exchange: {
            price: (s) => prices.get(s)!,
            place: async (accountId, req) => {
              const row = await admin<{ orderId: string }>(info.url, '/__sim/orders', { accountId, ...req }).catch(() => null);
              return row ? { orderId: String(row.orderId) } : null;
            },
            cancel: async (accountId, req) => Boolean(await admin(info.url, '/__sim/orders/cancel', { accountId, ...req }).catch(() => null)),
          },
          emit: (name, e) => {
            pending.push({ name, e });
            if (pending.length === 1) {
              setImmediate(() => {
                send({ type: 'events', events: pending });
                pending = [];
              });
            }
          },
        });
        workload.start();
        const warm = await waitFor('warm', 120_000);
        log(`  ${mode}: warm after ${((Date.now() - modeStart) / 1000).toFixed(1)} s (max staleness hot ${warm.maxStalenessMs.hot} ms idle ${warm.maxStalenessMs.idle} ms); measuring ${o.durationS} s`);
        await admin(info.url, '/__sim/stats/reset', {});
        const actionsBefore = workload.actions;
        send({ type: 'measure' });
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, o.durationS * 1000));
        const stats = await admin<{ requests: Record<string, number>; rateLimitAnswers: number; ipBans: number }>(info.url, '/__sim/stats');
        const minutes = (Date.now() - t0) / 60_000;
        const actions = workload.actions - actionsBefore;
        await workload.stop();
        clearInterval(priceTimer);
        send({ type: 'stop' });
        const { result } = await waitFor('result', 120_000);
        return summarize(stats, minutes, result, actions);
      } finally {
        if (worker.connected) worker.disconnect();
        worker.kill();
      }
    });
  } finally {
    sim.kill('SIGTERM');
  }
}

function summarize(stats: { requests: Record<string, number>; rateLimitAnswers: number; ipBans: number }, minutes: number, r: WorkerSummary, actions: number): ModeResult {
  const byEndpoint: Record<string, number> = {};
  let total = 0;
  for (const [endpoint, n] of Object.entries(stats.requests)) {
    if (endpoint.startsWith('/__sim')) continue;
    byEndpoint[endpoint] = Math.round(n / minutes);
    total += n;
  }
  return {
    callsPerMin: Math.round(total / minutes),
    callsPerMinByEndpoint: byEndpoint,
    eventLagMs: r.eventLagMs,
    detectionLagMs: r.detectionLagMs,
    stalenessP99Ms: r.stalenessP99Ms,
    stalenessViolations: r.violations,
    rateLimitAnswers: stats.rateLimitAnswers,
    ipBans: stats.ipBans,
    cpuSeconds: Math.round(r.cpuSeconds * 100) / 100,
    cpuPercent: Math.round((r.cpuSeconds / Math.max(1, r.wallSeconds)) * 1000) / 10,
    peakRssMb: Math.round(r.peakRssMb),
    samples: r.samples,
    robotActions: actions,
    warmupS: Math.round(r.warmupMs / 100) / 10,
  };
}
