import type { SimClosedPnl, SimExecution, SimOrder, SimPosition } from './core/records.js';
import type { Dec } from './core/decimal.js';
import type { SimReply, SimRequest } from './http/types.js';

/** How one exchange renders the simulator's records (ground truth uses it too). */
export interface RecordFormat {
  order(o: SimOrder): Record<string, unknown>;
  execution(e: SimExecution): Record<string, unknown>;
  position(p: SimPosition, mark: Dec): Record<string, unknown>;
  closedPnl(c: SimClosedPnl): Record<string, unknown>;
}

/** One exchange's REST face on the shared engine. */
export interface ExchangeFront {
  handle(req: SimRequest): SimReply;
  /** Forget rate-limit windows and IP bans. */
  resetLimits(): void;
  readonly format: RecordFormat;
  /** The exchange's symbol for a core symbol (BTCUSDT -> cmt_btcusdt on WEEX). */
  exchangeSymbol(symbol: string): string;
  /** The core symbol for an exchange or core symbol; undefined when unknown. */
  coreSymbol(symbol: string): string | undefined;
}
