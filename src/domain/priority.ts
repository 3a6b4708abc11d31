/** Job priorities, highest first. The queue and the limiter both order work by them. */
export const PRIORITIES = ['event', 'reconnect', 'manual', 'hot', 'idle', 'backfill'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** p-queue runs larger numbers first. */
export function queuePriority(p: Priority): number {
  return (PRIORITIES.length - PRIORITIES.indexOf(p)) * 10;
}

/** Bottleneck runs smaller numbers first (0..9, default 5). */
export function limiterPriority(p: Priority): number {
  return PRIORITIES.indexOf(p) + 1;
}

export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITIES.indexOf(a) <= PRIORITIES.indexOf(b) ? a : b;
}

export function isPriority(s: unknown): s is Priority {
  return typeof s === 'string' && (PRIORITIES as readonly string[]).includes(s);
}
