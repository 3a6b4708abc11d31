import assert from 'node:assert/strict';
import type { Credentials, ExchangeAdapter, Page, PrivateStream, TimeRange } from '../../src/exchanges/adapter.js';
import { splitWindows, walkPages } from '../../src/exchanges/walk.js';
import type { ExecutionReport, OrderReport, PositionReport } from '../../src/domain/types.js';
import { isZero } from '../../src/domain/types.js';
import { AuthError, ExchangeUnavailableError, RateLimitedError, RobosyncError } from '../../src/errors.js';
import type { SimulatorHandle, TruthRow } from '../../src/simulator/types.js';
import { TestGate } from '../helpers/gate.js';

/**
 * The adapter conformance suite: every exchange adapter runs it against the simulator of its
 * exchange, over real HTTP and WebSocket. Exchange-specific knowledge (field names of the
 * simulator's ground truth, page sizes, symbol spelling) comes from the environment the
 * adapter's test file builds; the assertions are the same for every adapter.
 *
 * The environment's simulator must have at least CONFORMANCE_ACCOUNTS accounts, fills that are
 * never partial (behaviour.partialFillRate 0, so one price move fills an order completely), and
 * an IP budget large enough for the whole suite (the IP ban has its own exchange-specific test).
 */
export interface ConformanceEnv {
  sim: SimulatorHandle;
  /** Builds an adapter for the simulator account at `account` (index into sim.accounts). */
  makeAdapter(o: AdapterOptions): ExchangeAdapter;
  /** The adapter's spelling of a simulator symbol (Bybit: the same; WEEX: cmt_btcusdt -> BTCUSDT). */
  symbolOf(simSymbol: string): string;
  /** Page sizes the adapter asks for, to size data sets that need at least 3 pages. */
  pageSize: { openOrders: number; orderHistory: number; executions: number; closedPnl: number };
  /** Natural keys of the simulator's ground-truth rows (exchange wire field names). */
  truthKey: {
    order(row: TruthRow): string;
    execution(row: TruthRow): string;
    executionType(row: TruthRow): string;
    executionOrderId(row: TruthRow): string;
    closedPnl(row: TruthRow): string;
  };
  /** Whether the exchange lists Funding rows among executions (default true; WEEX fills: false). */
  fundingInExecutions?: boolean;
  /** An order id the exchange does not know, in its id format (default a UUID, Bybit's format). */
  unknownOrderId?: string;
  close(): Promise<void>;
}

export interface AdapterOptions {
  account: number;
  gate: TestGate;
  credentials?: Partial<Credentials>;
  timeoutMs?: number;
  /** ExchangeEndpoints.options (stream heartbeat and backoff knobs). */
  options?: Record<string, unknown>;
}

/** Accounts the suite uses, one job each, so tests do not see each other's orders. */
const ACCOUNT = { openOrders: 0, history: 1, lifecycle: 2, stream: 3, faults: 4, auth: 5 } as const;
export const CONFORMANCE_ACCOUNTS = 6;

const DAY = 86_400_000;
const HISTORY_DAYS = 20;
const P = { priority: 'hot' } as const;

/**
 * What the exchange offers; tests of what it does not offer are not registered at all (rather
 * than skipped), and one test checks the adapter declares exactly these.
 */
export interface ConformanceCapabilities {
  privateStream: boolean;
  closedPnl: boolean;
}

