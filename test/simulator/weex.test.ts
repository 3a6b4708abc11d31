import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { hmacBase64, rawRequest, startTestSim, type RawResponse } from './helpers.js';

const SECRET = 'weex-sim-secret';
const TS = 1700000000000;

/** A WEEX v2 client in a few lines: signs ts + METHOD + path + ?query + body, base64. */
class WeexRaw {
  constructor(
    readonly sim: SimulatorHandle,
    readonly acct: { apiKey: string; apiSecret: string; passphrase?: string },
    readonly clock: () => number = () => sim.now(),
  ) {}

  headers(method: string, path: string, query: string, body: string, o: { ts?: string; omit?: string[]; override?: Record<string, string> } = {}): Record<string, string> {
    const ts = o.ts ?? String(this.clock());
    const h: Record<string, string> = {
      'ACCESS-KEY': this.acct.apiKey,
      'ACCESS-SIGN': hmacBase64(this.acct.apiSecret, ts + method + path + (query ? `?${query}` : '') + body),
      'ACCESS-TIMESTAMP': ts,
      'ACCESS-PASSPHRASE': this.acct.passphrase ?? '',
      'Content-Type': 'application/json',
      locale: 'en-US',
      ...o.override,
    };
    for (const k of o.omit ?? []) delete h[k];
    return h;
  }

  getRaw(path: string, query = '', o: Parameters<WeexRaw['headers']>[4] = {}): Promise<RawResponse> {
    return rawRequest(this.sim.url, 'GET', query ? `${path}?${query}` : path, { headers: this.headers('GET', path, query, '', o) });
  }

  async get(path: string, query = ''): Promise<any> {
    const r = await this.getRaw(path, query);
    return { status: r.status, body: JSON.parse(r.text), text: r.text };
  }

  async post(path: string, body: unknown): Promise<any> {
    const b = JSON.stringify(body);
    const r = await rawRequest(this.sim.url, 'POST', path, { body: b, headers: this.headers('POST', path, '', b) });
    return { status: r.status, body: JSON.parse(r.text), text: r.text };
  }
}

