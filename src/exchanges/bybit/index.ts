export { createBybitAdapter, BYBIT_MAX_WINDOW_MS, BYBIT_HISTORY_FLOOR_MS } from './adapter.js';
export { bybitBudgets, BYBIT_PATHS, type BybitEndpoint } from './budgets.js';
export { BYBIT_HOSTS, BYBIT_PRIVATE_WS_PATH, bybitEndpoints, resolveBybitHosts, type BybitEnvironment } from './hosts.js';
export { BybitPrivateStream, type BybitStreamConfig } from './stream.js';
export { mapOrder, mapExecution, mapClosedPnl, mapPosition } from './map.js';
export { signRest, signWsAuth, restSignText, buildQuery } from './sign.js';
export { checkAnswer, limitHeaders, IP_BAN_MS } from './errors.js';
