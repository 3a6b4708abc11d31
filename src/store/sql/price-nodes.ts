import type { MarketStream, NodeInput, NodeRow, NodeStatusRow, SyncState } from '../../pricenode/types.js';
import { run, toMs, toMsOrNull, type Db } from './query.js';
import type { Row } from './rows.js';

/**
 * The node registry (price_nodes) and the sync state per (node, pair, data type)
 * (node_sync_status). Few rows, written once per run: plain statements.
 *
 * INSERT_SQL   ?1 name, ?2 base_url, ?3 api_key, ?4 interval_ms, ?5 priority, ?6 active,
 *              ?7 symbols (text[]), ?8 created_at = updated_at
 * UPDATE_SQL   ?1..?7 as INSERT_SQL, ?8 updated_at, ?9 id; next_run_at is cleared so a changed
 *              interval or a re-activated node is picked up at once
 * RUN_SQL      ?1 last_run_at, ?2 last_success_at (kept when null), ?3 last_error, ?4 failures,
 *              ?5 next_run_at, ?6 id
 * STATUS_SAVE  ?1 rows: JSON array of {n node_id, e exchange, s symbol, m stream, t last_time,
 *              st state, er error, rt rows_total, rr last_run_rows}, ?2 updated_at
 */
const NODE_COLUMNS =
  'id, name, base_url, api_key, interval_ms, priority, active, symbols, created_at, updated_at, last_run_at, last_success_at, last_error, failures, next_run_at';

const INSERT_SQL = `insert into price_nodes (name, base_url, api_key, interval_ms, priority, active, symbols, created_at, updated_at)
values (?, ?, ?, ?, ?, ?, ?::text[], ?, ?) returning ${NODE_COLUMNS}`;

const UPDATE_SQL = `update price_nodes set name = ?, base_url = ?, api_key = ?, interval_ms = ?, priority = ?, active = ?,
  symbols = ?::text[], updated_at = ?, next_run_at = null
where id = ? returning ${NODE_COLUMNS}`;

const RUN_SQL = `update price_nodes set last_run_at = ?, last_success_at = coalesce(?, last_success_at), last_error = ?,
  failures = ?, next_run_at = ?
where id = ?`;

const LIST_SQL = `select ${NODE_COLUMNS} from price_nodes order by priority, id`;
const GET_SQL = `select ${NODE_COLUMNS} from price_nodes where id = ?`;
const DELETE_STATUS_SQL = 'delete from node_sync_status where node_id = ?';
const DELETE_SQL = 'delete from price_nodes where id = ? returning id';

const STATUS_COLUMNS = 'node_id, exchange, symbol, stream, last_time, state, error, rows_total, last_run_rows, updated_at';
const STATUS_ALL_SQL = `select ${STATUS_COLUMNS} from node_sync_status order by node_id, exchange, symbol, stream`;
const STATUS_NODE_SQL = `select ${STATUS_COLUMNS} from node_sync_status where node_id = ? order by exchange, symbol, stream`;
const STATUS_SAVE_SQL = `
insert into node_sync_status as x (node_id, exchange, symbol, stream, last_time, state, error, rows_total, last_run_rows, updated_at)
select t.n, t.e, t.s, t.m, t.t, t.st, t.er, t.rt, t.rr, ?
from json_to_recordset(?::json) as t(n int, e text, s text, m text, t bigint, st text, er text, rt bigint, rr int)
order by t.n, t.e, t.s, t.m
on conflict (node_id, exchange, symbol, stream) do update set
  last_time = excluded.last_time, state = excluded.state, error = excluded.error,
  rows_total = excluded.rows_total, last_run_rows = excluded.last_run_rows, updated_at = excluded.updated_at`;

function nodeFromRow(r: Row): NodeRow {
  return {
    id: Number(r.id),
    name: String(r.name),
    baseUrl: String(r.base_url),
    apiKey: r.api_key === null || r.api_key === undefined ? null : String(r.api_key),
    intervalMs: toMs(r.interval_ms),
    priority: Number(r.priority),
    active: r.active === true,
    symbols: Array.isArray(r.symbols) ? r.symbols.map(String) : [],
    createdAt: toMs(r.created_at),
    updatedAt: toMs(r.updated_at),
    lastRunAt: toMsOrNull(r.last_run_at),
    lastSuccessAt: toMsOrNull(r.last_success_at),
    lastError: r.last_error === null || r.last_error === undefined ? null : String(r.last_error),
    failures: Number(r.failures),
    nextRunAt: toMsOrNull(r.next_run_at),
  };
}

function statusFromRow(r: Row): NodeStatusRow {
  return {
    nodeId: Number(r.node_id),
    exchange: String(r.exchange),
    symbol: String(r.symbol),
    stream: String(r.stream) as MarketStream,
    lastTime: toMsOrNull(r.last_time),
    state: String(r.state) as SyncState,
    error: r.error === null || r.error === undefined ? null : String(r.error),
    rowsTotal: toMs(r.rows_total),
    lastRunRows: Number(r.last_run_rows),
    updatedAt: toMs(r.updated_at),
  };
}

const fields = (n: NodeInput) => [n.name, n.baseUrl, n.apiKey, n.intervalMs, n.priority, n.active, n.symbols];

export async function insertNode(db: Db, n: NodeInput, now: number): Promise<NodeRow> {
  const [row] = await run<Row>(db, INSERT_SQL, [...fields(n), now, now]);
  return nodeFromRow(row!);
}

export async function updateNode(db: Db, id: number, n: NodeInput, now: number): Promise<NodeRow | null> {
  const [row] = await run<Row>(db, UPDATE_SQL, [...fields(n), now, id]);
  return row ? nodeFromRow(row) : null;
}

export async function recordNodeRun(
  db: Db,
  id: number,
  r: { lastRunAt: number; lastSuccessAt: number | null; lastError: string | null; failures: number; nextRunAt: number },
): Promise<void> {
  await run(db, RUN_SQL, [r.lastRunAt, r.lastSuccessAt, r.lastError, r.failures, r.nextRunAt, id]);
}

export async function listNodes(db: Db): Promise<NodeRow[]> {
  return (await run<Row>(db, LIST_SQL)).map(nodeFromRow);
}

export async function getNode(db: Db, id: number): Promise<NodeRow | null> {
  const [row] = await run<Row>(db, GET_SQL, [id]);
  return row ? nodeFromRow(row) : null;
}

/** Deletes the node and its sync state (call inside one transaction). */
export async function deleteNode(db: Db, id: number): Promise<boolean> {
  await run(db, DELETE_STATUS_SQL, [id]);
  return (await run(db, DELETE_SQL, [id])).length > 0;
}

export async function listStatus(db: Db, nodeId?: number): Promise<NodeStatusRow[]> {
  const rows = nodeId === undefined ? await run<Row>(db, STATUS_ALL_SQL) : await run<Row>(db, STATUS_NODE_SQL, [nodeId]);
  return rows.map(statusFromRow);
}

export async function saveStatus(db: Db, rows: readonly NodeStatusRow[], now: number): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({ n: r.nodeId, e: r.exchange, s: r.symbol, m: r.stream, t: r.lastTime, st: r.state, er: r.error, rt: r.rowsTotal, rr: r.lastRunRows })),
  );
  await run(db, STATUS_SAVE_SQL, [now, json]);
}
