import type { EntityManager } from '@mikro-orm/core';
import { NotFoundError } from '../errors.js';
import type { ExchangeName } from '../domain/types.js';
import type { AccountRow, RobotRow, RobotStatus, RunStatus, SyncRunRow } from './types.js';
import { Account, Robot, SyncRun } from './entities.js';
import { StoreInputError } from './errors.js';

/**
 * Accounts, robots and sync runs: a few rows written by config loading and once per run, so
 * they go through the ORM's entity manager (a fresh fork per call: one long-lived manager
 * accumulates an identity map, DESIGN "Library notes").
 */

function nonEmpty(v: unknown, field: string): void {
  if (typeof v !== 'string' || v === '') throw new StoreInputError(`${field}: expected a non-empty string, received ${JSON.stringify(v)}`, field);
}

export async function upsertAccount(em: EntityManager, a: AccountRow): Promise<void> {
  nonEmpty(a.id, 'account.id');
  nonEmpty(a.exchange, 'account.exchange');
  await em.upsert(Account, { id: a.id, exchange: a.exchange, label: a.label ?? null });
}

export async function listAccounts(em: EntityManager): Promise<AccountRow[]> {
  const rows = await em.find(Account, {}, { orderBy: { id: 'asc' } });
  return rows.map((r) => ({ id: r.id, exchange: r.exchange as ExchangeName, label: r.label ?? null }));
}

export async function upsertRobot(em: EntityManager, r: RobotRow): Promise<void> {
  nonEmpty(r.id, 'robot.id');
  nonEmpty(r.accountId, 'robot.accountId');
  if (!Array.isArray(r.symbols) || r.symbols.some((s) => typeof s !== 'string' || s === '')) {
    throw new StoreInputError(`robot.symbols: expected an array of symbols, received ${JSON.stringify(r.symbols)}`, 'robot.symbols');
  }
  if (r.status !== 'active' && r.status !== 'paused') {
    throw new StoreInputError(`robot.status: expected 'active' or 'paused', received ${JSON.stringify(r.status)}`, 'robot.status');
  }
  await em.upsert(Robot, {
    id: r.id,
    accountId: r.accountId,
    symbols: [...r.symbols],
    orderLinkPrefix: r.orderLinkPrefix ?? null,
    status: r.status,
  });
}

export async function setRobotStatus(em: EntityManager, id: string, status: RobotStatus): Promise<void> {
  if (status !== 'active' && status !== 'paused') {
    throw new StoreInputError(`status: expected 'active' or 'paused', received ${JSON.stringify(status)}`, 'status');
  }
  const n = await em.nativeUpdate(Robot, { id }, { status });
  if (n === 0) throw new NotFoundError(`robot ${JSON.stringify(id)} not found`);
}

/** Idempotent: deleting a robot that is not there is not an error. Its ledger rows stay. */
export async function deleteRobot(em: EntityManager, id: string): Promise<void> {
  await em.nativeDelete(Robot, { id });
}

export async function listRobots(em: EntityManager): Promise<RobotRow[]> {
  const rows = await em.find(Robot, {}, { orderBy: { id: 'asc' } });
  return rows.map((r) => ({
    id: r.id,
    accountId: r.accountId,
    symbols: [...r.symbols],
    orderLinkPrefix: r.orderLinkPrefix ?? null,
    status: r.status as RobotStatus,
  }));
}

export async function startRun(em: EntityManager, scope: string, startedAt: number): Promise<number> {
  nonEmpty(scope, 'scope');
  const id = await em.insert(SyncRun, { scope, startedAt, status: 'running' });
  return Number(id);
}

export async function finishRun(
  em: EntityManager,
  id: number,
  r: Omit<SyncRunRow, 'id' | 'startedAt' | 'scope'> & { finishedAt: number },
): Promise<void> {
  const n = await em.nativeUpdate(
    SyncRun,
    { id },
    {
      finishedAt: r.finishedAt,
      status: r.status,
      accountsOk: r.accountsOk,
      accountsFailed: r.accountsFailed,
      rowsNew: r.rowsNew,
      rowsUpdated: r.rowsUpdated,
      rowsSkipped: r.rowsSkipped,
      apiCalls: r.apiCalls,
      errorMessage: r.errorMessage,
    },
  );
  if (n === 0) throw new NotFoundError(`sync run ${id} not found`);
}

export async function listRuns(em: EntityManager, limit: number): Promise<SyncRunRow[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new StoreInputError(`limit: expected an integer >= 1, received ${JSON.stringify(limit)}`, 'limit');
  const rows = await em.find(SyncRun, {}, { orderBy: { id: 'desc' }, limit });
  return rows.map((r) => ({
    id: r.id,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt ?? null,
    scope: r.scope,
    status: r.status as RunStatus,
    accountsOk: r.accountsOk,
    accountsFailed: r.accountsFailed,
    rowsNew: r.rowsNew,
    rowsUpdated: r.rowsUpdated,
    rowsSkipped: r.rowsSkipped,
    apiCalls: r.apiCalls,
    errorMessage: r.errorMessage ?? null,
  }));
}
