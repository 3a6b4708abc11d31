/**
 * One budget: at most `limit` weight in ANY window of `windowMs` (a sliding log, not fixed
 * windows, so two bursts can never meet at a window edge). Entries are kept in time order.
 */
export class SlidingWindow {
  #times: number[] = [];
  #weights: number[] = [];
  #head = 0;
  #sum = 0;
  /** 10006-style pauses: nothing is granted before this time (ms) */
  pausedUntil = 0;
  /** IP bans: calls fail fast until this time (ms) */
  bannedUntil = 0;

  constructor(
    readonly key: string,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Weight spent in the window ending now. */
  used(now: number): number {
    this.#prune(now);
    return this.#sum;
  }

  /** 0 when `weight` fits now, else how long until it will (ms). */
  waitFor(now: number, weight: number): number {
    const pause = this.pausedUntil > now ? this.pausedUntil - now : 0;
    this.#prune(now);
    if (this.#sum + weight <= this.limit) return pause;
    let freed = 0;
    for (let i = this.#head; i < this.#times.length; i++) {
      freed += this.#weights[i]!;
      if (this.#sum - freed + weight <= this.limit) return Math.max(pause, this.#times[i]! + this.windowMs - now);
    }
    return Math.max(pause, this.windowMs);
  }

  take(now: number, weight: number): void {
    this.#times.push(now);
    this.#weights.push(weight);
    this.#sum += weight;
  }

  #prune(now: number): void {
    // An entry at t counts for every window containing t: it leaves once t <= now - windowMs.
    const edge = now - this.windowMs;
    while (this.#head < this.#times.length && this.#times[this.#head]! <= edge) {
      this.#sum -= this.#weights[this.#head]!;
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#weights = this.#weights.slice(this.#head);
      this.#head = 0;
    }
  }
}