describe('simulator weex: v2 REST front', () => {
  describe('B.2 test vectors and authentication errors', () => {
    let sim: SimulatorHandle;
    let now = TS + 50;
    let c: WeexRaw;
    before(async () => {
      sim = await startTestSim({ exchange: 'weex', accounts: [{ apiKey: 'weex_0123456789abcdef', apiSecret: SECRET, passphrase: 'pass-phrase-1' }], now: () => now });
      c = new WeexRaw(sim, sim.accounts[0]!);
    });
    after(() => sim.close());

    it('the documented strings sign to the documented values', () => {
      assert.equal(hmacBase64(SECRET, `${TS}GET/capi/v2/order/fills?symbol=cmt_btcusdt&limit=100`), 'kubVatyvvuh6yLnwsie0TRYboa+FlZqOIWmk64/fQW8=');
      assert.equal(hmacBase64(SECRET, `${TS}POST/capi/v2/order/cancel_order{"orderId":"596471064624628269"}`), 'fgxtQ5xOCE8z9z4bgu8vIypDmM6eg0FM4NuT95hpaLw=');
    });

    it('accepts the GET vector and the POST vector (then answers the business error)', async () => {
      const base = { 'ACCESS-KEY': 'weex_0123456789abcdef', 'ACCESS-TIMESTAMP': String(TS), 'ACCESS-PASSPHRASE': 'pass-phrase-1', 'Content-Type': 'application/json' };
      const g = await rawRequest(sim.url, 'GET', '/capi/v2/order/fills?symbol=cmt_btcusdt&limit=100', { headers: { ...base, 'ACCESS-SIGN': 'kubVatyvvuh6yLnwsie0TRYboa+FlZqOIWmk64/fQW8=' } });
      assert.equal(g.status, 200, g.text);
      assert.deepEqual(JSON.parse(g.text), { list: [], nextFlag: false, totals: 0 });
      const p = await rawRequest(sim.url, 'POST', '/capi/v2/order/cancel_order', { body: '{"orderId":"596471064624628269"}', headers: { ...base, 'ACCESS-SIGN': 'fgxtQ5xOCE8z9z4bgu8vIypDmM6eg0FM4NuT95hpaLw=' } });
      const b = JSON.parse(p.text);
      assert.equal(b.code, '40768');
      assert.equal(b.data, null);
      assert.equal(typeof b.requestTime, 'number');
      assert.equal(typeof b.msg, 'string');
    });

    it('maps each header problem to its code', async () => {
      const path = '/capi/v2/order/current';
      const code = async (o: Parameters<WeexRaw['headers']>[4]) => JSON.parse((await c.getRaw(path, '', o)).text).code;
      assert.equal(await code({ omit: ['ACCESS-KEY'] }), '40001');
      assert.equal(await code({ omit: ['ACCESS-SIGN'] }), '40002');
      assert.equal(await code({ omit: ['ACCESS-TIMESTAMP'] }), '40003');
      assert.equal(await code({ omit: ['ACCESS-PASSPHRASE'] }), '40011');
      assert.equal(await code({ ts: String(TS).slice(0, 12) }), '40005');
      assert.equal(await code({ ts: String(now - 30_001) }), '40008');
      assert.equal(await code({ ts: String(now + 30_001) }), '40008');
      assert.equal(await code({ ts: String(now - 29_000) }), undefined, '29 s old is accepted');
      assert.equal(await code({ override: { 'Content-Type': 'text/plain' } }), '40007');
      assert.equal(await code({ omit: ['Content-Type'] }), '40007');
      assert.equal(await code({ override: { 'ACCESS-KEY': 'weex_nobody' } }), '40006');
      assert.equal(await code({ override: { 'ACCESS-PASSPHRASE': 'wrong' } }), '40012');
      assert.equal(await code({ override: { 'ACCESS-SIGN': 'AAAA' } }), '40009');
      const r = await c.getRaw('/capi/v2/order/current', '', { override: { 'ACCESS-SIGN': 'AAAA' } });
      assert.equal(r.status, 400);
    });

    it('signs the raw query: a re-encoded query is a different text', async () => {
      const ts = String(now);
      const sign = hmacBase64(SECRET, `${ts}GET/capi/v2/order/current?symbol=cmt_btcusdt`);
      const r = await c.getRaw('/capi/v2/order/current', 'symbol=cmt%5Fbtcusdt', { ts, override: { 'ACCESS-SIGN': sign } });
      assert.equal(JSON.parse(r.text).code, '40009');
    });
  });

  describe('trading and reads', () => {
    let sim: SimulatorHandle;
    let c: WeexRaw;
    // A clock that moves only when told: distinct times per order, ties only among one order's fills.
    let now = Date.now();
    before(async () => {
      sim = await startTestSim({ exchange: 'weex', accounts: 2, now: () => now });
      c = new WeexRaw(sim, sim.accounts[0]!);
    });
    after(() => sim.close());

    it('accounts carry passphrases; symbols are cmt_*', () => {
      assert.deepEqual(sim.symbols, ['cmt_btcusdt', 'cmt_ethusdt']);
      assert.match(sim.accounts[0]!.apiKey, /^weex_[0-9a-f]{32}$/);
      assert.ok(sim.accounts[0]!.passphrase);
      assert.ok(sim.info().accounts[0]!.passphrase);
    });

    it('placeOrder with numeric codes; current orders with limit/page; detail; cancel_order', async () => {
      const price = (Math.round(Number(sim.price('cmt_btcusdt')) * 0.8 * 10) / 10).toFixed(1);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await c.post('/capi/v2/order/placeOrder', { symbol: 'cmt_btcusdt', client_oid: `w-${i}`, size: '0.001', type: '1', order_type: '0', match_price: '0', price });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.client_oid, `w-${i}`);
        assert.match(r.body.order_id, /^\d{18}$/);
        assert.ok(BigInt(r.body.order_id) > 2n ** 53n);
        ids.push(r.body.order_id);
      }
      const all = await c.get('/capi/v2/order/current', 'symbol=cmt_btcusdt');
      assert.ok(Array.isArray(all.body));
      assert.deepEqual(all.body.map((o: any) => o.order_id), [...ids].reverse());
      const o = all.body[0];
      assert.equal(o.status, 'open');
      assert.equal(o.type, 'open_long');
      assert.equal(o.order_type, 'normal');
      assert.equal(o.size, '0.001000');
      assert.equal(o.symbol, 'cmt_btcusdt');
      const p1 = await c.get('/capi/v2/order/current', 'limit=2&page=1');
      assert.deepEqual(p1.body.map((x: any) => x.order_id), [ids[2], ids[1]]);
      assert.equal((await c.get('/capi/v2/order/current', 'limit=101')).body.code, '40020');
      const d = await c.get('/capi/v2/order/detail', `orderId=${ids[0]}`);
      assert.equal(d.body.client_oid, 'w-0');
      assert.equal((await c.get('/capi/v2/order/detail', 'orderId=1')).body.code, '40768');
      const x = await c.post('/capi/v2/order/cancel_order', { orderId: ids[0] });
      assert.equal(x.status, 200, x.text);
      assert.equal((await c.get('/capi/v2/order/detail', `orderId=${ids[0]}`)).body.status, 'canceled');
      const y = await c.post('/capi/v2/order/cancel_order', { clientOid: 'w-1' });
      assert.equal(y.status, 200);
      assert.equal((await c.post('/capi/v2/order/cancel_order', {})).body.code, '40913');
      assert.equal((await c.post('/capi/v2/order/placeOrder', { symbol: 'cmt_btcusdt', client_oid: 'w-2', size: '0.001', type: '1', match_price: '0', price })).body.code, '40786');
      assert.equal((await c.post('/capi/v2/order/placeOrder', { symbol: 'BTCUSDT', size: '0.001', type: '1', match_price: '1' })).body.code, '40020');
      assert.equal((await c.post('/capi/v2/order/placeOrder', { symbol: 'cmt_btcusdt', size: '0.001', type: '9', match_price: '1' })).body.code, '40020');
    });

    it('fills: int64 ids as raw JSON numbers above 2^53, newest first, limit <= 100, nextFlag/totals, time filters', async () => {
      const c2 = new WeexRaw(sim, sim.accounts[1]!);
      for (let i = 0; i < 6; i++) {
        now += 7;
        const r = await c2.post('/capi/v2/order/placeOrder', { symbol: 'cmt_ethusdt', size: '0.05', type: i % 2 ? 3 : 1, order_type: '0', match_price: '1' });
        assert.equal(r.status, 200, r.text);
      }
      const closeNone = await c2.post('/capi/v2/order/placeOrder', { symbol: 'cmt_btcusdt', size: '0.001', type: '3', match_price: '1' });
      assert.equal(closeNone.body.code, '40757', 'close without a position');
      const f = await c2.get('/capi/v2/order/fills', 'symbol=cmt_ethusdt&limit=4');
      assert.match(f.text, /"tradeId":\d{18},"orderId":\d{18},/);
      const ids = [...f.text.matchAll(/"tradeId":(\d+)/g)].map((m) => BigInt(m[1]!));
      assert.ok(ids.every((id) => id > 2n ** 53n));
      assert.notEqual(String(f.body.list[0].tradeId), String(ids[0]), 'JSON.parse loses the low digits: clients must not');
      assert.equal(f.body.list.length, 4);
      assert.equal(f.body.nextFlag, true);
      const all = await c2.get('/capi/v2/order/fills', 'symbol=cmt_ethusdt');
      assert.equal(f.body.totals, all.body.list.length);
      const times = all.body.list.map((x: any) => x.createdTime);
      for (let i = 1; i < times.length; i++) assert.ok(times[i] <= times[i - 1]);
      const row = all.body.list[all.body.list.length - 1];
      assert.equal(row.direction, 'OPEN_LONG');
      assert.equal(row.positionSide, 'LONG');
      assert.equal(row.orderSide, 'BUY');
      assert.equal(typeof row.createdTime, 'number');
      assert.ok(!('side' in row) && !('fillPrice' in row));
      assert.ok(all.body.list.some((x: any) => x.direction === 'CLOSE_LONG' && x.orderSide === 'SELL'));
      assert.equal((await c2.get('/capi/v2/order/fills', 'limit=101')).body.code, '40020');
      const window = await c2.get('/capi/v2/order/fills', `startTime=${times[0] + 1}`);
      assert.equal(window.body.totals, 0);
      // Paging the WEEX way: move endTime to the oldest time seen (inclusive, ties come back),
      // dedupe by tradeId; a page of nothing new steps below that time. Works while no single
      // ms holds more rows than `limit` (here: at most 3 fills per order, one order per ms).
      const seen = new Set<string>();
      let end = Number.MAX_SAFE_INTEGER;
      for (let i = 0; i < 40; i++) {
        const p = await c2.get('/capi/v2/order/fills', `symbol=cmt_ethusdt&limit=3&endTime=${end}`);
        const before = seen.size;
        for (const m of p.text.matchAll(/"tradeId":(\d+)/g)) seen.add(m[1]!);
        if (!p.body.nextFlag) break;
        const oldest = p.body.list[p.body.list.length - 1].createdTime;
        end = seen.size === before ? oldest - 1 : oldest;
      }
      assert.equal(seen.size, all.body.totals);
    });

    it('positions: allPosition / singlePosition; history with createDate within 90 days', async () => {
      const c2 = new WeexRaw(sim, sim.accounts[1]!);
      await c2.post('/capi/v2/order/placeOrder', { symbol: 'cmt_btcusdt', size: '0.002', type: '2', match_price: '1' });
      const all = await c2.get('/capi/v2/account/position/allPosition');
      assert.ok(Array.isArray(all.body));
      const btc = all.body.find((p: any) => p.symbol === 'cmt_btcusdt');
      assert.equal(btc.side, 'SHORT');
      assert.equal(btc.size, '0.002000');
      for (const k of ['open_value', 'cum_open_size', 'cum_close_size', 'unrealizePnl', 'liquidatePrice', 'created_match_sequence_id', 'updated_match_sequence_id']) assert.ok(k in btc, k);
      const single = await c2.get('/capi/v2/account/position/singlePosition', 'symbol=cmt_btcusdt');
      assert.equal(single.body.length, 1);
      assert.ok(!('unrealizePnl' in single.body[0]));
      assert.equal((await c2.get('/capi/v2/account/position/singlePosition', 'symbol=cmt_solusdt')).body.code, '40020');
      const h = await c2.get('/capi/v2/order/history', `symbol=cmt_ethusdt&pageSize=3&createDate=${sim.now() - 86_400_000}`);
      assert.equal(h.body.length, 3);
      assert.ok(h.body.every((o: any) => o.status === 'filled'));
      assert.equal((await c2.get('/capi/v2/order/history', `createDate=${sim.now() - 91 * 86_400_000}`)).body.code, '40020');
      assert.equal((await c2.get('/capi/v2/order/history', 'createDate=-5')).body.code, '40020');
      const older = await c2.get('/capi/v2/order/history', `symbol=cmt_ethusdt&endCreateDate=${Number(h.body[2].createTime) - 1}`);
      assert.ok(older.body.every((o: any) => Number(o.createTime) < Number(h.body[2].createTime)));
    });

    it('truth and the admin API speak WEEX ids (as strings) and symbols', async () => {
      const t = sim.truth({ accountId: sim.accounts[1]!.id });
      assert.ok(t.executions.every((e: any) => typeof e.tradeId === 'string' && BigInt(e.tradeId) > 2n ** 53n));
      assert.ok(t.orders.every((o: any) => o.symbol.startsWith('cmt_')));
      const direct = await sim.placeOrder(sim.accounts[0]!.id, { symbol: 'cmt_ethusdt', side: 'Buy', orderType: 'Market', qty: '0.01' });
      assert.equal(direct.status, 'filled');
      assert.equal(direct.type, 'open_long');
    });

    it('public extras: market time and ticker', async () => {
      const t = JSON.parse((await rawRequest(sim.url, 'GET', '/capi/v2/market/time')).text);
      assert.equal(typeof t.timestamp, 'number');
      const tk = JSON.parse((await rawRequest(sim.url, 'GET', '/capi/v2/market/ticker?symbol=cmt_btcusdt')).text);
      assert.equal(tk.symbol, 'cmt_btcusdt');
      assert.ok(Number(tk.last) > 0);
      const nf = await rawRequest(sim.url, 'GET', '/capi/v2/nothing');
      assert.equal(nf.status, 404);
      assert.equal(JSON.parse(nf.text).data, null);
    });
  });

  describe('rate limits, wrapper switch and faults', () => {
    it('weight budgets per UID and IP over the window, place/cancel per second: HTTP 429', async () => {
      const sim = await startTestSim({ exchange: 'weex', accounts: 2, limits: { weexUidWeight: 20, weexIpWeight: 60, weexOrderPerSec: 2 } });
      try {
        const c = new WeexRaw(sim, sim.accounts[0]!);
        const statuses: number[] = [];
        for (let i = 0; i < 5; i++) statuses.push((await c.getRaw('/capi/v2/order/fills')).status);
        assert.deepEqual(statuses, [200, 200, 200, 200, 429]);
        const r = JSON.parse((await c.getRaw('/capi/v2/order/fills')).text);
        assert.equal(r.code, '429');
        const c2 = new WeexRaw(sim, sim.accounts[1]!);
        const place = () => c2.post('/capi/v2/order/placeOrder', { symbol: 'cmt_ethusdt', size: '0.01', type: '1', match_price: '1' });
        assert.deepEqual([(await place()).status, (await place()).status, (await place()).status], [200, 200, 429]);
        // The IP budget (60) is shared by both accounts and runs out too.
        let ip429 = false;
        for (let i = 0; i < 40 && !ip429; i++) ip429 = (await c2.getRaw('/capi/v2/order/current')).status === 429;
        assert.ok(ip429);
        assert.ok(sim.stats().rateLimitAnswers >= 3);
      } finally {
        await sim.close();
      }
    });

    it('behaviour.weexWrapReads wraps read answers in {code:"00000",msg,requestTime,data}; faults apply', async () => {
      const sim = await startTestSim({ exchange: 'weex', behaviour: { weexWrapReads: true } });
      try {
        const c = new WeexRaw(sim, sim.accounts[0]!);
        const r = await c.get('/capi/v2/order/current');
        assert.equal(r.body.code, '00000');
        assert.equal(r.body.msg, 'success');
        assert.deepEqual(r.body.data, []);
        sim.setFaults({ rateLimitRate: 1 });
        assert.equal((await c.getRaw('/capi/v2/order/current')).status, 429);
        sim.setFaults({ rateLimitRate: 0, http5xxRate: 1 });
        assert.ok((await c.getRaw('/capi/v2/order/current')).status >= 500);
      } finally {
        await sim.close();
      }
    });

    it('fuzz: random requests never crash the front and always get JSON', async function () {
      this.timeout(30_000);
      const sim = await startTestSim({ exchange: 'weex', accounts: 1 });
      try {
        const c = new WeexRaw(sim, sim.accounts[0]!);
        const paths = ['/capi/v2/order/fills', '/capi/v2/order/current', '/capi/v2/order/detail', '/capi/v2/order/history', '/capi/v2/account/position/allPosition', '/capi/v2/account/position/singlePosition', '/capi/v2/order/placeOrder', '/capi/v2/order/cancel_order', '/capi/v2/x'];
        const text = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...paths), fc.constantFrom('GET', 'POST'), text, fc.oneof(text, fc.json({ maxDepth: 2 })), fc.boolean(), async (path, method, q, body, signed) => {
            const b = method === 'POST' ? body : '';
            const headers = signed ? c.headers(method, path, method === 'GET' ? q : '', b) : { 'content-type': 'application/json' };
            const r = await rawRequest(sim.url, method, method === 'GET' && q ? `${path}?${q}` : path, { headers, body: method === 'POST' ? b : undefined });
            assert.ok([200, 400, 404, 429].includes(r.status), `${r.status} ${r.text}`);
            assert.doesNotThrow(() => JSON.parse(r.text.replace(/:(\d{16,})/g, ':"$1"')));
          }),
          { numRuns: 300 },
        );
        assert.equal((await c.get('/capi/v2/order/current')).status, 200);
      } finally {
        await sim.close();
      }
    });
  });
});
