// Real-browser check of a fastrs app's interactive docs.
//
//   node tests/browser/docs.mjs http://127.0.0.1:8000 ["GET /" "GET /items/{item_id}" ...]
//
// Opens {base}/docs in Debian's headless chromium, waits until every
// operation is rendered (the ones given, or every one in {base}/openapi.json),
// expands GET /, clicks "Try it out" and "Execute" and reads the status the
// page shows (200). When the document declares an OAuth2 password flow, it
// also logs in through "Authorize" (FASTRS_DOCS_USERNAME / _PASSWORD, default
// johndoe / secret) and checks the next "Execute" sends the bearer token.
// Then opens {base}/redoc and checks the API title appears. Any request to
// another origin is blocked and reported: the pages must work offline.
// Exits non-zero on any failure, printing what failed.
//
// FASTRS_BROWSER_SCREENSHOTS=dir saves a screenshot of each page there.

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.FASTRS_BROWSER_TIMEOUT_MS || 30000);
const shots = process.env.FASTRS_BROWSER_SCREENSHOTS;

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node docs.mjs BASE_URL ["METHOD /path" ...]');
  process.exit(2);
}
const origin = new URL(base).origin;
// Requests the pages may make that need no internet to work: ReDoc 2's
// sidebar shows Redocly's logo from its CDN and hides it when it fails.
const HARMLESS_EXTERNAL = ['https://cdn.redoc.ly/redoc/logo-mini.svg'];

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`FAIL: ${what}`);
};
const ok = (what) => console.log(`ok: ${what}`);

