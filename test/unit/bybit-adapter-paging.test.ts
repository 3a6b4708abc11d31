import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBybitAdapter } from '../../src/exchanges/bybit/index.js';
import { walkPages } from '../../src/exchanges/walk.js';
import type { OrderReport } from '../../src/domain/types.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { TestGate } from '../helpers/gate.js';

/**
 * Paging across settle coins. The simulator lists USDT perpetuals only, so this one path (one
 * opaque token over two Bybit cursor chains, USDT then USDC) is checked against a bare HTTP
 * peer that verifies each signature over the raw query and hands out percent-encoded cursors
 * the way Bybit does.
 */
const KEY = 'paging-test-key-1';
const SECRET = 'paging-test-secret-1';

function order(id: string, symbol: string): Record<string, unknown> {
  return {
    orderId: id, orderLinkId: '', symbol, side: 'Buy', orderType: 'Limit', price: '1', qty: '1', orderStatus: 'New',
    avgPrice: '', cumExecQty: '0', cumExecValue: '0', cumFeeDetail: {}, reduceOnly: false, createdTime: '1717000000000', updatedTime: '1717000000000',
  };
}

describe('bybit adapter: open orders across settle coins', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ settleCoin: string | null; cursor: string | null }> = [];
  // Two pages of USDT orders, one of USDC.
  const pages: Record<string, { list: unknown[]; next: string }> = {
    'USDT|': { list: [order('t1', 'BTCUSDT'), order('t2', 'ETHUSDT')], next: 'page_args%3Dt2%26symbol%3D1%26' },
    'USDT|page_args%3Dt2%26symbol%3D1%26': { list: [order('t3', 'BTCUSDT')], next: '' },
    'USDC|': { list: [order('c1', 'BTCPERP')], next: '' },
  };

  before(async () => {
    server = createServer((req, res) => {
      const raw = req.url!.split('?')[1] ?? '';
      const h = req.headers;
      const expected = createHmac('sha256', SECRET).update(`${h['x-bapi-timestamp']}${KEY}${h['x-bapi-recv-window']}${raw}`).digest('hex');
      const q = new URLSearchParams(raw);
      seen.push({ settleCoin: q.get('settleCoin'), cursor: q.get('cursor') });
      res.setHeader('content-type', 'application/json');
      if (h['x-bapi-api-key'] !== KEY || h['x-bapi-sign'] !== expected) {
        res.end(JSON.stringify({ retCode: 10004, retMsg: 'error sign!', result: {}, retExtInfo: {}, time: Date.now() }));
        return;
      }
      const page = pages[`${q.get('settleCoin')}|${q.get('cursor') ?? ''}`];
      if (!page || q.get('limit') !== '50' || q.get('category') !== 'linear') {
        res.end(JSON.stringify({ retCode: 10001, retMsg: 'params error', result: {}, retExtInfo: {}, time: Date.now() }));
        return;
      }
      res.end(JSON.stringify({ retCode: 0, retMsg: 'OK', result: { category: 'linear', list: page.list, nextPageCursor: page.next }, retExtInfo: {}, time: Date.now() }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('pages USDT then USDC under one opaque cursor, one call per page, cursors sent back intact', async () => {
    const gate = new TestGate();
    const adapter = createBybitAdapter({ id: 'a', credentials: { apiKey: KEY, apiSecret: SECRET } }, { baseUrl: url }, { gate, clock: systemClock, logger: silentLogger() });
    const got: OrderReport[] = [];
    for await (const items of walkPages((c) => adapter.openOrders({ symbols: ['BTCUSDT', 'BTCPERP', 'ETHUSDT'] }, c, { priority: 'hot' }))) got.push(...items);
    assert.deepEqual(got.map((o) => o.orderId), ['c1', 't1', 't2', 't3']);
    assert.deepEqual(seen, [
      { settleCoin: 'USDC', cursor: null },
      { settleCoin: 'USDT', cursor: null },
      { settleCoin: 'USDT', cursor: 'page_args%3Dt2%26symbol%3D1%26' },
    ]);
    assert.equal(gate.count('/v5/order/realtime'), 3);
  });
});
