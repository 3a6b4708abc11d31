import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { call } from '../server/helpers.js';
import { TOKEN_A, TOKEN_B, kline, startInstance, ticker, type Instance } from './helpers.js';

/**
 * The price-node panel in headless Chromium (/usr/bin/chromium, as the dashboard test): node
 * table with key hints, status per (node, pair, data type), and the Test and Sync buttons.
 */
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('dashboard: price-node panel (headless Chromium)', function () {
  this.timeout(60_000);
  let a: Instance;
  let b: Instance;
  let context: BrowserContext;
  let profile: string;
  let nodeId: number;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with "apt-get install -y chromium"; this test does not skip`);
    a = await startInstance({ token: TOKEN_A });
    const t0 = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
    await a.nodes.market.upsertKlines(Array.from({ length: 20 }, (_, i) => kline({ open_time: t0 + i * 60_000 })), Date.now());
    await a.nodes.market.upsertTickers([ticker({ time: t0 })], Date.now());
    b = await startInstance({ token: TOKEN_B });
    nodeId = (await b.nodes.addNode({ name: 'node-a', baseUrl: a.url, apiKey: TOKEN_A, interval: '5m' })).id;
    await b.nodes.addNode({ name: 'node-down', baseUrl: 'http://127.0.0.1:9', apiKey: 'another-key-0000', symbols: ['ETHUSDT'] });
    profile = mkdtempSync(join(tmpdir(), 'robosync-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1500, height: 1100 } });
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    if (profile) rmSync(profile, { recursive: true, force: true });
    await b?.close();
    await a?.close();
  });

  it('lists nodes with key hints; Test and Sync (with the token) report and refresh the status table', async () => {
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text()) && !/status of 401/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    await page.goto(b.url + '/');
    const row = page.locator(`#nodes tr[data-node-id="${nodeId}"]`);
    await row.waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('#nodes tr[data-node-id]').count(), 2);
    assert.equal(await row.locator('td').nth(3).textContent(), 'node…6789');
    assert.equal(await row.locator('td').nth(4).textContent(), '5m');
    assert.match((await page.locator('#node-status').textContent())!, /no sync status yet/);

    // Without the token, the buttons say what is missing.
    await row.locator('button[data-node-action="test"]').click();
    await page.locator('.toast', { hasText: 'needs its API token' }).waitFor({ timeout: 5000 });

    await page.fill('#token', TOKEN_B);
    await page.click('#token-save');
    await row.locator('button[data-node-action="test"]').click();
    await page.locator('.toast', { hasText: /node-a: reachable \(\d+ ms\), robosync [\d.]+, auth ok, 2 series offered/ }).waitFor({ timeout: 5000 });
    await row.locator('button[data-node-action="sync"]').click();
    await page.locator('.toast', { hasText: 'node-a: synced 2 series, 21 rows written' }).waitFor({ timeout: 10_000 });
    await page.locator('#node-status tr[data-key$=":BTCUSDT:klines:1m"] td.state-completed').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#node-status tr[data-key]').count(), 2);

    const down = page.locator('#nodes tr[data-node-id]').nth(1);
    await down.locator('button[data-node-action="sync"]').click();
    await page.locator('.toast.bad', { hasText: /node-down: sync failed: GET \/api\/v1\/data\/sync\/status: network error \(bad port\)/ }).waitFor({ timeout: 5000 });
    await page.locator('#node-status td.state-failed').first().waitFor({ timeout: 5000 });
    assert.equal(await down.locator('td').nth(8).textContent(), '1');

    const html = await page.content();
    for (const k of [TOKEN_A, 'another-key-0000', TOKEN_B]) assert.ok(!html.includes(k), 'a key is on the page');
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: join('test-artifacts', 'dashboard-pricenodes.png'), fullPage: true });
    assert.deepEqual(problems, []);
    assert.equal((await call(b.url, 'GET', '/assets/nodes.js')).status, 200);
    await page.close();
  });
});
