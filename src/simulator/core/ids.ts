import { Rng } from './rng.js';

export type IdFormat = 'uuid' | 'int64';

/**
 * Exchange ids. Bybit uses UUID strings for orders and executions; WEEX uses int64 ids that are
 * larger than 2^53, so clients that parse them as JS numbers lose precision (that is the point:
 * the simulator must make that mistake visible). int64 ids increase monotonically, as WEEX's do.
 */
export class IdGenerator {
  readonly #rng: Rng;
  readonly #format: IdFormat;
  #next: bigint;

  constructor(seed: number, format: IdFormat, label: string) {
    this.#rng = new Rng(seed, `ids:${label}`);
    this.#format = format;
    // 5.9e17 .. 6.0e17: well above 2^53 (9.007e15), below 2^63.
    this.#next = 590_000_000_000_000_000n + BigInt(this.#rng.int(0, 9_999_999)) * 1_000_000_000n;
  }

  next(): string {
    if (this.#format === 'uuid') return uuidFrom(this.#rng);
    this.#next += BigInt(this.#rng.int(1, 4096));
    return this.#next.toString();
  }
}

export function uuidFrom(rng: Rng): string {
  const h = rng.hex(32).split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
