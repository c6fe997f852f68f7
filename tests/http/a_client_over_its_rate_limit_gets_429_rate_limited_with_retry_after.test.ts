// Rate limits at the door, counted in PostgreSQL, over real HTTP against a functions server of this
// file's own with small limits (TABLEHOLD_RATE_LIMITS): per client address, per guest email and per
// API key on the write routes, per address on stream opens. Over a limit: 429 RATE_LIMITED with
// Retry-After (and details.retry_after), before any transaction, so nothing is written; other
// clients are not affected, and the service role is not counted.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { createApiKey, credentials, headersOf } from '../support/http';
import { type FunctionsServer, startFunctionsServer } from '../support/server';

const db = sql(2);
let server: FunctionsServer;
let venue: Venue;

beforeAll(async () => {
  server = await startFunctionsServer({
    TABLEHOLD_RATE_LIMITS: 'write.ip=5/60,write.email=3/60,write.api_key=4/60,stream.ip=2/60',
    TABLEHOLD_TRUSTED_PROXY_HOPS: '1',
  });
  venue = await createVenue(db, {
    kind: 'bar', units: [{ code: 'bar', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 200, maxCovers: 4 }],
  });
  // this file is about the door's limits: lift the venue's caps on live bookings
  await db`update tablehold.venues set max_live_bookings_per_guest = null, max_live_bookings_per_ip = null where id = ${venue.id}`;
}, 150_000);
afterAll(async () => {
  await server?.stop();
  await closeAll();
});

interface Reply {
  status: number;
  code?: string;
  details?: Record<string, unknown>;
  retryAfter: string | null;
}

async function hold(address: string, email = `${randomUUID()}@rate.example.test`, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${server.url}/functions/v1/hold/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...headers },
    body: JSON.stringify({ venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.bar], guest: { name: 'Rate', email } }),
  });
  const json = await res.json();
  return { status: res.status, code: json?.error?.code, details: json?.error?.details, retryAfter: res.headers.get('retry-after') };
}

const bookings = async () =>
  Number((await db`select count(*) as n from tablehold.bookings where venue_id = ${venue.id}`)[0].n);

describe('a client over its rate limit gets 429 RATE_LIMITED with Retry-After', () => {
  it('an address gets its 5 writes a minute, then 429 with a wait, and nothing is written for it', async () => {
    const before = await bookings();
    const replies: Reply[] = [];
    for (let i = 0; i < 5; i++) replies.push(await hold('203.0.113.10'));
    expect(replies.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const over = await hold('203.0.113.10');
    expect(over).toMatchObject({ status: 429, code: 'RATE_LIMITED', details: { per: 'ip', limit: 5, window_seconds: 60 } });
    const wait = Number(over.retryAfter);
    expect(wait).toBe(over.details?.retry_after);
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(120);
    expect(await bookings()).toBe(before + 5);
  });

  it('another address is not affected', async () => {
    expect((await hold('203.0.113.11')).status).toBe(201);
  });

  it('one guest email gets 3 writes a minute, from whatever addresses', async () => {
    const email = `${randomUUID()}@rate.example.test`;
    const replies: Reply[] = [];
    for (let i = 0; i < 4; i++) replies.push(await hold(`198.51.100.${20 + i}`, email));
    expect(replies.map((r) => `${r.status} ${r.code ?? ''}`.trim())).toEqual(['201', '201', '201', '429 RATE_LIMITED']);
    expect(replies[3].details).toMatchObject({ per: 'email', limit: 3 });
  });

  it('an API key is counted as itself, not by the address its server calls from', async () => {
    const c = await credentials();
    const key = c.apiKey('assistant', (await createApiKey(db, venue.id, ['book'])).key);
    const replies: Reply[] = [];
    // 203.0.113.10 is over its own limit (first test): the key's requests are not counted there
    for (let i = 0; i < 5; i++) replies.push(await hold('203.0.113.10', undefined, headersOf(key)));
    expect(replies.map((r) => `${r.status} ${r.code ?? ''}`.trim())).toEqual(['201', '201', '201', '201', '429 RATE_LIMITED']);
    expect(replies[4].details).toMatchObject({ per: 'api_key', limit: 4 });
  });

  it('the service role is not counted', async () => {
    const c = await credentials();
    expect((await hold('203.0.113.10', undefined, headersOf(c.secret))).status).toBe(201);
  });

  it('opening streams counts per address: 2 a minute, then 429', async () => {
    const open = async () => {
      const abort = new AbortController();
      const res = await fetch(`${server.url}/functions/v1/availability/v1?venue_id=${venue.id}&date=${venue.date}`, {
        headers: { accept: 'text/event-stream', 'x-forwarded-for': '192.0.2.30' }, signal: abort.signal,
      });
      const code = res.headers.get('content-type')?.startsWith('application/json') ? (await res.json()).error.code : undefined;
      abort.abort();
      return `${res.status} ${code ?? ''}`.trim();
    };
    expect([await open(), await open(), await open()]).toEqual(['200', '200', '429 RATE_LIMITED']);
  });
});
