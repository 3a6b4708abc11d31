import type {
  ClosedPnlReport,
  ExchangeName,
  ExecutionReport,
  OrderReport,
  OrderStatus,
  PositionReport,
} from '../domain/types.js';

/**
 * The narrow store interface the engine, the history streams, the CLI and the control plane
 * depend on. One implementation (MikroORM + batched SQL) runs on PostgreSQL and on embedded
 * PGlite with the same entities and migrations.
 */

export type DatabaseConfig =
  | {
      kind: 'postgresql';
      /** postgres://user:pass@host:port/db?sslmode=... ; wins over the discrete fields */
      url?: string;
      host?: string;
      port?: number;
      user?: string;
      password?: string;
      name?: string;
      sslmode?: string;
      poolSize: number;
    }
  | {
      kind: 'pglite';
      /** directory of the embedded database; 'memory://' keeps it in memory */
      dataDir: string;
    };

export interface AccountRow {
  id: string;
  exchange: ExchangeName;
  label: string | null;
}

export type RobotStatus = 'active' | 'paused';

export interface RobotRow {
  id: string;
  accountId: string;
  symbols: string[];
  orderLinkPrefix: string | null;
  status: RobotStatus;
}

/** An order as stored (the report's fields plus ownership and bookkeeping). */
export interface StoredOrder {
  exchange: ExchangeName;
  accountId: string;
  orderId: string;
  orderLinkId: string | null;
  robotId: string | null;
  symbol: string;
  side: string;
  orderType: string;
  price: string;
  qty: string;
  cumExecQty: string;
  cumExecValue: string;
  avgPrice: string;
  fee: string;
  status: OrderStatus;
  reduceOnly: boolean;
  createdTime: number;
  updatedTime: number;
  firstSeenAt: number;
  lastSyncedAt: number;
}

export interface StoredExecution {
  exchange: ExchangeName;
  accountId: string;
  execId: string;
  orderId: string;
  orderLinkId: string | null;
  robotId: string | null;
  symbol: string;
  side: string;
  price: string;
  qty: string;
  value: string;
  fee: string;
  feeCurrency: string;
  isMaker: boolean | null;
  execType: string;
  execTime: number;
}

export interface StoredPosition {
  exchange: ExchangeName;
  accountId: string;
  symbol: string;
  positionIdx: number;
  side: string;
  size: string;
  avgPrice: string;
  unrealisedPnl: string;
  realisedPnl: string;
  updatedTime: number;
  seq: string | null;
  syncedAt: number;
}

export interface StoredClosedPnl extends Omit<ClosedPnlReport, 'raw'> {
  exchange: ExchangeName;
  accountId: string;
  robotId: string | null;
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  /** identical replays and stale reports (dropped by the monotonic rule) */
  unchanged: number;
}

export interface OrderChange {
  before: StoredOrder | null;
  after: StoredOrder;
}

export interface PositionChange {
  before: StoredPosition | null;
  after: StoredPosition;
}

/** A cursor position: exchange time + id + the exchange's opaque cursor. */
export interface CursorPosition {
  time: number | null;
  id: string | null;
  exchangeCursor: string | null;
}

export interface CursorRow extends CursorPosition {
  accountId: string;
  /** 'executions' | 'orders' | 'closed_pnl' | 'positions' | 'sync' | price-node streams ... */
  stream: string;
  /** '' when the stream covers every symbol */
  symbol: string;
  updatedAt: number;
}

export interface CursorAdvance extends CursorPosition {
  stream: string;
  symbol: string;
}

/** Everything one account sync writes, applied in ONE transaction (DESIGN invariant 3). */
export interface SyncBatch {
  exchange: ExchangeName;
  accountId: string;
  /** local time of the sync, for first_seen / last_synced / synced_at */
  now: number;
  orders?: { report: OrderReport; robotId: string | null }[];
  executions?: { report: ExecutionReport; robotId: string | null }[];
  closedPnl?: { report: ClosedPnlReport; robotId: string | null }[];
  positions?: PositionReport[];
  cursors?: CursorAdvance[];
}

export interface ApplyResult {
  orders: UpsertCounts & { changes: OrderChange[] };
  executions: UpsertCounts & { insertedRows: StoredExecution[] };
  closedPnl: UpsertCounts;
  positions: UpsertCounts & { changes: PositionChange[] };
  /** time the transaction committed (local clock) */
  committedAt: number;
}

export type RunStatus = 'running' | 'success' | 'error' | 'partial';

export interface SyncRunRow {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  scope: string;
  status: RunStatus;
  accountsOk: number;
  accountsFailed: number;
  rowsNew: number;
  rowsUpdated: number;
  rowsSkipped: number;
  apiCalls: number;
  errorMessage: string | null;
}

export type ExportTable = 'executions' | 'orders' | 'closed_pnl';

export interface ExportFilter {
  accountId?: string;
  /** inclusive ms on exec_time / updated_time / created_time */
  from?: number;
  /** exclusive ms */
  to?: number;
}

export interface Store {
  readonly kind: 'postgresql' | 'pglite';

  /** Applies pending migrations under an advisory lock; returns the names applied now. */
  migrate(): Promise<{ applied: string[] }>;
  /** Cheap round trip, for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;

  upsertAccount(a: AccountRow): Promise<void>;
  listAccounts(): Promise<AccountRow[]>;
  upsertRobot(r: RobotRow): Promise<void>;
  setRobotStatus(id: string, status: RobotStatus): Promise<void>;
  deleteRobot(id: string): Promise<void>;
  listRobots(): Promise<RobotRow[]>;

  /** Upserts of every kind plus cursor advances, in one transaction; nothing is written on error. */
  applySync(batch: SyncBatch): Promise<ApplyResult>;

  openOrders(exchange: ExchangeName, accountId: string): Promise<StoredOrder[]>;
  positions(exchange: ExchangeName, accountId: string): Promise<StoredPosition[]>;
  getCursors(accountId?: string): Promise<CursorRow[]>;
  /**
   * Cursor rows of many accounts in one statement, outside any sync (the engine's per-account
   * "last successful sync" heartbeat). Optional: stores without it skip the heartbeat.
   */
  saveCursors?(rows: (CursorAdvance & { accountId: string })[], now: number): Promise<void>;

  startRun(scope: string, startedAt: number): Promise<number>;
  finishRun(
    id: number,
    r: Omit<SyncRunRow, 'id' | 'startedAt' | 'scope'> & { finishedAt: number },
  ): Promise<void>;
  listRuns(limit: number): Promise<SyncRunRow[]>;

  /** Streams rows ordered by time then key with constant memory (server-side cursor / keyset pages). */
  exportRows(table: ExportTable, filter: ExportFilter): AsyncIterable<Record<string, unknown>>;
}
