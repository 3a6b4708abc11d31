/**
 * The built-in exchange simulator: Bybit V5 (REST + private WS) and WEEX v2 (REST) wire formats
 * on one seeded matching engine, with faults, rate limits, ground truth and an admin API.
 */
export { startSimulator } from './simulator.js';
export { DEFAULT_BEHAVIOUR, DEFAULT_FAULTS, DEFAULT_LIMITS, SimulatorConfigError, resolveFaults } from './options.js';
export { CoreError as SimulatorOrderError } from './core/errors.js';
export type { CoreErrorCode as SimulatorOrderErrorCode } from './core/errors.js';
export type { JournalEntry } from './core/records.js';
export type {
  AccountSpec,
  BehaviourConfig,
  DirectCancelRequest,
  DirectOrderRequest,
  ExchangeName,
  FaultConfig,
  FaultFilter,
  GroundTruth,
  HistoryRequest,
  HistoryResult,
  LimitConfig,
  ScenarioRequest,
  ScenarioStatus,
  SimAccountInfo,
  SimulatorHandle,
  SimulatorInfo,
  SimulatorOptions,
  SimulatorStats,
  TruthPart,
  TruthQuery,
  TruthRow,
} from './types.js';
