export { createWeexAdapter, WEEX_HISTORY_FLOOR_MS } from './adapter.js';
export { weexBudgets, WEEX_PATHS, WEEX_WINDOW_MS, type WeexEndpoint } from './budgets.js';
export { WEEX_BASE_URL, resolveWeexBaseUrl } from './hosts.js';
export { mapOrder, mapFill, mapPosition, statusOf as weexStatusOf } from './map.js';
export { signWeex, weexSignText, weexAuthHeaders, buildWeexQuery } from './sign.js';
export { checkWeexAnswer } from './errors.js';
export { parseJsonKeepingIds } from './json.js';
export { toWeexSymbol, fromWeexSymbol } from './symbols.js';
export { resolveWeexOptions, DEFAULT_WEEX_OPTIONS, type WeexOptions } from './options.js';
