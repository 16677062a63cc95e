/**
 * GET /api/v1/docs in a real browser: headless Chrome or Chromium (whichever
 * tests/helpers/browser.ts finds, driven by playwright-core) loads the page from the suite's
 * serverless-offline and must render every endpoint with Swagger UI, under
 * the page's own Content-Security-Policy, without loading anything from
 * anywhere but the API itself; then a developer's steps: paste a token into
 * "Authorize", open GET /actors, "Try it out", "Execute", and see a 200.
 *
 * DOCS_SCREENSHOT=/tmp/docs.png saves a screenshot of the rendered page.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { ROUTES } from '../../lib/http/routes';
import { apiUrl } from '../helpers/api';
import { roleToken } from '../helpers/tokens';

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

let browser: Browser | undefined;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser(chromium, { args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'no reason given'})`));
  // A blocked load or script is a console error too, but this names the directive.
  // (Browser code as text: this project compiles without the DOM library.)
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline code')));`,
  });
  const response = await page.goto(`${apiUrl()}/api/v1/docs`);
  expect(response?.status()).toBe(200);
  // The page's init script marks the body once Swagger UI has rendered the document.
  await page.waitForSelector('body[data-rendered="true"]', { timeout: 30_000 });
  if (process.env.DOCS_SCREENSHOT) await page.screenshot({ path: process.env.DOCS_SCREENSHOT });
});

afterAll(async () => {
  await browser?.close();
});

/** Host of a URL the page asked for; a blob: URL belongs to the origin that made it, data: to none. */
const hostOf = (url: string): string | undefined => {
  if (url.startsWith('data:')) return undefined;
  return new URL(url.startsWith('blob:') ? url.slice('blob:'.length) : url).host;
};

describe('the API reference page in Chromium', () => {
  it('lists every endpoint, method and path, as Swagger UI renders it', async () => {
    const listed = await page.$$eval('.opblock-summary', (summaries) =>
      summaries.map(
        (summary) =>
          `${summary.querySelector('.opblock-summary-method')!.textContent!.trim()} ${summary.querySelector('.opblock-summary-path')!.getAttribute('data-path')}`,
      ),
    );
    expect([...new Set(listed)].sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    await expect(page.title()).resolves.toBe('Ensemble API reference');
  });

  it('sends a request from the page with a pasted token: GET /actors answers 200', async () => {
    const token = await roleToken('casting-assistant');
    await page.click('.auth-wrapper button.authorize');
    await page.fill('.auth-container input[type="text"], .auth-container input[type="password"]', token);
    await page.click('.auth-btn-wrapper button.authorize');
    await page.click('.auth-btn-wrapper button.btn-done');
    const operation = page.locator('#operations-Actors-listActors');
    await operation.locator('.opblock-summary').click();
    await operation.locator('.try-out__btn').click();
    await operation.locator('.execute').click();
    const status = operation.locator('.live-responses-table tbody .response-col_status');
    await status.first().waitFor({ timeout: 20_000 });
    expect((await status.first().innerText()).trim()).toBe('200');
    const sent = requests.filter((url) => new URL(url).pathname === '/api/v1/actors');
    expect(sent).toHaveLength(1);
  });

  it('made no request to any host but the API', () => {
    const apiHost = new URL(apiUrl()).host;
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((url) => hostOf(url) !== undefined && hostOf(url) !== apiHost)).toEqual([]);
  });

  it('ran without console errors, uncaught errors, failed requests or CSP violations', () => {
    expect(problems).toEqual([]);
  });
});
