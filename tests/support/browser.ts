// Real-browser helpers: Debian's Chromium driven by playwright-core (no browser download), one
// browser with a fresh profile per person, the demo page on the functions server under test, and
// screenshots into .local/test-results/ (git-ignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Venue } from './fixtures';
import { credentials, functionsUrl, guest, invoke } from './http';

export const CHROMIUM = '/usr/bin/chromium';

const ARGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const RESULTS_DIR = fileURLToPath(new URL('../../.local/test-results/', import.meta.url));

/** Fails (never skips) when Chromium is missing, saying how to get it. */
export function requireChromium(): void {
  if (existsSync(CHROMIUM)) return;
  throw new Error(`The browser tests need Chromium at ${CHROMIUM}. On Debian/Ubuntu: sudo apt-get install -y chromium `
    + '(scripts/setup.sh installs it when run as root). Elsewhere install Chromium and link it to /usr/bin/chromium.');
}

/** One person at their own browser: a fresh profile, one page, and what went wrong in it. */
export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and the page's console errors, for assertions and failure messages. */
  problems: string[];
  close(): Promise<void>;
}

export async function openBrowser(name: string): Promise<Person> {
  requireChromium();
  const profile = mkdtempSync(path.join(tmpdir(), `tablehold-${name}-`));
  // headless comes from --headless=new in ARGS (Playwright's own flag would be added as well)
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: false, args: ARGS, viewport: { width: 1100, height: 800 }, timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  // "Failed to load resource" is the browser's own line for a refused request or a cut connection,
  // which tests cause on purpose; the page's own errors are what count
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource: ')
    && problems.push(`console: ${m.text()}`));
  return {
    name, context, page, problems,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The demo page on the functions server under test, with the given query. */
export function demoUrl(query: Record<string, string | number>): string {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
  return `${functionsUrl()}/demo/?${qs}`;
}

/** The text of the element with that data-testid ('' when empty), or null when there is none. */
export const textOf = (page: Page, testId: string) =>
  page.getByTestId(testId).textContent({ timeout: 1_000 }).then((t) => t?.trim() ?? '', () => null);

/** What the customer page shows for a unit, in one comparable object. */
export async function unitOnPage(page: Page, code: string) {
  const book = page.getByTestId(`book-${code}`);
  return {
    remaining: await textOf(page, `remaining-${code}`),
    bookNow: (await book.count()) ? ((await book.isDisabled()) ? 'disabled' : 'enabled') : 'missing',
    note: await textOf(page, `note-${code}`),
  };
}

/** The customer page's feed status line: its text while shown, else 'live'. */
export const feedLine = async (page: Page) =>
  (await page.getByTestId('feed-status').isVisible()) ? await textOf(page, 'feed-status') : 'live';

/** Type a guest's details into the customer page. */
export async function fillGuest(page: Page, name: string, email: string): Promise<void> {
  await page.getByTestId('guest-name').fill(name);
  await page.getByTestId('guest-email').fill(email);
}

/** A booking of one unit of a date-mode section for two, over HTTP as a guest's app makes it. */
export async function bookOverHttp(venue: Venue, code: string, label: string) {
  const { publishable } = await credentials();
  const reply = await invoke(publishable, 'POST', 'book/v1', {
    body: { venue_id: venue.id, date: venue.date, party_size: 2, unit_ids: [venue.units[code]], guest: guest(label) },
  });
  if (reply.status !== 201) throw new Error(`booking ${code} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.data as { id: string; manage_token: string; reference: string };
}

export async function screenshot(person: Person, file: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const target = path.join(RESULTS_DIR, file);
  await person.page.screenshot({ path: target, fullPage: true });
  return target;
}

/** A relay between one person's browser and the server for their Server-Sent Events streams, so a
 *  test can cut a stream that is open. (Chromium's offline mode fails new requests but leaves a
 *  response that is already streaming alone, as a half-dead mobile connection would.) */
export interface StreamRelay {
  /** Close every open stream, and refuse new ones until restore(). */
  drop(): void;
  restore(): void;
  close(): Promise<void>;
}

/** Sends the person's `Accept: text/event-stream` requests through a relay on this machine
 *  (the page cannot tell: the URL changes below it, in the browser's network layer). */
export async function relayStreams(person: Person): Promise<StreamRelay> {
  const upstream = new URL(functionsUrl());
  const sockets = new Set<Socket>();
  let down = false;
  const server = http.createServer((req, res) => {
    if (down) return req.socket.destroy();
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const relay = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await person.page.route(
    (url) => url.pathname.startsWith('/functions/v1/'),
    (route) => {
      const accept = route.request().headers().accept ?? '';
      if (!accept.includes('text/event-stream')) return route.fallback();
      const url = new URL(route.request().url());
      return route.continue({ url: `${relay}${url.pathname}${url.search}` });
    },
  );
  return {
    drop() {
      down = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      down = false;
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
