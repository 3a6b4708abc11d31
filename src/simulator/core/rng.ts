/**
 * Seeded randomness. Two kinds:
 *  - `Rng`: a stream (sfc32) for things that happen in order (ids, fills, faults, scenarios).
 *    Each purpose forks its own stream so, e.g., turning a fault on does not change the ids.
 *  - `hash*`: stateless functions of their inputs, for things that must be reproducible for any
 *    point in time regardless of what happened before (the price path, kline volumes).
 */

/** 32-bit FNV-1a over the parts, then a murmur3 finaliser for avalanche. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = typeof p === 'number' ? numberKey(p) : p;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x1f; // part separator so ("ab","c") != ("a","bc")
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function numberKey(n: number): string {
  return Number.isInteger(n) ? n.toString(36) : n.toString();
}

/** Uniform in [0, 1), a pure function of the parts. */
export function hashUnit(...parts: (string | number)[]): number {
  return hash32(...parts) / 4294967296;
}

/** Roughly standard normal (Irwin-Hall with 4 terms: mean 0, variance 1), pure. */
export function hashNormal(...parts: (string | number)[]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += hashUnit(...parts, i);
  return (s - 2) * Math.sqrt(3);
}

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number | string, label = '') {
    this.#a = hash32('a', seed, label);
    this.#b = hash32('b', seed, label);
    this.#c = hash32('c', seed, label);
    this.#d = hash32('d', seed, label) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Lower-case hex string of `n` characters. */
  hex(n: number): string {
    let s = '';
    while (s.length < n) s += ((this.next() * 0x100000000) >>> 0).toString(16).padStart(8, '0');
    return s.slice(0, n);
  }

  alnum(n: number): string {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let s = '';
    for (let i = 0; i < n; i++) s += chars[Math.floor(this.next() * chars.length)];
    return s;
  }
}

/** Splits `total` (an integer >= parts) into `parts` positive integers at random cut points. */
export function splitInt(total: number, parts: number, rng: Rng): number[] {
  if (parts <= 1 || total <= 1) return [total];
  const cuts = new Set<number>();
  while (cuts.size < Math.min(parts, total) - 1) cuts.add(rng.int(1, total - 1));
  const sorted = [...cuts].sort((a, b) => a - b);
  const out: number[] = [];
  let prev = 0;
  for (const c of sorted) {
    out.push(c - prev);
    prev = c;
  }
  out.push(total - prev);
  return out;
}
