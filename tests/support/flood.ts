// Plain-fetch helpers for the HTTP flood and idempotency tests: many real requests against the
// functions server that scripts/test.sh starts (FUNCTIONS_URL), each read into a comparable reply.
// Node 20's fetch (undici) opens as many connections per origin as there are requests in flight,
// so Promise.all really sends them all at once.
import type { Venue } from './fixtures';

/** The functions server, e.g. http://127.0.0.1:54331 (scripts/test.sh sets it). */
export function functionsUrl(): string {
  const url = process.env.FUNCTIONS_URL;
  if (!url) throw new Error('FUNCTIONS_URL is not set; run the tests with npm test');
  return url;
}

/** One response, read whole: status, the raw body text, its JSON, and the headers the tests compare. */
export interface Reply {
  status: number;
  text: string;
  body: any;
  /** x-retries: how often the server re-ran the transaction (sent with successes). */
  retries: number | null;
  /** idempotent-replayed: true. */
  replayed: boolean;
}

export interface CallOptions {
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Another functions server than the suite's (tests/support/server.ts). */
  server?: string;
}

/** `method /functions/v1/<path>` as an anonymous guest, with a JSON body when given. */
export async function call(method: string, path: string, { body, idempotencyKey, signal, server }: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const response = await fetch(`${server ?? functionsUrl()}/functions/v1/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch { /* kept as text: the tally shows it */ }
  const retries = response.headers.get('x-retries');
  return {
    status: response.status,
    text,
    body: parsed,
    retries: retries === null ? null : Number(retries),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

/** n requests started in the same tick and awaited together, with the wall time they took. */
export async function flood(n: number, request: (i: number) => Promise<Reply>): Promise<{ replies: Reply[]; ms: number }> {
  const started = performance.now();
  const replies = await Promise.all(Array.from({ length: n }, (_, i) => request(i)));
  return { replies, ms: Math.round(performance.now() - started) };
}

/** "201", or "409 SECTION_NOT_AVAILABLE" for an error envelope: the outcome of a race in one comparable object. */
export function tallyReplies(replies: Reply[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of replies) {
    const code = r.body?.error?.code;
    const label = code ? `${r.status} ${code}` : String(r.status);
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

/** The sum of the x-retries headers (successes only carry one). */
export const retriesOf = (replies: Reply[]) => replies.reduce((n, r) => n + (r.retries ?? 0), 0);

/** Logs what a flood cost (not asserted: it depends on the machine). */
export function report(what: string, replies: Reply[], ms: number): void {
  const carried = replies.filter((r) => r.retries !== null).length;
  console.log(`[${what}] ${replies.length} requests in ${ms} ms; ${retriesOf(replies)} transaction re-runs over the ${carried} replies with x-retries`);
}

/** The service date `daysAhead` days after today (UTC), as YYYY-MM-DD. The HTTP layer runs on the
 *  real clock, so tests book 20 to 60 days ahead: inside every venue's horizon, never in the past. */
export function dayAhead(daysAhead: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + daysAhead);
  return d.toISOString().slice(0, 10);
}

/** The instant of UTC time hh:mm on the day `daysAhead` days from today (the fixtures' venues run on UTC). */
export const instantAhead = (daysAhead: number, time: string) => new Date(`${dayAhead(daysAhead)}T${time}:00Z`).toISOString();

/** A guest's details, distinct per i and per test run. */
export const guest = (venue: Venue, i: number) => ({ name: `Guest ${i}`, email: `guest-${i}@${venue.slug}.example.test` });

/** A fresh Idempotency-Key: a random UUID, as anonymous callers must send. */
export const freshKey = () => crypto.randomUUID();

/** Polls check until it returns true: at most `attempts` times, 20 ms apart (no guessed sleeps). */
export async function until(what: string, check: () => Promise<boolean>, attempts = 500): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
}