export function runAdapterConformance(
  name: string,
  setup: () => Promise<ConformanceEnv>,
  caps: ConformanceCapabilities = { privateStream: true, closedPnl: true },
): void {
  const itIf = (cond: boolean) => (cond ? it : () => undefined);
  describe(`adapter conformance: ${name}`, function () {
    this.timeout(20_000);
    let env: ConformanceEnv;
    let sim: SimulatorHandle;
    const ids: string[] = [];
    const simSymbols: string[] = [];
    let historyRange: TimeRange;
    let historyTruth: { execIds: Set<string>; fundingIds: Set<string>; filledOrderIds: Set<string>; closedPnlKeys: Set<string> };

    before(async function () {
      this.timeout(30_000);
      env = await setup();
      sim = env.sim;
      assert.ok(sim.accounts.length >= CONFORMANCE_ACCOUNTS, `the simulator needs at least ${CONFORMANCE_ACCOUNTS} accounts`);
      ids.push(...sim.accounts.map((a) => a.id));
      simSymbols.push(...sim.symbols);
      // Enough history for >= 3 pages per 7-day window of executions across 3 windows.
      const end = sim.now() - 60_000;
      const perWindow = env.pageSize.executions * 2 + 20;
      sim.generateHistory({ accountId: ids[ACCOUNT.history]!, days: HISTORY_DAYS, executions: perWindow * 3, endAt: end });
      historyRange = { start: end - (HISTORY_DAYS + 1) * DAY, end: end + 1 };
      const t = sim.truth({ accountId: ids[ACCOUNT.history]! });
      const k = env.truthKey;
      const listed = env.fundingInExecutions === false ? t.executions.filter((r) => k.executionType(r) !== 'Funding') : t.executions;
      historyTruth = {
        execIds: new Set(listed.map(k.execution)),
        fundingIds: new Set(t.executions.filter((r) => k.executionType(r) === 'Funding').map(k.execution)),
        filledOrderIds: new Set(t.executions.filter((r) => k.executionType(r) !== 'Funding').map(k.executionOrderId)),
        closedPnlKeys: new Set(t.closedPnl.map(k.closedPnl)),
      };
    });

    after(async () => {
      await env?.close();
    });

    afterEach(() => {
      sim?.setFaults({ latencyMs: 0, latencyJitterMs: 0, http5xxRate: 0, timeoutRate: 0, rateLimitRate: 0, malformedRate: 0, wsDropEveryMs: 0, wsDropMessageRate: 0, wsDuplicateFilledRate: 0, clockSkewMs: 0, historyLagMs: 0, only: null as never });
    });

    function adapter(account: number, o: Partial<AdapterOptions> = {}): { adapter: ExchangeAdapter; gate: TestGate } {
      const gate = o.gate ?? new TestGate();
      return { adapter: env.makeAdapter({ account, gate, ...o }), gate };
    }

    describe('info', () => {
      it('describes windows, floor, streams and consistent budgets', () => {
        const { adapter: a } = adapter(0);
        assert.ok(a.info.maxWindowMs === null || a.info.maxWindowMs > 0);
        assert.ok(a.info.historyFloorMs >= DAY);
        assert.ok(a.info.streams.includes('executions') && a.info.streams.includes('orders'));
        const { buckets, endpoints } = a.info.budgets;
        assert.ok(Object.keys(endpoints).length > 0);
        for (const [endpoint, weights] of Object.entries(endpoints)) {
          for (const [bucket, w] of Object.entries(weights)) {
            assert.ok(buckets[bucket], `${endpoint}: unknown bucket ${bucket}`);
            assert.ok(w > 0 && w <= buckets[bucket]!.limit, `${endpoint}: weight ${w} does not fit ${bucket}`);
          }
        }
      });
    });

    describe('open orders', () => {
      const placed = new Set<string>();
      before(async () => {
        // Resting buys far below the market: > 3 pages worth, placed directly (no REST budget).
        const n = env.pageSize.openOrders * 3 + 7;
        const acct = ids[ACCOUNT.openOrders]!;
        for (let i = 0; i < n; i++) {
          const symbol = simSymbols[i % simSymbols.length]!;
          const row = await sim.placeOrder(acct, { symbol, side: 'Buy', orderType: 'Limit', qty: minQty(symbol), price: farBelow(sim, symbol), orderLinkId: `conf-${i}` });
          placed.add(env.truthKey.order(row));
        }
      });

      it('pages through every open order (>= 3 pages), each exactly once, one call per page', async () => {
        const { adapter: a, gate } = adapter(ACCOUNT.openOrders);
        const { items, pages } = await collect((c) => a.openOrders({ symbols: simSymbols.map(env.symbolOf) }, c, P));
        assert.ok(pages >= 3, `only ${pages} page(s)`);
        assertOnce(items.map((o) => o.orderId), placed);
        for (const o of items) assert.ok(o.status === 'New' || o.status === 'PartiallyFilled' || o.status === 'Untriggered', o.status);
        assert.equal(gate.count(), pages, 'every call is one page, no hidden extra calls');
      });

      it('lists the account with no symbol filter too', async () => {
        const { adapter: a } = adapter(ACCOUNT.openOrders);
        const { items } = await collect((c) => a.openOrders({ symbols: [] }, c, P));
        assertOnce(items.map((o) => o.orderId), placed);
      });

      it('replays a page identically (same cursor -> same reports)', async () => {
        const { adapter: a } = adapter(ACCOUNT.openOrders);
        const q = { symbols: simSymbols.map(env.symbolOf) };
        const first = await a.openOrders(q, null, P);
        assert.ok(first.next);
        const second1 = await a.openOrders(q, first.next, P);
        const second2 = await a.openOrders(q, first.next, P);
        assert.deepEqual(second1, second2);
        assert.deepEqual(await a.openOrders(q, null, P), first);
      });

      it('survives spurious rate-limit answers without losing an order (the gate retries)', async () => {
        const gate = new TestGate({ rateLimitRetries: 50, maxWaitMs: 20 });
        const { adapter: a } = adapter(ACCOUNT.openOrders, { gate });
        sim.setFaults({ rateLimitRate: 0.4, only: { accounts: [ids[ACCOUNT.openOrders]!] } });
        const { items } = await collect((c) => a.openOrders({ symbols: simSymbols.map(env.symbolOf) }, c, P));
        assertOnce(items.map((o) => o.orderId), placed);
        assert.ok(gate.rateLimited > 0, 'the simulator never answered rate-limited');
      });

      it('survives a real per-account burst over the exchange limit without losing an answer', async () => {
        const gate = new TestGate({ rateLimitRetries: 50, maxWaitMs: 1_100 });
        const { adapter: a } = adapter(ACCOUNT.openOrders, { gate });
        const q = { symbols: simSymbols.map(env.symbolOf) };
        const first = await a.openOrders(q, null, P);
        const endpoint = [...gate.calls.keys()][0]!;
        const weights = a.info.budgets.endpoints[endpoint]!;
        const bucket = Object.keys(weights).find((b) => a.info.budgets.buckets[b]!.scope === 'account')!;
        const limit = Math.floor(a.info.budgets.buckets[bucket]!.limit / weights[bucket]!);
        const burst = await Promise.all(Array.from({ length: limit + 10 }, () => a.openOrders(q, null, P)));
        for (const page of burst) assert.deepEqual(page.items.map((o) => o.orderId), first.items.map((o) => o.orderId));
        assert.ok(gate.rateLimited > 0, `a burst of ${limit + 10} never hit the limit of ${limit}`);
      });
    });

    describe('history windows', () => {
      it('refuses a range longer than maxWindowMs before calling the exchange', async () => {
        const { adapter: a, gate } = adapter(ACCOUNT.history);
        if (a.info.maxWindowMs === null) return;
        const range = { start: 0, end: a.info.maxWindowMs + 1 };
        await assert.rejects(a.executions({ range }, null, P), (e: unknown) => e instanceof Error && !(e instanceof RobosyncError));
        await assert.rejects(a.orderHistory({ range }, null, P));
        await assert.rejects(a.closedPnl({ range }, null, P));
        assert.equal(gate.count(), 0);
      });

      it('walks executions over several windows (>= 3 pages each): every fill and Funding row once', async () => {
        const { adapter: a } = adapter(ACCOUNT.history);
        const windows = splitWindows(historyRange, a.info.maxWindowMs, 'newest-first');
        assert.ok(a.info.maxWindowMs === null || windows.length >= 3, `${windows.length} windows`);
        const all: ExecutionReport[] = [];
        let maxPages = 0;
        for (const range of windows) {
          const { items, pages } = await collect((c) => a.executions({ range }, c, P));
          maxPages = Math.max(maxPages, pages);
          for (const e of items) assert.ok(e.execTime >= range.start && e.execTime <= range.end, 'row outside its window');
          all.push(...items);
        }
        assert.ok(maxPages >= 3, `at most ${maxPages} page(s) per window`);
        assertOnce(all.map((e) => e.execId), historyTruth.execIds);
        const funding = all.filter((e) => e.execType === 'Funding');
        if (env.fundingInExecutions === false) assert.equal(funding.length, 0, 'Funding rows from an exchange that lists none');
        else {
          assert.ok(funding.length > 0, 'no Funding rows');
          assert.deepEqual(new Set(funding.map((e) => e.execId)), historyTruth.fundingIds);
        }
        for (const e of all) {
          assert.match(e.qty, /^-?\d+(\.\d+)?$/);
          assert.ok(Number.isInteger(e.execTime));
        }
      });

      it('walks order history over several windows (>= 3 pages somewhere): every filled order', async () => {
        const { adapter: a } = adapter(ACCOUNT.history);
        const all: OrderReport[] = [];
        let maxPages = 0;
        for (const range of splitWindows(historyRange, a.info.maxWindowMs, 'oldest-first')) {
          const { items, pages } = await collect((c) => a.orderHistory({ range }, c, P));
          maxPages = Math.max(maxPages, pages);
          all.push(...items);
        }
        assert.ok(maxPages >= 3, `at most ${maxPages} page(s) per window`);
        const got = all.map((o) => o.orderId);
        assert.equal(new Set(got).size, got.length, 'an order came twice');
        for (const id of historyTruth.filledOrderIds) assert.ok(got.includes(id), `filled order ${id} missing`);
        for (const o of all) assert.ok(['Filled', 'Cancelled', 'PartiallyFilledCanceled', 'Rejected', 'Deactivated'].includes(o.status) || !isZero(o.cumExecQty));
      });

      itIf(caps.closedPnl)('walks closed PnL over several windows: every row once', async function () {
        const { adapter: a } = adapter(ACCOUNT.history);
        const keys: string[] = [];
        for (const range of splitWindows(historyRange, a.info.maxWindowMs, 'newest-first')) {
          const { items } = await collect((c) => a.closedPnl({ range }, c, P));
          for (const r of items) keys.push(`${r.orderId}`);
        }
        assertOnce(keys, historyTruth.closedPnlKeys);
      });

      it('replays an executions page identically', async () => {
        const { adapter: a } = adapter(ACCOUNT.history);
        const range = splitWindows(historyRange, a.info.maxWindowMs, 'newest-first')[0]!;
        const p1 = await a.executions({ range }, null, P);
        assert.ok(p1.next, 'expected a second page');
        const a1 = await a.executions({ range }, p1.next, P);
        const a2 = await a.executions({ range }, p1.next, P);
        assert.deepEqual(a1, a2);
        assert.deepEqual(await a.executions({ range }, null, P), p1);
      });
    });

    describe('faults', () => {
      // Rates high enough that a walk over every window (a dozen calls or more) meets the fault.
      const faultCases: Array<{ kind: string; faults: Record<string, number>; timeoutMs?: number }> = [
        { kind: 'latency', faults: { latencyMs: 30, latencyJitterMs: 20 } },
        { kind: 'HTTP 5xx', faults: { http5xxRate: 0.4 } },
        { kind: 'timeouts', faults: { timeoutRate: 0.3 }, timeoutMs: 250 },
        { kind: 'malformed JSON', faults: { malformedRate: 0.4 } },
        { kind: 'rate-limit answers', faults: { rateLimitRate: 0.4 } },
      ];
      for (const fc of faultCases) {
        it(`survives ${fc.kind}: the errors are retryable and every execution still arrives once`, async () => {
          const gate = new TestGate({ rateLimitRetries: 50, maxWaitMs: 20 });
          const { adapter: a } = adapter(ACCOUNT.history, { gate, timeoutMs: fc.timeoutMs });
          const windows = splitWindows(historyRange, a.info.maxWindowMs, 'newest-first');
          sim.setFaults({ ...fc.faults, only: { accounts: [ids[ACCOUNT.history]!] } });
          const errors: Error[] = [];
          const got: string[] = [];
          for (const range of windows) {
            const { items } = await collect((c) => a.executions({ range }, c, P), errors);
            got.push(...items.map((e) => e.execId));
          }
          assertOnce(got, historyTruth.execIds);
          for (const e of errors) assert.ok(e instanceof ExchangeUnavailableError || e instanceof RateLimitedError, `${e.name}: ${e.message}`);
          if (fc.kind !== 'latency') assert.ok(errors.length > 0 || gate.rateLimited > 0, 'the fault never struck');
        });
      }

      it('maps clock skew to a clear error that says so', async () => {
        const { adapter: a } = adapter(ACCOUNT.faults);
        sim.setFaults({ clockSkewMs: -60_000 });
        await assert.rejects(a.openOrders({ symbols: [] }, null, P), (e: unknown) => {
          assert.ok(e instanceof RobosyncError && !(e instanceof ExchangeUnavailableError), `got ${String(e)}`);
          assert.match(e.message, /clock/i);
          return true;
        });
      });

      it('order(): a 5xx throws ExchangeUnavailableError, never null (DESIGN invariant 5)', async () => {
        const { adapter: a } = adapter(ACCOUNT.faults);
        const symbol = simSymbols[0]!;
        const row = await sim.placeOrder(ids[ACCOUNT.faults]!, { symbol, side: 'Buy', orderType: 'Limit', qty: minQty(symbol), price: farBelow(sim, symbol) });
        sim.setFaults({ http5xxRate: 1, only: { accounts: [ids[ACCOUNT.faults]!] } });
        await assert.rejects(a.order({ orderId: env.truthKey.order(row), symbol: env.symbolOf(symbol) }, P), ExchangeUnavailableError);
        await assert.rejects(a.order({ orderId: 'no-such-order', symbol: env.symbolOf(symbol) }, P), ExchangeUnavailableError);
      });

      it('order(): a timeout throws ExchangeUnavailableError, never null', async () => {
        const { adapter: a } = adapter(ACCOUNT.faults, { timeoutMs: 200 });
        sim.setFaults({ timeoutRate: 1, only: { accounts: [ids[ACCOUNT.faults]!] } });
        await assert.rejects(a.order({ orderId: 'no-such-order', symbol: env.symbolOf(simSymbols[0]!) }, P), ExchangeUnavailableError);
      });

      it('order(): a malformed answer throws ExchangeUnavailableError, never null', async () => {
        const { adapter: a } = adapter(ACCOUNT.faults);
        sim.setFaults({ malformedRate: 1, only: { accounts: [ids[ACCOUNT.faults]!] } });
        await assert.rejects(a.order({ orderId: 'no-such-order', symbol: env.symbolOf(simSymbols[0]!) }, P), ExchangeUnavailableError);
      });
    });

    describe('auth', () => {
      it('maps a wrong secret to AuthError without the key or secret in the message', async () => {
        const acct = sim.accounts[ACCOUNT.auth]!;
        const secret = `wrong-${acct.apiSecret}`;
        const { adapter: a } = adapter(ACCOUNT.auth, { credentials: { apiSecret: secret } });
        await assert.rejects(a.openOrders({ symbols: [] }, null, P), (e: unknown) => {
          assert.ok(e instanceof AuthError, String(e));
          for (const s of [acct.apiKey, acct.apiSecret, secret]) assert.ok(!e.message.includes(s) && !String(e.stack).includes(s), 'secret leaked');
          return true;
        });
      });

      it('maps an unknown key to AuthError', async () => {
        const { adapter: a } = adapter(ACCOUNT.auth, { credentials: { apiKey: 'unknown-key-123456' } });
        await assert.rejects(a.executions({ range: { start: Date.now() - DAY, end: Date.now() } }, null, P), AuthError);
      });
    });

    describe('order lifecycle', () => {
      it('places, finds, fills, reports fills and positions, closes', async () => {
        const { adapter: a } = adapter(ACCOUNT.lifecycle);
        const simSymbol = simSymbols[0]!;
        const symbol = env.symbolOf(simSymbol);
        const price = farBelow(sim, simSymbol);
        const qty = minQty(simSymbol, 5);
        const t0 = sim.now() - 1_000;
        const placed = await a.placeOrder({ symbol, side: 'Buy', orderType: 'Limit', qty, price, orderLinkId: 'conf-life-1' }, P);
        assert.equal(placed.orderLinkId, 'conf-life-1');
        const open = await a.order({ orderId: placed.orderId, symbol }, P);
        assert.equal(open?.status, 'New');
        assert.equal(open?.orderLinkId, 'conf-life-1');
        assert.equal(open?.avgPrice, '0');

        sim.setPrice(simSymbol, lower(price));
        const filled = await a.order({ orderId: placed.orderId, symbol }, P);
        assert.equal(filled?.status, 'Filled');
        assert.equal(Number(filled!.cumExecQty), Number(qty));
        assert.ok(Number(filled!.avgPrice) > 0);

        const execs = await collect((c) => a.executions({ range: { start: t0, end: sim.now() + 1_000 } }, c, P));
        const mine = execs.items.filter((e) => e.orderId === placed.orderId);
        assert.ok(mine.length >= 1);
        assert.equal(mine.reduce((s, e) => s + Number(e.qty), 0).toFixed(8), Number(qty).toFixed(8));

        const positions = await collect((c) => a.positions({ symbols: [symbol] }, c, P));
        const pos = positions.items.find((p) => p.symbol === symbol);
        assert.ok(pos && pos.side === 'Buy' && Number(pos.size) === Number(qty), JSON.stringify(pos?.size));
        const one = await a.position({ symbol }, P);
        assert.ok(one.some((p) => p.side === 'Buy' && Number(p.size) === Number(qty)));

        // Close it: positions() lists no zero rows, position() still answers the flat row.
        await a.placeOrder({ symbol, side: 'Sell', orderType: 'Market', qty, reduceOnly: true }, P);
        const after = await collect((c) => a.positions({ symbols: [symbol] }, c, P));
        assert.ok(!after.items.some((p) => p.symbol === symbol), 'flat position listed');
        const flat = await a.position({ symbol }, P);
        assert.ok(flat.length >= 1 && flat.every((p: PositionReport) => isZero(p.size) && p.side === ''));
        if (a.info.streams.includes('closed_pnl')) {
          const pnl = await collect((c) => a.closedPnl({ range: { start: t0, end: sim.now() + 1_000 } }, c, P));
          assert.ok(pnl.items.length >= 1, 'no closed PnL row');
        }
      });

      it('cancels; order() then reports Cancelled; an unknown order is null', async () => {
        const { adapter: a } = adapter(ACCOUNT.lifecycle);
        const simSymbol = simSymbols[1 % simSymbols.length]!;
        const symbol = env.symbolOf(simSymbol);
        const placed = await a.placeOrder({ symbol, side: 'Buy', orderType: 'Limit', qty: minQty(simSymbol), price: farBelow(sim, simSymbol) }, P);
        await a.cancelOrder({ symbol, orderId: placed.orderId }, P);
        const o = await a.order({ orderId: placed.orderId, symbol }, P);
        assert.equal(o?.status, 'Cancelled');
        assert.equal(await a.order({ orderId: env.unknownOrderId ?? '00000000-0000-0000-0000-000000000000', symbol }, P), null);
      });
    });

    it('declares exactly the capabilities this suite was told it has', () => {
      const { adapter: a } = adapter(ACCOUNT.history);
      assert.equal(a.info.privateStream && typeof a.openStream === 'function', caps.privateStream);
      assert.equal(a.info.streams.includes('closed_pnl'), caps.closedPnl);
    });

    (caps.privateStream ? describe : () => undefined)('private stream', () => {
      let stream: PrivateStream | null = null;
      afterEach(async () => {
        await stream?.stop();
        stream = null;
      });

      function open(o: Partial<AdapterOptions> = {}): PrivateStream | null {
        const { adapter: a } = adapter(ACCOUNT.stream, { options: { heartbeatMs: 100, reconnectMinMs: 20, reconnectMaxMs: 100 }, ...o });
        if (!a.info.privateStream || !a.openStream) return null;
        stream = a.openStream();
        return stream;
      }

      it('opens, pushes a fill as orders + executions, and heartbeats', async function () {
        const s = open();
        assert.ok(s, 'the adapter opens a private stream');
        const opened = waitFor(s, 'open');
        const hb = waitFor<number>(s, 'heartbeat');
        const t = Date.now();
        s.start();
        assert.deepEqual(await opened, { reconnect: false });
        const at = await hb;
        assert.ok(at >= t && at <= Date.now(), 'heartbeat(at) is the local time its ping was sent');

        const simSymbol = simSymbols[0]!;
        const price = farBelow(sim, simSymbol);
        const orders: OrderReport[] = [];
        const execs: ExecutionReport[] = [];
        s.on('orders', (o) => orders.push(...o));
        s.on('executions', (e) => execs.push(...e));
        const row = await sim.placeOrder(ids[ACCOUNT.stream]!, { symbol: simSymbol, side: 'Buy', orderType: 'Limit', qty: minQty(simSymbol), price });
        const orderId = env.truthKey.order(row);
        sim.setPrice(simSymbol, lower(price));
        await until(() => orders.some((o) => o.orderId === orderId && o.status === 'Filled') && execs.some((e) => e.orderId === orderId));
        // Close the position so later runs start flat.
        await sim.placeOrder(ids[ACCOUNT.stream]!, { symbol: simSymbol, side: 'Sell', orderType: 'Market', qty: minQty(simSymbol), reduceOnly: true });
      });

      it('passes duplicate Filled pushes through', async function () {
        const s = open();
        assert.ok(s, 'the adapter opens a private stream');
        const opened = waitFor(s, 'open');
        s.start();
        await opened;
        sim.setFaults({ wsDuplicateFilledRate: 1, only: { accounts: [ids[ACCOUNT.stream]!] } });
        const filled: OrderReport[] = [];
        s.on('orders', (o) => filled.push(...o.filter((x) => x.status === 'Filled')));
        const simSymbol = simSymbols[0]!;
        const price = farBelow(sim, simSymbol);
        const row = await sim.placeOrder(ids[ACCOUNT.stream]!, { symbol: simSymbol, side: 'Buy', orderType: 'Limit', qty: minQty(simSymbol), price });
        sim.setPrice(simSymbol, lower(price));
        await until(() => filled.filter((o) => o.orderId === env.truthKey.order(row)).length >= 2);
        await sim.placeOrder(ids[ACCOUNT.stream]!, { symbol: simSymbol, side: 'Sell', orderType: 'Market', qty: minQty(simSymbol), reduceOnly: true });
      });

      it('reconnects after a WS drop and says open({reconnect:true})', async function () {
        const s = open();
        assert.ok(s, 'the adapter opens a private stream');
        const opened = waitFor(s, 'open');
        s.start();
        await opened;
        sim.setFaults({ wsDropEveryMs: 200, only: { accounts: [ids[ACCOUNT.stream]!] } });
        const closed = waitFor<{ reason: string }>(s, 'close', 3_000);
        const again = waitFor<{ reconnect: boolean }>(s, 'open', 3_000);
        await closed;
        assert.deepEqual(await again, { reconnect: true });
      });

      it('stop() closes and stays closed', async function () {
        const s = open();
        assert.ok(s, 'the adapter opens a private stream');
        const opened = waitFor(s, 'open');
        s.start();
        await opened;
        await s.stop();
        assert.equal(s.connected, false);
        let reopened = false;
        s.on('open', () => (reopened = true));
        await new Promise((r) => setTimeout(r, 250));
        assert.equal(reopened, false);
      });
    });
  });
}