async function main() {
  const spec = await (await fetch(`${base}/openapi.json`)).json();
  const title = spec.info?.title;
  let operations = process.argv.slice(3);
  if (operations.length === 0) {
    for (const [path, item] of Object.entries(spec.paths || {})) {
      for (const method of Object.keys(item)) {
        if (['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(method)) {
          operations.push(`${method.toUpperCase()} ${path}`);
        }
      }
    }
  }
  operations = operations.map((op) => {
    const [method, ...path] = op.trim().split(/\s+/);
    return { method: method.toUpperCase(), path: path.join(' ') };
  });
  if (operations.length === 0) fail('no operation to check');

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const context = await browser.newContext();
    context.setDefaultTimeout(TIMEOUT);
    // Offline: nothing but the app itself.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
        return route.continue();
      }
      if (HARMLESS_EXTERNAL.includes(url)) console.log(`note: blocked ${url} (the page hides it offline)`);
      else fail(`request to another origin: ${url}`);
      return route.abort();
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => fail(`JavaScript error on ${page.url()}: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) {
        fail(`${r.request().method()} ${r.url()} answered ${r.status()}`);
      }
    });

    await swaggerUi(page, operations, spec);
    await redoc(page, title);
  } finally {
    await browser.close();
  }
}

async function swaggerUi(page, operations, spec) {
  await page.goto(`${base}/docs`);
  if (shots) await page.screenshot({ path: `${shots}/docs.png`, fullPage: true }).catch(() => {});
  const opblock = (op) =>
    page
      .locator('.opblock')
      .filter({ has: page.locator(`.opblock-summary-method`, { hasText: new RegExp(`^${op.method}$`) }) })
      .filter({ has: page.locator(`.opblock-summary-path[data-path="${op.path}"]`) });
  try {
    await page.locator('.swagger-ui .information-container .title').waitFor();
    ok(`Swagger UI rendered: ${(await page.locator('.information-container .title').innerText()).split('\n')[0]}`);
  } catch (e) {
    fail(`Swagger UI did not render at ${base}/docs: ${e.message.split('\n')[0]}`);
    return;
  }
  for (const op of operations) {
    try {
      await opblock(op).first().waitFor();
      ok(`operation ${op.method} ${op.path} shown`);
    } catch {
      fail(`operation ${op.method} ${op.path} not shown in Swagger UI`);
    }
  }
  const shown = await page.locator('.opblock').count();
  if (shown !== operations.length) {
    fail(`Swagger UI shows ${shown} operations, expected ${operations.length}`);
  }

  // Expand GET /, "Try it out", "Execute", read the status shown.
  const root = operations.find((o) => o.method === 'GET' && o.path === '/') || operations[0];
  if (!root) return;
  const block = opblock(root).first();
  try {
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    await block.locator('button.execute').click();
    const status = block.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    const code = (await status.innerText()).trim();
    if (code !== '200') fail(`Try it out on ${root.method} ${root.path} shows status ${code}, expected 200`);
    else ok(`Try it out / Execute on ${root.method} ${root.path}: status ${code}`);
  } catch (e) {
    fail(`Try it out on ${root.method} ${root.path}: ${e.message.split('\n')[0]}`);
  }
  if (shots) await page.screenshot({ path: `${shots}/docs-executed.png`, fullPage: true }).catch(() => {});

  await authorize(page, spec, operations, opblock);
}

/// "Authorize" with an OAuth2 password flow, when the document declares one.
async function authorize(page, spec, operations, opblock) {
  const schemes = Object.entries(spec.components?.securitySchemes || {});
  const password = schemes.find(([, s]) => s.type === 'oauth2' && s.flows?.password);
  if (!password) {
    console.log('note: no OAuth2 password flow in the document, "Authorize" not exercised');
    return;
  }
  const [name] = password;
  const username = process.env.FASTRS_DOCS_USERNAME || 'johndoe';
  const secret = process.env.FASTRS_DOCS_PASSWORD || 'secret';
  try {
    await page.locator('.auth-wrapper button.authorize').click();
    const modal = page.locator('.modal-ux');
    await modal.waitFor();
    const form = modal.locator('.auth-container').filter({ hasText: name }).first();
    await form.locator('input#oauth_username').fill(username);
    await form.locator('input#oauth_password').fill(secret);
    const tokenResponse = page.waitForResponse((r) => r.request().method() === 'POST');
    await form.locator('button.authorize').click();
    const r = await tokenResponse;
    if (r.status() !== 200) throw new Error(`token request ${r.url()} answered ${r.status()}`);
    await form.locator('button.authorize', { hasText: 'Logout' }).waitFor();
    ok(`Authorize (${name}, password flow) obtained a token from ${new URL(r.url()).pathname}`);
    await modal.locator('button.close-modal').click();
  } catch (e) {
    fail(`Authorize with the OAuth2 password flow "${name}": ${e.message.split('\n')[0]}`);
    return;
  }
  // The next secured operation sends the token.
  const secured = Object.entries(spec.paths || {}).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, o]) => (o.security || spec.security || []).some((req) => name in req))
      .map(([method]) => ({ method: method.toUpperCase(), path })),
  )[0];
  if (!secured || !operations.some((o) => o.method === secured.method && o.path === secured.path)) return;
  if (/\{/.test(secured.path)) return;
  const block = opblock(secured).first();
  try {
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    const sent = page.waitForRequest((r) => new URL(r.url()).pathname === secured.path);
    await block.locator('button.execute').click();
    const auth = (await sent).headers()['authorization'] || '';
    if (!auth.startsWith('Bearer ')) fail(`${secured.method} ${secured.path} was sent without the bearer token`);
    const status = block.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    const code = (await status.innerText()).trim();
    if (code !== '200') fail(`authorized ${secured.method} ${secured.path} shows status ${code}, expected 200`);
    else ok(`authorized Execute on ${secured.method} ${secured.path}: status ${code}, bearer token sent`);
  } catch (e) {
    fail(`authorized Execute on ${secured.method} ${secured.path}: ${e.message.split('\n')[0]}`);
  }
}

async function redoc(page, title) {
  await page.goto(`${base}/redoc`);
  try {
    const heading = page.locator('.api-info h1');
    await heading.waitFor();
    const text = (await heading.innerText()).trim();
    if (title && !text.includes(title)) fail(`ReDoc heading is "${text}", expected the API title "${title}"`);
    else ok(`ReDoc rendered: ${text}`);
  } catch (e) {
    fail(`ReDoc did not render at ${base}/redoc: ${e.message.split('\n')[0]}`);
  }
  if (shots) await page.screenshot({ path: `${shots}/redoc.png`, fullPage: false }).catch(() => {});
}

try {
  await main();
} catch (e) {
  fail(`unexpected error: ${e.stack || e}`);
}
if (failures.length) {
  console.error(`\n${failures.length} check(s) failed:`);
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('docs browser checks passed');
