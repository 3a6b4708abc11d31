import type { SimClosedPnl, SimExecution, SimOrder, SimPosition } from './records.js';

/** What one operation changed for one account: the unit the private stream pushes. */
export interface ChangeBatch {
  accountId: string;
  at: number;
  /** Final state of each order touched (deduplicated, in first-touch order). */
  orders: SimOrder[];
  executions: SimExecution[];
  closedPnl: SimClosedPnl[];
  positions: SimPosition[];
}

/** Collects changes during one operation, per account, then hands them out in one go. */
export class BatchCollector {
  readonly #byAccount = new Map<string, ChangeBatch>();
  readonly #at: number;

  constructor(at: number) {
    this.#at = at;
  }

  #get(accountId: string): ChangeBatch {
    let b = this.#byAccount.get(accountId);
    if (!b) this.#byAccount.set(accountId, (b = { accountId, at: this.#at, orders: [], executions: [], closedPnl: [], positions: [] }));
    return b;
  }

  order(o: SimOrder): void {
    const b = this.#get(o.accountId);
    if (!b.orders.includes(o)) b.orders.push(o);
  }

  execution(e: SimExecution): void {
    this.#get(e.accountId).executions.push(e);
  }

  closedPnl(c: SimClosedPnl): void {
    this.#get(c.accountId).closedPnl.push(c);
  }

  position(p: SimPosition): void {
    const b = this.#get(p.accountId);
    if (!b.positions.includes(p)) b.positions.push(p);
  }

  batches(): ChangeBatch[] {
    return [...this.#byAccount.values()];
  }
}
