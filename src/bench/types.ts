import type { InboundEventName, RobotEvent } from '../bus/events.js';

export type BenchMode = 'naive' | 's004' | 'engine' | 'engine+ws';
export const BENCH_MODES: readonly BenchMode[] = ['naive', 's004', 'engine', 'engine+ws'];

export interface BenchRobot {
  id: string;
  accountId: string;
  symbol: string;
  prefix: string;
  /** busy robots keep orders and positions open (hot); the rest are mostly idle */
  busy: boolean;
}

export interface LagSink {
  event(ms: number): void;
  detection(ms: number): void;
}

/** What the worker runs: the engine or a baseline. */
export interface SyncSide {
  start(): Promise<void>;
  event(name: InboundEventName, e: RobotEvent): void;
  staleness(now: number): { robotId: string; ms: number }[];
  /** false while start-up work (the first backfill after the stream opens) is still queued */
  settled?(): boolean;
  stop(): Promise<void>;
}

export type ToWorker =
  | {
      type: 'init';
      mode: BenchMode;
      robots: BenchRobot[];
      accounts: { id: string; apiKey: string; apiSecret: string }[];
      exchange: { baseUrl: string; wsUrl: string };
      database: { url: string } | { dataDir: string };
    }
  | { type: 'events'; events: { name: InboundEventName; e: RobotEvent }[] }
  | { type: 'measure' }
  | { type: 'stop' };

export interface WorkerResult {
  eventLagsMs: number[];
  detectionLagsMs: number[];
  /** per-second staleness samples: [hot ms..., idle ms...] */
  stalenessHotMs: number[];
  stalenessIdleMs: number[];
  violations: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  warmupMs: number;
  ready: boolean;
}

export interface WorkerSummary {
  eventLagMs: { p50: number | null; p99: number | null };
  detectionLagMs: { p50: number | null; p99: number | null };
  stalenessP99Ms: { hot: number | null; idle: number | null };
  violations: number;
  cpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  warmupMs: number;
  samples: { eventLags: number; detectionLags: number; staleness: number };
}

export type FromWorker =
  | { type: 'ready' }
  | { type: 'warm'; maxStalenessMs: { hot: number; idle: number } }
  | { type: 'result'; result: WorkerSummary }
  | { type: 'error'; message: string };
