import type { ServerContext } from '../context.js';
import { badRequest } from '../errors.js';
import { ingestEvent, type IngestResult } from '../ingest.js';
import type { Route } from '../router.js';

/**
 * Robot events over HTTP: one event `{ "event": "order.placed", "robotId": ... }` answers 202
 * (400 naming the field when refused); a batch `{ "events": [ ... ] }` answers 200 with one result
 * per event, in order, so one bad event never rejects the others (its field reads `events[3].robotId`).
 */
export function eventRoutes(c: ServerContext): Route[] {
  const { engine, metrics } = c;
  const count = (r: IngestResult) => metrics.ingested.inc({ transport: 'http', outcome: r.ok ? 'accepted' : 'rejected' });
  return [
    {
      method: 'POST',
      path: '/api/v1/events',
      write: true,
      handler: async (ctx) => {
        const body = await ctx.body();
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('body', 'an event object or { "events": [ ... ] }', body);
        const o = body as Record<string, unknown>;
        if (!('events' in o)) {
          const r = ingestEvent(engine, o);
          count(r);
          if (r.ok) return { status: 202, body: { ok: true } };
          const status = r.error.code === 'engine_stopped' ? 503 : 400;
          return { status, body: { error: r.error } };
        }
        const extra = Object.keys(o).find((k) => k !== 'events');
        if (extra) throw badRequest(extra, 'no other field beside "events" in a batch', o[extra]);
        const events = o.events;
        const max = c.options.maxBatchEvents;
        if (!Array.isArray(events) || events.length === 0 || events.length > max) throw badRequest('events', `a list of 1 to ${max} events`, events);
        const results = events.map((e, i) => {
          const r = ingestEvent(engine, e, { fieldPrefix: `events[${i}].` });
          count(r);
          return r;
        });
        const accepted = results.filter((r) => r.ok).length;
        return { status: 200, body: { accepted, rejected: results.length - accepted, results } };
      },
    },
  ];
}
