import { createHmac } from 'node:crypto';

/**
 * Bybit V5 HMAC signing (exchange-apis.md A.2, A.6). The server recomputes the signature over
 * the bytes it received, so the payload passed here must be exactly the query string sent (no
 * '?') or the exact JSON body sent.
 */
export interface RestSignInput {
  timestamp: number;
  apiKey: string;
  recvWindow: number;
  /** GET: the raw query string; POST: the raw JSON body. */
  payload: string;
}

export function restSignText(input: RestSignInput): string {
  return `${input.timestamp}${input.apiKey}${input.recvWindow}${input.payload}`;
}

export function signRest(secret: string, input: RestSignInput): string {
  return hmacHex(secret, restSignText(input));
}

/** Private WebSocket auth: `GET/realtime` + expires (ms). */
export function signWsAuth(secret: string, expires: number): string {
  return hmacHex(secret, `GET/realtime${expires}`);
}

/** The headers of one signed REST call. */
export function authHeaders(apiKey: string, secret: string, timestamp: number, recvWindow: number, payload: string): Record<string, string> {
  return {
    'X-BAPI-API-KEY': apiKey,
    'X-BAPI-TIMESTAMP': String(timestamp),
    'X-BAPI-RECV-WINDOW': String(recvWindow),
    'X-BAPI-SIGN': signRest(secret, { timestamp, apiKey, recvWindow, payload }),
    'X-BAPI-SIGN-TYPE': '2',
  };
}

/**
 * Query string in insertion order with every value URI-encoded, the way the official SDK does
 * it. Encoding matters for cursors: Bybit returns them already percent-encoded, and after the
 * server decodes the query once it must see exactly the token it issued.
 */
export function buildQuery(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}
