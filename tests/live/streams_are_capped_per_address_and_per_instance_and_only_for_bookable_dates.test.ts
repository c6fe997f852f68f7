// Live streams cost an instance memory and a share of a database poll for as long as they stay
// open, so they are bounded (a functions server of this file's own: at most 4 streams, 2 per client
// address): a third from one address is 429 TOO_MANY_STREAMS, a fifth on the instance 503
// STREAM_CAPACITY_REACHED, both with Retry-After, and a closed stream gives its place back. An
// availability stream is only for a date a guest could book: a past date or one beyond the booking
// horizon is 422 OUTSIDE_BOOKING_WINDOW, an unknown venue 404, before any stream is opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { readSse, type SseStream } from '../support/sse';
import { type FunctionsServer, startFunctionsServer } from '../support/server';

const db = sql(1);
let server: FunctionsServer;
let venue: Venue;

beforeAll(async () => {
  server = await startFunctionsServer({
    TABLEHOLD_SSE_MAX_STREAMS: '4', TABLEHOLD_SSE_MAX_STREAMS_PER_IP: '2', TABLEHOLD_RATE_LIMITS: 'off', TABLEHOLD_TRUSTED_PROXY_HOPS: '1',
  });
  venue = await createVenue(db, {
    kind: 'bar', bookingHorizon: '30 days',
    units: [{ code: 'bar', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 4 }],
  });
}, 150_000);
const opened: SseStream[] = [];
afterAll(async () => {
  opened.forEach((s) => s.close());
  await server?.stop();
  await closeAll();
});

/** Opens an availability stream from `address`; resolves once the answer's head is in. */
async function stream(address: string, date = venue.date, venueId = venue.id): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(`${server.url}/functions/v1/availability/v1?venue_id=${venueId}&date=${date}`, {
    headers: { accept: 'text/event-stream', 'x-forwarded-for': address }, signal: abort.signal,
  });
  const s = readSse(res, abort);
  opened.push(s);
  if (s.status === 200) await s.waitFor('the snapshot', (x) => x.data('snapshot').length === 1);
  return s;
}

/** "200", or "429 TOO_MANY_STREAMS 10" (status, code, Retry-After) for a refusal. */
async function outcome(s: SseStream): Promise<string> {
  if (s.status === 200) return '200';
  await s.finished;
  const body = JSON.parse(s.text ?? '{}');
  return [s.status, body.error?.code, s.headers.get('retry-after')].filter((x) => x !== null && x !== undefined).join(' ');
}

const dayFrom = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

describe('streams are capped per address and per instance, and only for bookable dates', () => {
  it('an address keeps 2 streams open; its third is 429 TOO_MANY_STREAMS with Retry-After', async () => {
    const a1 = await stream('203.0.113.1');
    const a2 = await stream('203.0.113.1');
    expect([await outcome(a1), await outcome(a2)]).toEqual(['200', '200']);
    expect(await outcome(await stream('203.0.113.1'))).toBe('429 TOO_MANY_STREAMS 10');
  });

  it('the instance keeps 4 open; the fifth, from a new address, is 503 STREAM_CAPACITY_REACHED', async () => {
    expect(await outcome(await stream('198.51.100.1'))).toBe('200');
    expect(await outcome(await stream('198.51.100.2'))).toBe('200');
    expect(await outcome(await stream('192.0.2.1'))).toBe('503 STREAM_CAPACITY_REACHED 10');
  });

  it('a closed stream gives its place back', async () => {
    opened[0].close(); // one of 203.0.113.1's
    await opened[0].finished;
    let again: SseStream | undefined;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100)); // the server learns of the close as the connection ends
      again = await stream('203.0.113.1');
    }
    expect(await outcome(again!)).toBe('200');
  });

  it('a past date, a date beyond the booking horizon and an unknown venue are refused before any stream opens', async () => {
    opened.splice(0).forEach((s) => s.close());
    await new Promise((r) => setTimeout(r, 500));
    const past = await stream('192.0.2.9', dayFrom(venue.date, -12));
    expect(await outcome(past)).toBe('422 OUTSIDE_BOOKING_WINDOW');
    expect(JSON.parse(past.text!).error.details).toMatchObject({ problem: 'past' });
    const far = await stream('192.0.2.9', dayFrom(venue.date, 40));
    expect(await outcome(far)).toBe('422 OUTSIDE_BOOKING_WINDOW');
    expect(JSON.parse(far.text!).error.details).toMatchObject({ problem: 'horizon' });
    expect(await outcome(await stream('192.0.2.9', venue.date, '00000000-0000-4000-b000-00000000dead'))).toBe('404 NOT_FOUND');
    const [{ channels }] = await db`
      select count(*)::int as channels from tablehold.channels
      where venue_id = ${venue.id} and service_date in (${dayFrom(venue.date, -12)}, ${dayFrom(venue.date, 40)})`;
    expect(channels).toBe(0);
    expect(await outcome(await stream('192.0.2.9', dayFrom(venue.date, 19)))).toBe('200');
  });
});
