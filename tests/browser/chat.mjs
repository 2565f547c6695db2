// Real-browser check of examples/chat.
//
//   node tests/browser/chat.mjs http://127.0.0.1:8000
//
// Opens `/feed` (the browser's own EventSource on `/events`) and the chat
// page `/` twice (two browser WebSockets), sends a message from each page
// and waits for FastAPI's messages word for word: "You wrote: …" on the
// sender's page, "Client #<id> says: …" on both pages and in the feed; then
// closes the second page and waits for "Client #<id> left the chat" on the
// first and in the feed.
// Any request to another origin is blocked and reported. Exits non-zero on
// any failure, printing what failed.

import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.FASTRS_BROWSER_TIMEOUT_MS || 30000);

const base = (process.argv[2] || '').replace(/\/+$/, '');
if (!/^https?:\/\//.test(base)) {
  console.error('usage: node chat.mjs BASE_URL');
  process.exit(2);
}
const origin = new URL(base).origin;

const failures = [];
const fail = (what) => {
  failures.push(what);
  console.error(`FAIL: ${what}`);
};
const ok = (what) => console.log(`ok: ${what}`);

/// Waits until the page's list `#messages` has an item with exactly `text`.
async function sees(page, who, text) {
  try {
    await page.locator('#messages li').filter({ hasText: new RegExp(`^${escape(text)}$`) }).first().waitFor();
    ok(`${who} shows "${text}"`);
  } catch (e) {
    const items = await page.locator('#messages li').allInnerTexts().catch(() => []);
    fail(`${who} does not show "${text}" (it shows ${JSON.stringify(items)}): ${e.message.split('\n')[0]}`);
  }
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function chatPage(context, name) {
  const page = await context.newPage();
  page.on('pageerror', (e) => fail(`JavaScript error on ${name}: ${e.message}`));
  await page.goto(`${base}/`);
  await page.waitForFunction(() => typeof ws !== 'undefined' && ws.readyState === WebSocket.OPEN);
  const id = await page.evaluate(() => String(client_id));
  ok(`${name}: WebSocket open as client ${id}`);
  return { page, id };
}

async function feedPage(context) {
  const page = await context.newPage();
  page.on('pageerror', (e) => fail(`JavaScript error on the feed: ${e.message}`));
  await page.goto(`${base}/feed`);
  await page.waitForFunction(() => typeof source !== 'undefined' && source.readyState === EventSource.OPEN);
  ok('feed: EventSource open on /events');
  return page;
}

async function send(page, text) {
  await page.fill('#messageText', text);
  await page.click('button');
}

async function chat(context) {
  const feed = await feedPage(context);
  const a = await chatPage(context, 'first page');
  // Date.now() ids: make sure the second page gets another one
  await new Promise((r) => setTimeout(r, 5));
  const b = await chatPage(context, 'second page');
  if (a.id === b.id) fail(`both pages have client id ${a.id}`);

  // each page speaks once its socket is open (it joins the broadcast list
  // right after its handshake)
  await send(b.page, 'Hi, I just arrived');
  await sees(b.page, 'second page', 'You wrote: Hi, I just arrived');
  await sees(a.page, 'first page', `Client #${b.id} says: Hi, I just arrived`);

  await send(a.page, 'Hello from the first page');
  await sees(a.page, 'first page', 'You wrote: Hello from the first page');
  await sees(a.page, 'first page', `Client #${a.id} says: Hello from the first page`);
  await sees(b.page, 'second page', `Client #${a.id} says: Hello from the first page`);
  await sees(feed, 'feed', `Client #${b.id} says: Hi, I just arrived`);
  await sees(feed, 'feed', `Client #${a.id} says: Hello from the first page`);

  await b.page.close();
  await sees(a.page, 'first page', `Client #${b.id} left the chat`);
  await sees(feed, 'feed', `Client #${b.id} left the chat`);
}

async function main() {
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
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (new URL(url).origin === origin) return route.continue();
      if (!url.endsWith('/favicon.ico')) fail(`request to another origin: ${url}`);
      return route.abort();
    });
    await chat(context);
  } finally {
    await browser.close();
  }
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
console.log('chat browser checks passed');
