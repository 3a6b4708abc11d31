import { BybitError, paramError } from './envelope.js';
import { msParam, type Params } from './params.js';

export const DAY = 86_400_000;
export const SEVEN_DAYS = 7 * DAY;
export const TWO_YEARS = 730 * DAY;

/**
 * The time rules shared by order history, executions and closed PnL:
 * none -> last 7 days; start only -> [start, start+7d]; end only -> [end-7d, end];
 * both -> span must be <= 7 days. Nothing older than 2 years is returned ([U] clamp or error).
 */
export function timeWindow(p: Params, now: number, floorMode: 'clamp' | 'error'): { start: number; end: number } {
  const s = msParam(p, 'startTime');
  const e = msParam(p, 'endTime');
  let start: number, end: number;
  if (s === undefined && e === undefined) {
    end = now;
    start = now - SEVEN_DAYS;
  } else if (e === undefined) {
    start = s!;
    end = s! + SEVEN_DAYS;
  } else if (s === undefined) {
    end = e;
    start = e - SEVEN_DAYS;
  } else {
    if (e < s) throw paramError('params error: endTime must be greater than startTime');
    if (e - s > SEVEN_DAYS) throw paramError('params error: The time range between startTime and endTime cannot exceed 7 days');
    start = s;
    end = e;
  }
  const floor = now - TWO_YEARS;
  if (start < floor) {
    if (floorMode === 'error') throw new BybitError(10001, 'params error: startTime cannot be earlier than 2 years ago');
    start = floor;
  }
  return { start, end };
}
