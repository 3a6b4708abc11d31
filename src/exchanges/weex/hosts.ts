import type { ExchangeEndpoints } from '../adapter.js';

/** exchange-apis.md B.1: contract REST host; V2 paths start with /capi/v2. No testnet is documented. */
export const WEEX_BASE_URL = 'https://api-contract.weex.com';

/** An explicit baseUrl (a simulator, a proxy) wins; otherwise mainnet, the only environment WEEX has. */
export function resolveWeexBaseUrl(endpoints: Partial<ExchangeEndpoints>): string {
  const env = endpoints.options?.env;
  if (!endpoints.baseUrl && env !== undefined && env !== 'mainnet') {
    throw new Error(`weex endpoints: expected a baseUrl for env ${JSON.stringify(env)} (WEEX documents no ${String(env)} host), received none`);
  }
  return (endpoints.baseUrl || WEEX_BASE_URL).replace(/\/+$/, '');
}
