/**
 * GET /api/v1/docs in a real browser: headless Chromium (Debian's `chromium`
 * package, driven by playwright-core) loads the page from the suite's
 * serverless-offline and must render every endpoint with Redoc, under the
 * page's own Content-Security-Policy, without loading anything from anywhere
 * but the API itself.
 *
 * DOCS_SCREENSHOT=/tmp/docs.png saves a screenshot of the rendered page.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROUTES } from '../../lib/http/routes';
import { apiUrl } from '../helpers/api';

const CHROMIUM = '/usr/bin/chromium';
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

let browser: Browser;
let page: Page;
const requests: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `This test drives headless Chromium at ${CHROMIUM}, which is not installed. Install it with \`apt-get install chromium\` (Debian/Ubuntu; .ci/run does so on CI).`,
    );
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  // A blocked load or script is a console error too, but this names the directive.
  // (Browser code as text: this project compiles without the DOM library.)
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline code')));`,
  });
  const response = await page.goto(`${apiUrl()}/api/v1/docs`);
  expect(response?.status()).toBe(200);
  // The page's init script marks the body once Redoc.init has rendered the document.
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
  it('lists every endpoint, method and path, as Redoc renders it', async () => {
    const text = await page.locator('body').innerText();
    const listed = [...text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE)\s+(\/api\/v1\/\S+)/gi)].map(([, method, path]) => `${method!.toUpperCase()} ${path}`);
    expect([...new Set(listed)].sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    await expect(page.title()).resolves.toBe('Ensemble API reference');
  });

  it('searches (the index runs in a blob: worker the CSP allows)', async () => {
    await page.fill('input[placeholder="Search..."]', 'cast');
    const results = page.locator('[data-role="search:results"] li');
    await results.first().waitFor({ timeout: 10_000 });
    expect(await results.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Add an actor to the cast')]));
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
