import { createHmac } from 'node:crypto';

/**
 * WEEX v2 request signing (exchange-apis.md B.2). The server recomputes the signature over what
 * it received, so `query` and `body` must be exactly the text sent: the query without its '?',
 * the body as the raw JSON string ('' for GET).
 */
export interface WeexSignInput {
  /** ms since epoch; WEEX wants 13 digits. */
  timestamp: number;
  method: 'GET' | 'POST';
  /** Path without host or query, e.g. /capi/v2/order/fills. */
  path: string;
  query: string;
  body: string;
}

/** timestamp + METHOD + path + ('?' + query when there is one) + body. */
export function weexSignText(i: WeexSignInput): string {
  return `${i.timestamp}${i.method.toUpperCase()}${i.path}${i.query ? `?${i.query}` : ''}${i.body}`;
}

/** base64 HMAC-SHA256 with the API secret as key. */
export function signWeex(secret: string, i: WeexSignInput): string {
  return createHmac('sha256', secret).update(weexSignText(i)).digest('base64');
}

export interface WeexCredentials {
  apiKey: string;
  apiSecret: string;
  passphrase: string;
}

/** The headers of one signed call. `locale` is sent by every doc example (optional [U]). */
export function weexAuthHeaders(c: WeexCredentials, i: WeexSignInput, locale: string): Record<string, string> {
  return {
    'ACCESS-KEY': c.apiKey,
    'ACCESS-SIGN': signWeex(c.apiSecret, i),
    'ACCESS-TIMESTAMP': String(i.timestamp),
    'ACCESS-PASSPHRASE': c.passphrase,
    // Required on GET too: a missing or other Content-Type is error 40007.
    'Content-Type': 'application/json',
    locale,
  };
}

/**
 * Query string in insertion order, values URI-encoded, empty values skipped. The same string is
 * signed and sent, so whatever encoding is chosen the server sees what was signed.
 */
export function buildWeexQuery(params: Record<string, string | number | undefined>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    parts.push(`${k}=${encodeURIComponent(String(v))}`);
  }
  return parts.join('&');
}
