import type { ExchangeConfig } from '../config/schema.js';
import type { ExchangeName } from '../domain/types.js';
import type { AdapterFactory, ExchangeEndpoints } from './adapter.js';
import { BYBIT_HOSTS, createBybitAdapter } from './bybit/index.js';
import { WEEX_BASE_URL, createWeexAdapter } from './weex/index.js';

/** The built-in adapters, by exchange. */
export function defaultAdapterFactories(): Partial<Record<ExchangeName, AdapterFactory>> {
  return { bybit: createBybitAdapter, weex: createWeexAdapter };
}

/** Config -> what an adapter needs to reach its exchange. */
export function endpointsFor(exchange: ExchangeName, cfg: ExchangeConfig): ExchangeEndpoints {
  const base = exchange === 'bybit' ? BYBIT_HOSTS[cfg.env] : exchange === 'weex' && cfg.env === 'mainnet' ? { baseUrl: WEEX_BASE_URL, wsUrl: undefined } : null;
  return {
    baseUrl: cfg.baseUrl ?? base?.baseUrl ?? '',
    wsUrl: cfg.wsUrl ?? base?.wsUrl,
    recvWindowMs: cfg.recvWindowMs,
    timeoutMs: cfg.timeoutMs,
    options: { ...cfg.options, env: cfg.env, heartbeatMs: cfg.heartbeatMs },
  };
}
