/**
 * robosync's one public entry point. Everything else under src/ is internal.
 */
export { createEngine, Engine } from './engine.js';
export type { EngineDeps, EngineInput, EngineStatus, RobotStatus, AccountStatus, SyncTarget, SyncAllSummary, BackfillRequest, BackfillResult } from './engine.js';
export type { LiveSnapshot } from './metrics/live.js';
export { loadConfig } from './config/load.js';
export type { ResolvedConfig, LoadOptions } from './config/load.js';
export type { ConfigInput } from './config/schema.js';
export { INBOUND_EVENTS, OUTBOUND_EVENTS } from './bus/events.js';
export type { InboundEventName, OutboundEventName, OutboundEvents, RobotEvent, SyncSummary, Tier } from './bus/events.js';
export {
  RobosyncError,
  ConfigError,
  BadEventError,
  NotFoundError,
  AuthError,
  RateLimitedError,
  IpBannedError,
  ExchangeUnavailableError,
  ExchangeRejectedError,
  StoreUnavailableError,
  EngineStoppedError,
} from './errors.js';
export { StoreInputError } from './store/errors.js';
export type * from './domain/types.js';
export type { Priority } from './domain/priority.js';
export type { Clock } from './util/clock.js';
export type { Logger } from './util/logger.js';
export type {
  ExchangeAdapter,
  AdapterFactory,
  AdapterInfo,
  RequestGate,
  BudgetSpec,
  PrivateStream,
  Page,
  TimeRange,
  PlaceOrderRequest,
} from './exchanges/adapter.js';
export type { Store, DatabaseConfig, StoredOrder, StoredExecution, StoredPosition, SyncRunRow } from './store/types.js';
export { startSimulator } from './simulator/index.js';
export type { SimulatorOptions, SimulatorHandle } from './simulator/index.js';
export { startServer } from './server/server.js';
export type { StartServerOptions, ServerHandle, ServerConfig, ServerTuning } from './server/server.js';
export { priceNodesOf, PriceNodes } from './pricenode/service.js';
export type { PriceNodeDeps, NodeSyncOutcome, NodeTestResult, DataStatus } from './pricenode/service.js';
export type { TickerRow, KlineRow, Timeframe, MarketStream, NodeStatusRow, SyncState } from './pricenode/types.js';
export type { NodeView } from './pricenode/node-view.js';
