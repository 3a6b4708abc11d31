/**
 * Runs store operations one at a time on PGlite. PGlite has ONE backend: a statement issued
 * while another caller's transaction is open would queue behind it on the single pooled
 * connection and, if that transaction awaits it, wait forever. Serializing every store
 * operation rules that out; knex's acquireConnectionTimeout stays as the safety net.
 * On PostgreSQL the pool gives each caller its own connection, so nothing is serialized.
 */
export interface Serializer {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export const passThrough: Serializer = { run: (fn) => fn() };

export class Mutex implements Serializer {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(() => fn());
    // The chain must survive a rejected operation; the caller still sees the rejection.
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
