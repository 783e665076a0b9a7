/**
 * The live dashboard in a real browser (Debian's chromium driven by playwright-core) during a real
 * run: it connects, its numbers move, it renders every panel, and the console stays clean.
 */
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon, waitFor } from '../daemon-process.js';
import { findTool, missingToolNote } from '../deploy/system-tools.js';

const CHROMIUM = findTool('/usr/bin/chromium');
const skipNote = CHROMIUM ? null : missingToolNote('/usr/bin/chromium', 'chromium');
if (skipNote) console.warn(`[live-dashboard-browser.test] skipped: ${skipNote}`);

/** The flags this machine needs: no sandbox as root, and no background calls to the closed network. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe.skipIf(skipNote !== null)('live dashboard in Chromium', () => {
  let daemon: Daemon;
  let browser: Browser;

  beforeAll(async () => {
    daemon = await startDaemon(90);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_ARGS, timeout: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (daemon) expect(await daemon.stop()).toBe(0);
  }, 60_000);

  it('connects over the WebSocket, shows numbers that change, and logs no console error', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));

    const response = await page.goto(`${daemon.url}/`, { timeout: 60_000 });
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => document.getElementById('connection')?.textContent === 'live', null, {
      timeout: 30_000,
    });
    const snapshots = () => page.evaluate(() => Number(document.body.dataset.snapshots ?? 0));
    const text = (id: string) => page.evaluate((i) => document.getElementById(i)?.textContent ?? '', id);
    const count = (s: string) => Number(s.replace(/[^0-9]/g, ''));

    await waitFor('a first snapshot', async () => ((await snapshots()) >= 1 ? true : undefined), 30_000);
    const firstTicks = await text('ticks-total');
    const firstSnapshots = await snapshots();
    // New snapshots arrive every ~500 ms and the run's tick count keeps rising.
    const laterTicks = await waitFor(
      'the tick count on the page to change',
      async () => {
        const t = await text('ticks-total');
        return t !== firstTicks ? t : undefined;
      },
      30_000,
    );
    expect(count(laterTicks.split(' ticks')[0])).toBeGreaterThan(count(firstTicks.split(' ticks')[0]));
    await waitFor(
      'several more snapshots',
      async () => ((await snapshots()) >= firstSnapshots + 4 ? true : undefined),
      30_000,
    );

    // Every panel holds data: tick rate, P&L, latency percentiles, venues, routing, risk, breakers.
    expect(await text('tick-rate')).toMatch(/^[1-9][\d,]* \/s$/);
    expect(await text('pnl-total')).toMatch(/^[+-]\$[\d,]+\.\d\d$/);
    expect(await text('t2o-p50')).toMatch(/\d (µs|ms)$/);
    expect(await page.locator('#venue-rows tr').count()).toBe(3);
    expect(await page.locator('#routing-bar .seg').count()).toBe(3);
    expect(await page.locator('#risk .risk-row').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#breakers .chip').count()).toBeGreaterThanOrEqual(5);
    expect(await page.locator('#workers .chip.ok').count()).toBe(5);
    expect(await page.locator('#chart-rate path.line').count()).toBe(1);
    expect(await page.locator('#chart-venues rect').count()).toBe(6);
    expect(await text('state')).toBe('ok · active');

    const shot = join(mkdtempSync(join(tmpdir(), 'hft-dashboard-')), 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    console.info(`[live-dashboard-browser.test] screenshot: ${shot}`);
    await page.close();
    expect(problems).toEqual([]);
  }, 180_000);
});
