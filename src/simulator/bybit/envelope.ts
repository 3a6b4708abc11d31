/** Bybit V5 answers always carry this envelope; errors have `result: {}`. */
export interface Envelope {
  retCode: number;
  retMsg: string;
  result: unknown;
  retExtInfo: Record<string, unknown>;
  time: number;
}

export function envelope(retCode: number, retMsg: string, result: unknown, time: number): Envelope {
  return { retCode, retMsg, result: result ?? {}, retExtInfo: {}, time };
}

/** A business error raised by a handler; the front turns it into an envelope (HTTP 200 unless told). */
export class BybitError extends Error {
  constructor(
    readonly retCode: number,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
  }
}

export const paramError = (msg: string) => new BybitError(10001, msg);
