import type { ExchangeName, OrderStatus } from '../../domain/types.js';
import type { StoredClosedPnl, StoredExecution, StoredOrder, StoredPosition } from '../types.js';
import { toMs } from './query.js';

/**
 * Column lists and row mappers shared by the statements that read rows back. Decimals arrive
 * as strings from both drivers; bigint times arrive as strings (pg) or numbers (PGlite) and
 * leave as numbers; `seq` is cast to text in SQL (it may exceed 2^53 in principle).
 */

export const ORDER_COLUMNS = `exchange, account_id, order_id, order_link_id, robot_id, symbol, side, order_type,
  price, qty, cum_exec_qty, cum_exec_value, avg_price, fee, status, reduce_only, created_time, updated_time,
  first_seen_at, last_synced_at`;

/** the same list qualified by a table alias, for RETURNING and joins */
export function qualified(columns: string, alias: string): string {
  return columns
    .split(',')
    .map((c) => `${alias}.${c.trim()}`)
    .join(', ');
}

export type Row = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function orderFromRow(r: Row): StoredOrder {
  return {
    exchange: r.exchange as ExchangeName,
    accountId: str(r.account_id),
    orderId: str(r.order_id),
    orderLinkId: strOrNull(r.order_link_id),
    robotId: strOrNull(r.robot_id),
    symbol: str(r.symbol),
    side: str(r.side),
    orderType: str(r.order_type),
    price: str(r.price),
    qty: str(r.qty),
    cumExecQty: str(r.cum_exec_qty),
    cumExecValue: str(r.cum_exec_value),
    avgPrice: str(r.avg_price),
    fee: str(r.fee),
    status: r.status as OrderStatus,
    reduceOnly: r.reduce_only === true,
    createdTime: toMs(r.created_time),
    updatedTime: toMs(r.updated_time),
    firstSeenAt: toMs(r.first_seen_at),
    lastSyncedAt: toMs(r.last_synced_at),
  };
}

export const EXECUTION_COLUMNS = `exchange, account_id, exec_id, order_id, order_link_id, robot_id, symbol, side,
  price, qty, value, fee, fee_currency, is_maker, exec_type, exec_time`;

export function executionFromRow(r: Row): StoredExecution {
  return {
    exchange: r.exchange as ExchangeName,
    accountId: str(r.account_id),
    execId: str(r.exec_id),
    orderId: str(r.order_id),
    orderLinkId: strOrNull(r.order_link_id),
    robotId: strOrNull(r.robot_id),
    symbol: str(r.symbol),
    side: str(r.side),
    price: str(r.price),
    qty: str(r.qty),
    value: str(r.value),
    fee: str(r.fee),
    feeCurrency: str(r.fee_currency),
    isMaker: r.is_maker === null || r.is_maker === undefined ? null : r.is_maker === true,
    execType: str(r.exec_type),
    execTime: toMs(r.exec_time),
  };
}

export const CLOSED_PNL_COLUMNS = `exchange, account_id, order_id, robot_id, symbol, side, qty, order_price,
  order_type, exec_type, closed_size, cum_entry_value, avg_entry_price, cum_exit_value, avg_exit_price,
  closed_pnl, fill_count, leverage, open_fee, close_fee, created_time, updated_time`;

export function closedPnlFromRow(r: Row): StoredClosedPnl {
  return {
    exchange: r.exchange as ExchangeName,
    accountId: str(r.account_id),
    robotId: strOrNull(r.robot_id),
    orderId: str(r.order_id),
    symbol: str(r.symbol),
    side: r.side as StoredClosedPnl['side'],
    qty: str(r.qty),
    orderPrice: str(r.order_price),
    orderType: str(r.order_type),
    execType: str(r.exec_type),
    closedSize: str(r.closed_size),
    cumEntryValue: str(r.cum_entry_value),
    avgEntryPrice: str(r.avg_entry_price),
    cumExitValue: str(r.cum_exit_value),
    avgExitPrice: str(r.avg_exit_price),
    closedPnl: str(r.closed_pnl),
    fillCount: Number(r.fill_count),
    leverage: str(r.leverage),
    openFee: str(r.open_fee),
    closeFee: str(r.close_fee),
    createdTime: toMs(r.created_time),
    updatedTime: toMs(r.updated_time),
  };
}

export const POSITION_COLUMNS = `exchange, account_id, symbol, position_idx, side, size, avg_price, unrealised_pnl,
  realised_pnl, updated_time, seq::text as seq, synced_at`;

/** POSITION_COLUMNS under an alias (the `seq` cast keeps its output name) */
export function qualifiedPositionColumns(alias: string): string {
  return POSITION_COLUMNS.split(',')
    .map((c) => c.trim())
    .map((c) => (c.startsWith('seq::') ? `${alias}.seq::text as seq` : `${alias}.${c}`))
    .join(', ');
}

export function positionFromRow(r: Row): StoredPosition {
  return {
    exchange: r.exchange as ExchangeName,
    accountId: str(r.account_id),
    symbol: str(r.symbol),
    positionIdx: Number(r.position_idx),
    side: str(r.side),
    size: str(r.size),
    avgPrice: str(r.avg_price),
    unrealisedPnl: str(r.unrealised_pnl),
    realisedPnl: str(r.realised_pnl),
    updatedTime: toMs(r.updated_time),
    seq: strOrNull(r.seq),
    syncedAt: toMs(r.synced_at),
  };
}
