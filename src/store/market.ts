import type { Knex } from '@mikro-orm/knex';
import type { KlineRow, NodeInput, NodeRow, NodeStatusRow, SeriesInfo, TickerRow, Timeframe, UpsertResult } from '../pricenode/types.js';
import { StoreInputError, retryRule } from './errors.js';
import { validateKlines, validateTickers } from './market-validate.js';
import { klinesPage, listSeries, tickersPage, type PageRange } from './sql/market-read.js';
import { upsertKlines, upsertTickers } from './sql/market-upsert.js';
import * as nodes from './sql/price-nodes.js';
import { storeInternals, type StoreInternals } from './store.js';
import type { Store } from './types.js';

/**
 * The price-node side of the store (issue #8): market rows, keyset pages, the node registry and
 * its sync state. Built on the store's own serialization (storeInternals): on PGlite every call
 * takes the store's mutex, so nothing ever queries beside an open transaction; errors are mapped
 * as the store maps them (StoreUnavailableError when retrying later helps).
 */

const MAX_TX_ATTEMPTS = 4;

export class MarketStore {
  readonly #i: StoreInternals;

  constructor(store: Store) {
    this.#i = storeInternals(store);
  }

  /** One transaction, alone on PGlite; deadlocks and serialization failures are retried a few times. */
  async #tx<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#i.exclusive(() => this.#i.knex.transaction(fn));
      } catch (err) {
        const rule = retryRule(err);
        if (rule?.kind !== 'conflict' || attempt >= MAX_TX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.min(rule.maxMs, rule.minMs * 2 ** attempt) * (0.5 + Math.random() / 2)));
      }
    }
  }

  #one<T>(fn: (db: Knex) => Promise<T>): Promise<T> {
    return this.#i.exclusive(() => fn(this.#i.knex));
  }

  async upsertTickers(rows: readonly TickerRow[], now: number): Promise<UpsertResult> {
    validateTickers(rows);
    if (!rows.length) return { inserted: 0, updated: 0, unchanged: 0 };
    return this.#tx((trx) => upsertTickers(trx, rows, now));
  }

  async upsertKlines(rows: readonly KlineRow[], now: number): Promise<UpsertResult> {
    validateKlines(rows);
    if (!rows.length) return { inserted: 0, updated: 0, unchanged: 0 };
    return this.#tx((trx) => upsertKlines(trx, rows, now));
  }

  /**
   * A page pulled from a node and the node's cursor for it, in ONE transaction (DESIGN
   * invariant 3): a failed page never moves the cursor, a committed one always does.
   */
  async applyNodePage(page: { tickers?: readonly TickerRow[]; klines?: readonly KlineRow[] }, status: NodeStatusRow, now: number): Promise<UpsertResult> {
    if (page.tickers) validateTickers(page.tickers);
    if (page.klines) validateKlines(page.klines);
    return this.#tx(async (trx) => {
      const r = page.tickers?.length
        ? await upsertTickers(trx, page.tickers, now)
        : page.klines?.length
          ? await upsertKlines(trx, page.klines, now)
          : { inserted: 0, updated: 0, unchanged: 0 };
      await nodes.saveStatus(trx, [status], now);
      return r;
    });
  }

  tickersPage(q: PageRange): Promise<TickerRow[]> {
    return this.#one((db) => tickersPage(db, q));
  }

  klinesPage(q: PageRange & { timeframe: Timeframe }): Promise<KlineRow[]> {
    return this.#one((db) => klinesPage(db, q));
  }

  series(): Promise<SeriesInfo[]> {
    return this.#one((db) => listSeries(db));
  }

  listNodes(): Promise<NodeRow[]> {
    return this.#one((db) => nodes.listNodes(db));
  }

  getNode(id: number): Promise<NodeRow | null> {
    return this.#one((db) => nodes.getNode(db, id));
  }

  async insertNode(n: NodeInput, now: number): Promise<NodeRow> {
    try {
      return await this.#one((db) => nodes.insertNode(db, n, now));
    } catch (err) {
      throw nameTaken(err, n.name);
    }
  }

  async updateNode(id: number, n: NodeInput, now: number): Promise<NodeRow | null> {
    try {
      return await this.#one((db) => nodes.updateNode(db, id, n, now));
    } catch (err) {
      throw nameTaken(err, n.name);
    }
  }

  deleteNode(id: number): Promise<boolean> {
    return this.#tx((trx) => nodes.deleteNode(trx, id));
  }

  recordNodeRun(id: number, r: Parameters<typeof nodes.recordNodeRun>[2]): Promise<void> {
    return this.#one((db) => nodes.recordNodeRun(db, id, r));
  }

  statuses(nodeId?: number): Promise<NodeStatusRow[]> {
    return this.#one((db) => nodes.listStatus(db, nodeId));
  }

  saveStatuses(rows: readonly NodeStatusRow[], now: number): Promise<void> {
    const last = new Map(rows.map((r) => [`${r.nodeId}\u0000${r.exchange}\u0000${r.symbol}\u0000${r.stream}`, r]));
    return this.#one((db) => nodes.saveStatus(db, [...last.values()], now));
  }
}

/** A unique violation on the node name becomes a StoreInputError naming the field. */
function nameTaken(err: unknown, name: string): unknown {
  const e = err as { code?: unknown; constraint?: unknown; message?: unknown };
  if (e?.code === '23505' || (typeof e?.message === 'string' && e.message.includes('price_nodes_name_unique'))) {
    return new StoreInputError(`name: expected a name no other node has, received ${JSON.stringify(name)} (already registered)`, 'name');
  }
  return err;
}

const cache = new WeakMap<Store, MarketStore>();

/** The market side of a store made by createStore (one per store). */
export function marketStore(store: Store): MarketStore {
  let m = cache.get(store);
  if (!m) cache.set(store, (m = new MarketStore(store)));
  return m;
}
