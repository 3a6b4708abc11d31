/**
 * Rolling-window counters. Each bucket keeps the timestamps (and weights) of the requests still
 * inside its window in a ring, so a check is amortised O(1) and memory is bounded by the limit.
 */
export class RollingWindow {
  readonly #windowMs: number;
  #times: number[] = [];
  #weights: number[] = [];
  #head = 0;
  #sum = 0;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  #expire(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#times.length && this.#times[this.#head]! <= cutoff) {
      this.#sum -= this.#weights[this.#head]!;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#weights = this.#weights.slice(this.#head);
      this.#head = 0;
    }
  }

  used(now: number): number {
    this.#expire(now);
    return this.#sum;
  }

  /** Adds `weight` if it fits under `limit`; returns whether it did. */
  tryTake(now: number, limit: number, weight = 1): boolean {
    this.#expire(now);
    if (this.#sum + weight > limit) return false;
    this.#times.push(now);
    this.#weights.push(weight);
    this.#sum += weight;
    return true;
  }

  /** When enough weight leaves the window for `weight` more to fit under `limit`. */
  resetAt(now: number, limit: number, weight = 1): number {
    this.#expire(now);
    let excess = this.#sum + weight - limit;
    for (let i = this.#head; i < this.#times.length && excess > 0; i++) {
      excess -= this.#weights[i]!;
      if (excess <= 0) return this.#times[i]! + this.#windowMs;
    }
    return now;
  }
}

/** A set of rolling windows keyed by a string (uid|endpoint, ip). */
export class WindowMap {
  readonly #windows = new Map<string, RollingWindow>();
  readonly #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  get(key: string): RollingWindow {
    let w = this.#windows.get(key);
    if (!w) this.#windows.set(key, (w = new RollingWindow(this.#windowMs)));
    return w;
  }

  clear(): void {
    this.#windows.clear();
  }
}

/** IP bans (Bybit: 403 for at least 10 minutes after the IP limit is exceeded). */
export class BanList {
  readonly #until = new Map<string, number>();

  ban(ip: string, until: number): void {
    this.#until.set(ip, until);
  }

  bannedUntil(ip: string, now: number): number | undefined {
    const u = this.#until.get(ip);
    if (u === undefined) return undefined;
    if (u <= now) {
      this.#until.delete(ip);
      return undefined;
    }
    return u;
  }

  clear(): void {
    this.#until.clear();
  }
}
