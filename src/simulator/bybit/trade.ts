import { CoreError } from '../core/errors.js';
import type { PlaceInput } from '../core/engine.js';
import { accountOf, type BybitContext } from './context.js';
import { BybitError, paramError } from './envelope.js';
import { category, oneOf, required, str, type Params } from './params.js';

/** Core errors in Bybit's words. */
export function toBybitError(e: unknown): unknown {
  if (!(e instanceof CoreError)) return e;
  switch (e.code) {
    case 'invalid':
      return new BybitError(10001, e.message);
    case 'unknown_symbol':
      return new BybitError(10001, 'params error: symbol invalid');
    case 'duplicate_link_id':
      return new BybitError(110072, 'OrderLinkedID is duplicate');
    case 'reduce_only':
      return new BybitError(110017, 'current position is zero, cannot fix reduce-only order qty');
    case 'not_found':
      return new BybitError(110001, 'order not exists or too late to cancel');
    case 'already_filled':
      return new BybitError(110008, 'The order has been finished or canceled');
    case 'already_cancelled':
      return new BybitError(110010, 'The order has been cancelled');
    case 'unknown_account':
      return new BybitError(10003, 'API key is invalid.');
  }
}

const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;

function bool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw paramError(`params error: ${name} must be a boolean`);
  return v;
}

/** Validates a create body into the core's request (Bybit wants strings for qty and price). */
export function parseCreate(p: Params): PlaceInput {
  category(p, ['linear']);
  const symbol = required(p, 'symbol');
  const side = oneOf(p, 'side', ['Buy', 'Sell']);
  if (!side) throw paramError('params error: side is required');
  const orderType = oneOf(p, 'orderType', ['Limit', 'Market']);
  if (!orderType) throw paramError('params error: orderType is required');
  const qty = required(p, 'qty');
  const price = str(p, 'price');
  if (orderType === 'Limit' && price === undefined) throw paramError('params error: price is required for Limit orders');
  const timeInForce = oneOf(p, 'timeInForce', ['GTC', 'IOC', 'FOK', 'PostOnly', 'RPI']);
  if (timeInForce === 'RPI') throw paramError('params error: timeInForce RPI is not supported');
  const orderLinkId = str(p, 'orderLinkId');
  if (orderLinkId !== undefined && !LINK_ID.test(orderLinkId)) throw paramError('params error: orderLinkId invalid (max 36 of A-Z a-z 0-9 _ -)');
  const reduceOnly = bool(p, 'reduceOnly');
  bool(p, 'closeOnTrigger');
  const positionIdx = p.positionIdx;
  if (positionIdx !== undefined && positionIdx !== 0 && positionIdx !== '0') throw paramError('position idx not match position mode');
  for (const k of ['triggerPrice', 'takeProfit', 'stopLoss', 'tpslMode']) {
    if (p[k] !== undefined && p[k] !== '' && p[k] !== '0') throw paramError(`params error: ${k} is not supported by the simulator`);
  }
  return { symbol, side, orderType, qty, price: orderType === 'Limit' ? price : undefined, timeInForce: timeInForce ?? undefined, orderLinkId, reduceOnly };
}

/** POST /v5/order/create: answers only the ids; state changes arrive on the stream. */
export function create(ctx: BybitContext): unknown {
  const req = parseCreate(ctx.params);
  try {
    const o = ctx.engine.place(accountOf(ctx).id, req);
    return { orderId: o.orderId, orderLinkId: o.orderLinkId };
  } catch (e) {
    throw toBybitError(e);
  }
}

/** POST /v5/order/cancel. */
export function cancel(ctx: BybitContext): unknown {
  const p = ctx.params;
  category(p, ['linear']);
  const symbol = required(p, 'symbol');
  const orderId = str(p, 'orderId');
  const orderLinkId = str(p, 'orderLinkId');
  if (!orderId && !orderLinkId) throw paramError('params error: orderId or orderLinkId is required');
  if (!ctx.engine.instruments.has(symbol)) throw paramError('params error: symbol invalid');
  try {
    const o = ctx.engine.cancel(accountOf(ctx).id, { symbol, orderId, orderLinkId: orderId ? undefined : orderLinkId });
    return { orderId: o.orderId, orderLinkId: o.orderLinkId };
  } catch (e) {
    throw toBybitError(e);
  }
}

/** POST /v5/order/cancel-all. */
export function cancelAll(ctx: BybitContext): unknown {
  const p = ctx.params;
  category(p, ['linear']);
  const symbol = str(p, 'symbol');
  const baseCoin = str(p, 'baseCoin');
  const settleCoin = str(p, 'settleCoin');
  if (!symbol && !baseCoin && !settleCoin) throw paramError('params error: symbol, baseCoin or settleCoin is required for linear');
  if (symbol && !ctx.engine.instruments.has(symbol)) throw paramError('params error: symbol invalid');
  const orders = ctx.engine.cancelAll(accountOf(ctx).id, symbol ? { symbol } : baseCoin ? { baseCoin } : { settleCoin });
  return { list: orders.map((o) => ({ orderId: o.orderId, orderLinkId: o.orderLinkId })), success: '1' };
}
