import type { AccountState } from '../core/account.js';
import type { Engine } from '../core/engine.js';
import type { BehaviourConfig, FaultConfig } from '../types.js';
import type { Params } from './params.js';

/** What a Bybit handler gets: the venue, the caller's account (private endpoints), its params. */
export interface BybitContext {
  engine: Engine;
  account?: AccountState;
  params: Params;
  now: number;
  behaviour: BehaviourConfig;
  faults: FaultConfig;
}

export type BybitHandler = (ctx: BybitContext) => unknown;

export function accountOf(ctx: BybitContext): AccountState {
  if (!ctx.account) throw new Error('private handler called without an account');
  return ctx.account;
}
