import { SortedLog } from './sorted-log.js';
import type { SimClosedPnl, SimExecution, SimOrder, SimPosition } from './records.js';
import { ZERO } from './decimal.js';
import { emptyTotals } from './position-math.js';

export interface AccountCredentials {
  id: string;
  uid: string;
  apiKey: string;
  apiSecret: string;
  passphrase?: string;
}

/**
 * Everything one account (one UID) owns, indexed for the queries the fronts answer, so a
 * request costs O(that account's rows), never O(all rows in the simulator).
 */
export class AccountState {
  readonly creds: AccountCredentials;
  readonly orders = new SortedLog<SimOrder>((o) => ({ t: o.createdTime, n: o.n }));
  readonly executions = new SortedLog<SimExecution>((e) => ({ t: e.execTime, n: e.n }));
  readonly closedPnl = new SortedLog<SimClosedPnl>((c) => ({ t: c.createdTime, n: c.n }));
  readonly byOrderId = new Map<string, SimOrder>();
  readonly byLinkId = new Map<string, SimOrder>();
  readonly open = new Map<string, SimOrder>();
  readonly execsByOrder = new Map<string, SimExecution[]>();
  readonly positions = new Map<string, SimPosition>();
  /**
   * Bybit's openOnly=1 view: the most recent closed orders (500 per account), held by the
   * service in memory and lost when it restarts.
   */
  closedCache: SimOrder[] = [];

  constructor(creds: AccountCredentials) {
    this.creds = creds;
  }

  get id(): string {
    return this.creds.id;
  }

  addOrder(o: SimOrder): void {
    this.orders.insert(o);
    this.byOrderId.set(o.orderId, o);
    if (o.orderLinkId) this.byLinkId.set(o.orderLinkId, o);
  }

  addExecution(e: SimExecution): void {
    this.executions.insert(e);
    if (!e.orderId) return;
    let list = this.execsByOrder.get(e.orderId);
    if (!list) this.execsByOrder.set(e.orderId, (list = []));
    list.push(e);
  }

  rememberClosed(o: SimOrder, cacheSize: number): void {
    this.closedCache.push(o);
    // Trim in chunks so the cost is amortised O(1).
    if (this.closedCache.length > cacheSize + 64) this.closedCache = this.closedCache.slice(-cacheSize);
  }

  recentClosed(cacheSize: number): SimOrder[] {
    return this.closedCache.length > cacheSize ? this.closedCache.slice(-cacheSize) : this.closedCache;
  }

  position(symbol: string, now: number): SimPosition {
    let p = this.positions.get(symbol);
    if (!p) {
      p = {
        accountId: this.id,
        symbol,
        posId: '',
        totals: emptyTotals(),
        openSeq: -1,
        size: ZERO,
        avgPrice: ZERO,
        openFee: ZERO,
        cumRealisedPnl: ZERO,
        curRealisedPnl: ZERO,
        leverage: '10',
        seq: -1,
        createdTime: now,
        updatedTime: now,
        openTime: 0,
        changedAt: now,
      };
      this.positions.set(symbol, p);
    }
    return p;
  }
}
