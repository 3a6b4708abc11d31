import type { ExchangeName } from '../../domain/types.js';
import type { StoredOrder, StoredPosition } from '../types.js';
import { run, type Db } from './query.js';
import { ORDER_COLUMNS, POSITION_COLUMNS, orderFromRow, positionFromRow, type Row } from './rows.js';

/**
 * Reads the engine makes on every account sync.
 *
 * OPEN_ORDERS_SQL — served by the partial index orders_open_idx (status_rank < 3).
 *   ?1 exchange, ?2 account_id
 * POSITIONS_SQL
 *   ?1 exchange, ?2 account_id
 */
const OPEN_ORDERS_SQL = `
select ${ORDER_COLUMNS} from orders
where exchange = ? and account_id = ? and status_rank < 3
order by order_id`;

const POSITIONS_SQL = `
select ${POSITION_COLUMNS} from positions
where exchange = ? and account_id = ?
order by symbol, position_idx`;

export async function openOrders(db: Db, exchange: ExchangeName, accountId: string): Promise<StoredOrder[]> {
  return (await run<Row>(db, OPEN_ORDERS_SQL, [exchange, accountId])).map(orderFromRow);
}

export async function positionsOf(db: Db, exchange: ExchangeName, accountId: string): Promise<StoredPosition[]> {
  return (await run<Row>(db, POSITIONS_SQL, [exchange, accountId])).map(positionFromRow);
}
