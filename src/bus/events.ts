import { EventEmitter } from 'eventemitter3';
import type { Priority } from '../domain/priority.js';
import type { ExchangeName } from '../domain/types.js';
import type { OrderChange, PositionChange, StoredExecution, StoredOrder, StoredPosition } from '../store/types.js';
import type { Logger } from '../util/logger.js';

/** Events robots send in (engine.emit, HTTP, WebSocket). Each triggers an immediate sync. */
export const INBOUND_EVENTS = ['order.placed', 'order.cancel_requested', 'position.opened', 'position.closed', 'manual.action'] as const;
export type InboundEventName = (typeof INBOUND_EVENTS)[number];

export interface RobotEvent {
  robotId: string;
  orderId?: string;
  orderLinkId?: string;
  symbol?: string;
  /** free text for manual.action */
  note?: string;
  /** when the robot emitted it (ms); defaults to receipt time */
  at?: number;
}

export type Tier = 'hot' | 'idle' | 'paused';

export interface SyncSummary {
  /** sync key, e.g. 'account:main' */
  key: string;
  accountId: string;
  robotIds: string[];
  reasons: string[];
  priority: Priority;
  mode: 'light' | 'full';
  ok: boolean;
  startedAt: number;
  finishedAt: number;
  queueWaitMs: number;
  apiCalls: number;
  orders: { inserted: number; updated: number; unchanged: number };
  executions: { inserted: number; unchanged: number };
  positions: { inserted: number; updated: number; unchanged: number };
  error?: string;
}

/** Events the engine sends out. Names read noun.verb; payloads are objects. */
export interface OutboundEvents {
  'order.changed': (e: { robotId: string | null; accountId: string; exchange: ExchangeName; before: StoredOrder | null; after: StoredOrder; committedAt: number }) => void;
  'fill.received': (e: { robotId: string | null; accountId: string; exchange: ExchangeName; execution: StoredExecution; committedAt: number }) => void;
  'position.changed': (e: { robotIds: string[]; accountId: string; exchange: ExchangeName; before: StoredPosition | null; after: StoredPosition; committedAt: number }) => void;
  'sync.completed': (e: SyncSummary) => void;
  'sync.failed': (e: SyncSummary & { error: string; retryInMs: number }) => void;
  'robot.tier_changed': (e: { robotId: string; accountId: string; from: Tier; to: Tier; at: number }) => void;
  'budget.exhausted': (e: { exchange: ExchangeName; scope: 'account' | 'ip'; bucket: string; accountId?: string; until: number; reason: string }) => void;
  'stream.state': (e: { accountId: string; exchange: ExchangeName; state: 'open' | 'closed'; reconnect?: boolean; reason?: string }) => void;
}
export type OutboundEventName = keyof OutboundEvents;
export const OUTBOUND_EVENTS: OutboundEventName[] = [
  'order.changed',
  'fill.received',
  'position.changed',
  'sync.completed',
  'sync.failed',
  'robot.tier_changed',
  'budget.exhausted',
  'stream.state',
];

export type { OrderChange, PositionChange };

/**
 * The outbound bus. A listener that throws is logged, never fatal: emitting goes through
 * safeEmit, which calls each listener on its own.
 */
export class EventBus extends EventEmitter<OutboundEvents> {
  constructor(private readonly logger: Logger) {
    super();
  }

  safeEmit<E extends OutboundEventName>(event: E, ...args: Parameters<OutboundEvents[E]>): void {
    for (const listener of this.listeners(event)) {
      try {
        const r = (listener as (...a: unknown[]) => unknown)(...args);
        if (r && typeof (r as Promise<unknown>).then === 'function') {
          (r as Promise<unknown>).then(undefined, (err) => this.#report(event, err));
        }
      } catch (err) {
        this.#report(event, err);
      }
    }
  }

  #report(event: string, err: unknown): void {
    this.logger.error('event listener threw', { event, error: err instanceof Error ? err.message : String(err) });
  }
}
