import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type ServerHandle } from '../../src/server/server.js';
import { silentLogger } from '../../src/util/logger.js';
import { TOKEN, call, startServerRig, type ServerRig } from './helpers.js';

/**
 * The dashboard in real headless Chromium (Debian's /usr/bin/chromium through playwright-core).
 * No skipping: without the browser this fails and says how to install it.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = 'test-artifacts';

describe('dashboard (assets and headless Chromium)', function () {
  this.timeout(60_000);
  let rig: ServerRig;
  let open: ServerHandle;
  let context: BrowserContext;
  let profile: string;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with "apt-get install -y chromium" (the CI script does); this test does not skip`);
    rig = await startServerRig({ tuning: { statsIntervalMs: 250 } });
    // A second server on the same engine, without a token (loopback): buttons work without one.
    open = await startServer({ engine: rig.engine, config: { host: '127.0.0.1', port: 0, token: undefined }, logger: silentLogger(), tuning: { statsIntervalMs: 250 } });
    profile = mkdtempSync(join(tmpdir(), 'robosync-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1400, height: 1000 } });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    await open?.close();
    await rig?.close();
  });

  describe('assets over HTTP', () => {
    it('serves the page with its content type, CSP and revalidation headers, and 304 when unchanged', async () => {
      const r = await call(rig.url, 'GET', '/');
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^text\/html; charset=utf-8/);
      assert.equal(r.headers.get('cache-control'), 'no-cache');
      assert.match(r.headers.get('content-security-policy')!, /default-src 'self'/);
      assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
      const etag = r.headers.get('etag')!;
      assert.ok(etag);
      const again = await fetch(rig.url + '/', { headers: { 'if-none-match': etag } });
      assert.equal(again.status, 304);
      assert.equal(await again.text(), '');
      for (const [name, type] of [['app.js', /^text\/javascript/], ['charts.js', /^text\/javascript/], ['style.css', /^text\/css/], ['favicon.svg', /^image\/svg\+xml/]] as const) {
        const a = await call(rig.url, 'GET', `/assets/${name}`);
        assert.equal(a.status, 200, name);
        assert.match(a.headers.get('content-type')!, type);
      }
    });

    it('serves only its own files: unknown names and path tricks are 404', async () => {
      for (const p of ['/assets/nope.js', '/assets/..%2Fserver.ts', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/assets/']) {
        const r = await call(rig.url, 'GET', p);
        assert.equal(r.status, 404, p);
        assert.equal(r.json.error.code, 'not_found');
      }
    });

    it('loads nothing from the internet', async () => {
      for (const name of ['/', '/assets/app.js', '/assets/charts.js', '/assets/style.css']) {
        const r = await call(rig.url, 'GET', name);
        assert.doesNotMatch(r.text, /https?:\/\/(?!www\.w3\.org)/, name);
      }
    });
  });

  describe('in Chromium', () => {
    const problems: string[] = [];
    const watch = (page: Page) => {
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        // The refused WebSocket (401 before the token is pasted) is expected and logged by Chromium itself.
        if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text()) && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
      });
    };
    const staleness = (page: Page, robot: string) => page.locator(`#robots tr[data-robot-id="${robot}"] td[data-col="staleness"]`).textContent();

    it('shows robots with ticking staleness; with the token pasted, a robot sync button adds a run', async () => {
      const page = await context.newPage();
      watch(page);
      await page.goto(rig.url + '/');
      await page.locator('#robots tr[data-robot-id="grid-btc"]').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#accounts tr[data-account-id]').count(), 2);
      // Without the token the WebSocket is refused; the page falls back to polling.
      await page.waitForFunction(() => document.getElementById('feed')!.textContent!.includes('polling'), undefined, { timeout: 10_000 });

      // Staleness moves on its own between pushes.
      const values = new Set<string>();
      for (let i = 0; i < 6; i++) {
        values.add((await staleness(page, 'grid-btc'))!);
        await page.waitForTimeout(150);
      }
      assert.ok(values.size >= 2, `staleness did not move: ${[...values].join(', ')}`);
      assert.match([...values][0]!, /^\d+(\.\d)? (ms|s)$|^\d+m \d\ds$/);

      // Paste the token: kept in sessionStorage, the WebSocket comes up.
      await page.fill('#token', TOKEN);
      await page.click('#token-save');
      await page.waitForFunction(() => document.getElementById('feed')!.textContent === 'live (WebSocket)', undefined, { timeout: 10_000 });
      assert.equal(await page.evaluate(() => sessionStorage.getItem('robosync.token')), TOKEN);
      assert.equal(await page.inputValue('#token'), '********');

      const before = (await call(rig.url, 'GET', '/api/v1/sync/runs?limit=1')).json.runs[0]?.id ?? 0;
      await page.click('#robots tr[data-robot-id="grid-btc"] button[data-sync="robot"]');
      const run = page.locator('#runs tr[data-run-id]').first();
      await page.waitForFunction((prev) => {
        const tr = document.querySelector('#runs tr[data-run-id]') as HTMLElement | null;
        return tr !== null && Number(tr.dataset.runId) > prev && tr.querySelector('td[data-col="status"]')!.textContent === 'success';
      }, before, { timeout: 15_000 });
      assert.equal(await run.locator('td[data-col="scope"]').textContent(), `manual:account:${rig.sim.accounts[0]!.id}`);
      await page.locator('.toast', { hasText: 'robot grid-btc: synced' }).waitFor({ timeout: 5000 });

      // A robot places an order and says so: the page shows it turn hot, and the event lag.
      const acct = rig.sim.accounts[0]!.id;
      const placed = await rig.sim.placeOrder(acct, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.010', price: (Number(rig.sim.price('BTCUSDT')) * 0.8).toFixed(1), orderLinkId: 'grid-dash-1' });
      assert.equal((await call(rig.url, 'POST', '/api/v1/events', { token: TOKEN, body: { event: 'order.placed', robotId: 'grid-btc', orderId: String(placed.orderId) } })).status, 202);
      await page.waitForFunction(() => document.querySelector('#robots tr[data-robot-id="grid-btc"] td[data-col="tier"]')!.textContent === 'hot', undefined, { timeout: 10_000 });
      assert.equal(await page.locator('#robots tr[data-robot-id="grid-btc"] td[data-col="open"]').textContent(), '1');
      await page.waitForFunction(() => !document.getElementById('t-event-lag')!.textContent!.startsWith('–'), undefined, { timeout: 10_000 });

      // Charts drew something, and nothing secret is on the page.
      const drawn = await page.evaluate(() => {
        const c = document.getElementById('c-api') as HTMLCanvasElement;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let ink = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) ink++;
        return ink;
      });
      assert.ok(drawn > 100, `chart canvas is empty (${drawn} pixels)`);
      const html = await page.content();
      assert.ok(!html.includes(TOKEN), 'the token is shown on the page');
      for (const a of rig.sim.accounts) {
        assert.ok(!html.includes(a.apiKey) && !html.includes(a.apiSecret), 'an account credential is on the page');
      }
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
      assert.deepEqual(problems, []);
      await page.close();
    });

    it('on loopback without a token, the feed is live and "Sync all" works without one', async () => {
      const page = await context.newPage();
      watch(page);
      await page.goto(open.url + '/');
      await page.waitForFunction(() => document.getElementById('feed')!.textContent === 'live (WebSocket)', undefined, { timeout: 10_000 });
      await page.locator('#robots tr[data-robot-id="idle-bot"]').waitFor({ timeout: 10_000 });
      const before = (await call(open.url, 'GET', '/api/v1/sync/runs?limit=1')).json.runs[0]?.id ?? 0;
      await page.click('#sync-all');
      await page.waitForFunction((prev) => {
        const tr = document.querySelector('#runs tr[data-run-id]') as HTMLElement | null;
        return tr !== null && Number(tr.dataset.runId) > prev && tr.querySelector('td[data-col="scope"]')!.textContent === 'manual:all';
      }, before, { timeout: 15_000 });
      await page.locator('.toast', { hasText: 'Sync all: 2 accounts synced' }).waitFor({ timeout: 5000 });
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
});
