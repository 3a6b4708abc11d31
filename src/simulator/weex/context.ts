import type { AccountState } from '../core/account.js';
import type { Engine } from '../core/engine.js';
import type { BehaviourConfig, FaultConfig } from '../types.js';
import { WEEX } from './errors.js';
import { fromWeexSymbol } from './symbols.js';

export interface WeexContext {
  engine: Engine;
  account?: AccountState;
  /** GET query or POST body fields. */
  params: Record<string, unknown>;
  now: number;
  behaviour: BehaviourConfig;
  faults: FaultConfig;
}

/** What a handler returns: the payload, and whether it is a read (subject to the wrap switch). */
export interface WeexResult {
  data: unknown;
  read: boolean;
}

export type WeexHandler = (ctx: WeexContext) => WeexResult;

export function acct(ctx: WeexContext): AccountState {
  if (!ctx.account) throw new Error('private handler without account');
  return ctx.account;
}

export function strParam(ctx: WeexContext, name: string): string | undefined {
  const v = ctx.params[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') throw WEEX.param(name);
  return v;
}

export function symbolParam(ctx: WeexContext, required: boolean): string | undefined {
  const s = strParam(ctx, 'symbol');
  if (s === undefined) {
    if (required) throw WEEX.missing('symbol');
    return undefined;
  }
  const core = fromWeexSymbol(s);
  if (!core || !ctx.engine.instruments.has(core)) throw WEEX.param('symbol');
  return core;
}

export function intParam(ctx: WeexContext, name: string, min: number, max: number, def: number): number;
export function intParam(ctx: WeexContext, name: string, min: number, max: number): number | undefined;
export function intParam(ctx: WeexContext, name: string, min: number, max: number, def?: number): number | undefined {
  const s = strParam(ctx, name);
  if (s === undefined) return def;
  if (!/^-?\d{1,16}$/.test(s)) throw WEEX.param(name);
  const n = Number(s);
  if (n < min || n > max) throw WEEX.param(name, `must be in [${min}, ${max}]`);
  return n;
}

/** int64 ids travel as digit strings (or numbers in JSON bodies; those may have lost digits). */
export function idParam(ctx: WeexContext, name: string): string | undefined {
  const s = strParam(ctx, name);
  if (s === undefined) return undefined;
  if (!/^\d{1,19}$/.test(s)) throw WEEX.param(name);
  return s;
}