/**
 * Walks every page, retrying a page (same cursor) on answers the engine would retry: what the
 * engine does, and what shows a fault lost nothing.
 */
async function collect<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, errors: Error[] = []): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  const retrying = async (cursor: string | null): Promise<Page<T>> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fetchPage(cursor);
      } catch (err) {
        if (attempt >= 40 || !(err instanceof ExchangeUnavailableError || err instanceof RateLimitedError)) throw err;
        errors.push(err);
      }
    }
  };
  for await (const page of walkPages(retrying, { onPage: () => pages++ })) items.push(...page);
  return { items, pages };
}

function assertOnce(got: string[], expected: Set<string>): void {
  const seen = new Set<string>();
  for (const id of got) {
    assert.ok(!seen.has(id), `${id} came twice`);
    seen.add(id);
  }
  const missing = [...expected].filter((id) => !seen.has(id));
  const extra = [...seen].filter((id) => !expected.has(id));
  assert.deepEqual({ missing: missing.length, extra: extra.length }, { missing: 0, extra: 0 }, `missing ${missing.slice(0, 3).join(',')} extra ${extra.slice(0, 3).join(',')}`);
}

const MIN_QTY: Record<string, string> = { BTCUSDT: '0.001', ETHUSDT: '0.01', SOLUSDT: '0.1' };
function minQty(symbol: string, times = 1): string {
  // Simulator symbols are in the exchange's spelling (WEEX: cmt_btcusdt).
  const q = MIN_QTY[symbol] ?? MIN_QTY[symbol.replace(/^[a-z]+_/, '').toUpperCase()] ?? '1';
  const decimals = q.includes('.') ? q.split('.')[1]!.length : 0;
  return (Number(q) * times).toFixed(decimals);
}

/** 30 % under the market, on a coarse tick every symbol accepts. */
function farBelow(sim: SimulatorHandle, symbol: string): string {
  return roundPrice(Number(sim.price(symbol)) * 0.7);
}

function lower(price: string): string {
  return roundPrice(Number(price) * 0.98);
}

function roundPrice(p: number): string {
  return p >= 100 ? p.toFixed(1) : p >= 1 ? p.toFixed(2) : p.toFixed(4);
}

function waitFor<T = unknown>(s: PrivateStream, event: 'open' | 'close' | 'heartbeat', timeoutMs = 3_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${timeoutMs} ms`)), timeoutMs);
    (s as unknown as { once(e: string, f: (v: T) => void): void }).once(event, (v: T) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}

async function until(cond: () => boolean, timeoutMs = 3_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
