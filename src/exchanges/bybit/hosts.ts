import type { ExchangeEndpoints } from '../adapter.js';

/** exchange-apis.md A.1. The private stream path is appended to the WS base by the adapter. */
export const BYBIT_HOSTS = {
  mainnet: { baseUrl: 'https://api.bybit.com', wsUrl: 'wss://stream.bybit.com' },
  testnet: { baseUrl: 'https://api-testnet.bybit.com', wsUrl: 'wss://stream-testnet.bybit.com' },
  demo: { baseUrl: 'https://api-demo.bybit.com', wsUrl: 'wss://stream-demo.bybit.com' },
} as const;

export type BybitEnvironment = keyof typeof BYBIT_HOSTS;

export const BYBIT_PRIVATE_WS_PATH = '/v5/private';

/**
 * Picks the environment from `options.env` ('mainnet' | 'testnet' | 'demo') or the booleans
 * `options.testnet` / `options.demo`; an explicit baseUrl / wsUrl (a simulator, a regional
 * host) wins over the environment's default.
 */
export function resolveBybitHosts(endpoints: Partial<ExchangeEndpoints>): { baseUrl: string; wsUrl: string; env: BybitEnvironment } {
  const o = endpoints.options ?? {};
  let env: BybitEnvironment = 'mainnet';
  if (o.env !== undefined) {
    if (o.env !== 'mainnet' && o.env !== 'testnet' && o.env !== 'demo') {
      throw new Error(`bybit endpoints.options.env: expected 'mainnet', 'testnet' or 'demo', received ${JSON.stringify(o.env)}`);
    }
    env = o.env;
  } else if (o.testnet === true) env = 'testnet';
  else if (o.demo === true) env = 'demo';
  const hosts = BYBIT_HOSTS[env];
  return {
    baseUrl: trimSlash(endpoints.baseUrl || hosts.baseUrl),
    wsUrl: trimSlash(endpoints.wsUrl || hosts.wsUrl),
    env,
  };
}

/** Endpoints for an environment, for callers that do not override the hosts. */
export function bybitEndpoints(env: BybitEnvironment = 'mainnet', extra: Omit<ExchangeEndpoints, 'baseUrl' | 'wsUrl'> = {}): ExchangeEndpoints {
  return { ...extra, ...BYBIT_HOSTS[env] };
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, '');
}
