import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type LocalServer, startLocalServer } from '../../local/server';
import { type Route, routes } from '../../src/routes';

// Debian's Chromium, never one downloaded by Playwright.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');

interface Violation {
  directive: string;
  blocked: string;
}

let server: LocalServer;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
const pageErrors: string[] = [];
const failedRequests: string[] = [];

beforeAll(async () => {
  server = await startLocalServer({ port: 0, log: () => {} });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('requestfailed', (request) => failedRequests.push(request.url()));
  // Registered before the page parses, so a violation by the page's own
  // style element is caught too. Injected scripts are not subject to CSP.
  await page.addInitScript(() => {
    // This runs in the page; the tests compile without the DOM library.
    const page = globalThis as any;
    const violations: Violation[] = [];

    page.cspViolations = violations;
    page.document.addEventListener('securitypolicyviolation', (event: any) =>
      violations.push({
        directive: event.violatedDirective,
        blocked: event.blockedURI,
      })
    );
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the docs page in Chromium', () => {
  it('loads with no console error, script error or CSP violation', async () => {
    const response = await page.goto(`${server.url}/docs`, {
      waitUntil: 'load',
    });
    const violations = await page.evaluate(
      () => (globalThis as any).cspViolations
    );

    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toBe(
      'text/html; charset=utf-8'
    );
    expect({ consoleErrors, pageErrors, failedRequests, violations }).toEqual({
      consoleErrors: [],
      pageErrors: [],
      failedRequests: [],
      violations: [],
    });
  });

  it('applies its own style sheet', async () => {
    const font = await page.evaluate(() => {
      const page = globalThis as any;

      return page.getComputedStyle(page.document.body).fontFamily;
    });

    expect(font).toContain('system-ui');
  });

  it.each(
    (routes as readonly Route[]).map((r) => [r.operation, r.method, r.path])
  )('shows %s as %s %s', async (operation, method, path) => {
    const heading = page.locator(`section.operation[id="${operation}"] h3`);
    const badge = heading.locator('.method');
    const address = heading.locator('.path');

    const shown = {
      method: await badge.textContent(),
      path: await address.textContent(),
      visible: (await badge.isVisible()) && (await address.isVisible()),
    };

    expect(shown).toEqual({ method, path, visible: true });
  });

  it('links every operation from the contents', async () => {
    const targets = await page
      .locator('nav.toc a[href^="#"]')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));

    expect(targets).toEqual(
      expect.arrayContaining(routes.map((r) => `#${r.operation}`))
    );
  });

  it('fits a phone screen, wide tables scrolling inside their own box', async () => {
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
    });
    await phone.goto(`${server.url}/docs`);

    const layout = await phone.evaluate(() => {
      const page = globalThis as any;
      const cells: any[] = [...page.document.querySelectorAll('td:last-child')];

      return {
        pageWidth: page.document.documentElement.scrollWidth,
        narrowestProse: Math.min(
          ...cells.map((cell) => cell.getBoundingClientRect().width)
        ),
      };
    });
    await phone.close();

    expect(layout.pageWidth).toBeLessThanOrEqual(390);
    expect(layout.narrowestProse).toBeGreaterThanOrEqual(200);
  });

  it('saves a full-page screenshot to artifacts/docs.png', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });

    const image = await page.screenshot({
      path: join(ARTIFACTS, 'docs.png'),
      fullPage: true,
    });

    expect(image.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});
