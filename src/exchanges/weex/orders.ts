import { randomBytes } from 'node:crypto';
import type { PlaceOrderRequest } from '../adapter.js';
import { ExchangeRejectedError, ExchangeUnavailableError } from '../../errors.js';
import { toWeexSymbol } from './symbols.js';
import { redactString } from '../../util/redact.js';
import { asObject, idOf, optionalString } from './wire.js';

/**
 * Order placement speaks numeric codes where the read side speaks words (exchange-apis.md
 * B.4.6): type 1 open long, 2 open short, 3 close long, 4 close short; order_type 0 normal,
 * 1 post-only, 2 FOK, 3 IOC; match_price 0 limit, 1 market.
 */
const ORDER_TYPE: Record<NonNullable<PlaceOrderRequest['timeInForce']>, string> = { GTC: '0', PostOnly: '1', FOK: '2', IOC: '3' };
const MAX_CLIENT_OID = 40;

export interface WeexPlaceBody extends Record<string, unknown> {
  symbol: string;
  client_oid: string;
  size: string;
  type: '1' | '2' | '3' | '4';
  order_type: string;
  match_price: '0' | '1';
  price?: string;
}

/** Hedge-style positions: the side plus reduce-only picks which position the order opens or closes. */
export function placeType(side: 'Buy' | 'Sell', reduceOnly: boolean): WeexPlaceBody['type'] {
  if (!reduceOnly) return side === 'Buy' ? '1' : '2';
  return side === 'Sell' ? '3' : '4';
}

export function placeOrderBody(req: PlaceOrderRequest, now: number): WeexPlaceBody {
  if (req.orderType === 'Limit' && (req.price === undefined || req.price === '')) throw new Error('weex placeOrder(): a Limit order needs a price');
  if (req.orderLinkId !== undefined && (req.orderLinkId.length === 0 || req.orderLinkId.length > MAX_CLIENT_OID)) {
    throw new Error(`weex placeOrder(): orderLinkId must be 1..${MAX_CLIENT_OID} characters, received ${req.orderLinkId.length}`);
  }
  const body: WeexPlaceBody = {
    symbol: toWeexSymbol(req.symbol),
    // client_oid is a required field on WEEX; make one up when the caller has none.
    client_oid: req.orderLinkId ?? `rs${now.toString(36)}${randomBytes(6).toString('hex')}`,
    size: req.qty,
    type: placeType(req.side, req.reduceOnly === true),
    order_type: ORDER_TYPE[req.timeInForce ?? 'GTC'],
    match_price: req.orderType === 'Market' ? '1' : '0',
  };
  if (req.price !== undefined && req.price !== '') body.price = req.price;
  return body;
}

/** `{"client_oid":null,"order_id":"596471064624628269"}`: the doc's reply echoes no client id. */
export function readPlaceReply(reply: unknown, sentClientOid: string): { orderId: string; orderLinkId: string } {
  const r = asObject(reply, 'placeOrder answer');
  let orderId: string;
  try {
    orderId = idOf(r.order_id ?? r.orderId, 'order_id');
  } catch {
    // The order may exist: an unreadable answer is "unknown", never "not placed".
    throw new ExchangeUnavailableError('POST /capi/v2/order/placeOrder: answer has no order_id');
  }
  return { orderId, orderLinkId: optionalString(r.client_oid) ?? sentClientOid };
}

/** `{order_id, client_oid, result: true|false, err_code, err_msg}`. */
export function readCancelReply(reply: unknown): void {
  if (reply === null || reply === undefined) return;
  const r = asObject(reply, 'cancel_order answer');
  if (r.result === false) {
    const code = optionalString(r.err_code) ?? 'cancel_failed';
    const msg = optionalString(r.err_msg) ?? 'no reason given';
    throw new ExchangeRejectedError(`POST /capi/v2/order/cancel_order: cancel refused (${code}): ${redactString(msg).slice(0, 200)}`, code);
  }
}
