import { CoreError } from '../core/errors.js';
import type { PlaceInput } from '../core/engine.js';
import { acct, idParam, strParam, symbolParam, type WeexContext, type WeexResult } from './context.js';
import { WEEX, WeexError } from './errors.js';

/** Numeric codes of placeOrder (strings on the wire; numbers accepted too). */
const TYPES: Record<string, { side: 'Buy' | 'Sell'; reduceOnly: boolean }> = {
  '1': { side: 'Buy', reduceOnly: false }, // open long
  '2': { side: 'Sell', reduceOnly: false }, // open short
  '3': { side: 'Sell', reduceOnly: true }, // close long
  '4': { side: 'Buy', reduceOnly: true }, // close short
};
const ORDER_TYPES: Record<string, PlaceInput['timeInForce']> = { '0': 'GTC', '1': 'PostOnly', '2': 'FOK', '3': 'IOC' };

function code(ctx: WeexContext, name: string, allowed: string[], def?: string): string {
  const v = strParam(ctx, name) ?? def;
  if (v === undefined) throw WEEX.missing(name);
  if (!allowed.includes(v)) throw WEEX.param(name);
  return v;
}

function toWeexError(e: unknown): unknown {
  if (!(e instanceof CoreError)) return e;
  switch (e.code) {
    case 'duplicate_link_id':
      return WEEX.duplicateClientOid();
    case 'reduce_only':
      return WEEX.noPosition();
    case 'not_found':
    case 'already_filled':
    case 'already_cancelled':
      return WEEX.noOrder();
    case 'unknown_symbol':
      return WEEX.param('symbol');
    case 'unknown_account':
      return WEEX.badKey();
    default:
      return new WeexError('40020', `Parameter error: ${e.message}`);
  }
}

/**
 * POST /capi/v2/order/placeOrder. WEEX is hedge-style (open/close long/short); the core is
 * one-way, so "open short" while long nets against the long. Closing without a position fails.
 */
export function placeOrder(ctx: WeexContext): WeexResult {
  const symbol = symbolParam(ctx, true)!;
  const clientOid = strParam(ctx, 'client_oid');
  if (clientOid !== undefined && (clientOid.length > 40 || !/^[\x21-\x7e]+$/.test(clientOid))) throw WEEX.param('client_oid', 'must be at most 40 visible characters');
  const size = strParam(ctx, 'size');
  if (size === undefined) throw WEEX.missing('size');
  const type = TYPES[code(ctx, 'type', Object.keys(TYPES))]!;
  const tif = ORDER_TYPES[code(ctx, 'order_type', Object.keys(ORDER_TYPES), '0')]!;
  const market = code(ctx, 'match_price', ['0', '1'], '0') === '1';
  const price = strParam(ctx, 'price');
  if (!market && price === undefined) throw WEEX.missing('price');
  for (const k of ['presetTakeProfitPrice', 'presetStopLossPrice']) {
    if (strParam(ctx, k) !== undefined) throw WEEX.param(k, 'is not supported by the simulator');
  }
  try {
    const o = ctx.engine.place(acct(ctx).id, {
      symbol,
      side: type.side,
      reduceOnly: type.reduceOnly,
      orderType: market ? 'Market' : 'Limit',
      qty: size,
      price: market ? undefined : price,
      timeInForce: market ? undefined : tif,
      orderLinkId: clientOid,
    });
    return { data: { client_oid: clientOid ?? null, order_id: o.orderId }, read: false };
  } catch (e) {
    throw toWeexError(e);
  }
}

/** POST /capi/v2/order/cancel_order with orderId or clientOid. */
export function cancelOrder(ctx: WeexContext): WeexResult {
  const orderId = idParam(ctx, 'orderId');
  const clientOid = strParam(ctx, 'clientOid');
  if (!orderId && !clientOid) throw WEEX.needId();
  try {
    const o = ctx.engine.cancel(acct(ctx).id, orderId ? { orderId } : { orderLinkId: clientOid });
    return { data: { order_id: o.orderId, client_oid: o.orderLinkId || null, result: true, err_msg: null }, read: false };
  } catch (e) {
    throw toWeexError(e);
  }
}
