// The SSE hub (functions/_shared/live.ts) costs the database per watched channel, not per
// subscriber: 30 streams on one venue-night and 1 on another are served by one poll per channel per
// interval (the refresh that expires lapsed holds, then one outbox read), and a committed change is
// read once for all 30. Counted independently of the hub, on the wire: the streams run in this
// process on a pool whose postgres.js `debug` hook records every statement sent with its parameters.
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availabilityFeed, sseResponse } from '../../functions/_shared/live';
import { useDb } from '../../functions/_shared/db';
import { closeAll, sql } from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';
import { readSse, type SseStream } from '../support/sse';

const SUBSCRIBERS = 30;
const POLL_MS = 2_000; // the hub's interval (live.ts)

const db = sql(1);
const sent: { query: string; parameters: unknown[] }[] = [];
const hubPool = postgres(process.env.DATABASE_URL!, {
  prepare: false, max: 4, onnotice: () => {},
  debug: (_connection, query, parameters) => sent.push({ query, parameters }),
});
let venue: Venue;
const streams: SseStream[] = [];

beforeAll(async () => {
  useDb(hubPool);
  venue = await createVenue(db, {
    kind: 'bar', units: [{ code: 'bar', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 40, maxCovers: 4 }],
  });
});
afterAll(async () => {
  streams.forEach((s) => s.close());
  await new Promise((r) => setTimeout(r, 100));
  await hubPool.end({ timeout: 1 });
  await closeAll();
});

const other = () => {
  const d = new Date(`${venue.date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

/** Statements sent for a channel since `from`: its refreshes (polls) and its outbox reads. */
function sentFor(date: string, from: number) {
  // a ::date parameter reaches the wire as an ISO instant (midnight UTC)
  const mine = sent.slice(from).filter((s) =>
    s.parameters.some((p) => String(p) === `${venue.id}:${date}` || String(p).startsWith(`${date}T00:00:00`)));
  return {
    polls: mine.filter((s) => s.query.includes('refresh_channel')).length,
    reads: mine.filter((s) => s.query.includes('availability_events')).length,
  };
}

describe('one database poll per watched channel serves every subscriber', () => {
  it(`${SUBSCRIBERS} streams on one night and 1 on another cost the same polls per interval`, async () => {
    for (let i = 0; i < SUBSCRIBERS; i++) streams.push(readSse(sseResponse(availabilityFeed(venue.id, venue.date), 0)));
    streams.push(readSse(sseResponse(availabilityFeed(venue.id, other()), 0)));
    const from = sent.length;
    const started = performance.now();
    await new Promise((r) => setTimeout(r, 3 * POLL_MS + 500));
    const intervals = Math.floor((performance.now() - started) / POLL_MS);

    const crowded = sentFor(venue.date, from);
    const lonely = sentFor(other(), from);
    expect(crowded.polls).toBeGreaterThanOrEqual(intervals - 1);
    expect(crowded.polls).toBeLessThanOrEqual(intervals + 1);
    expect(crowded.polls).toBeLessThanOrEqual(lonely.polls + 1);
    expect(crowded.reads).toBeLessThanOrEqual(lonely.reads + 1);
  }, 30_000);

  it('a committed change is read once and reaches every subscriber of its night', async () => {
    const from = sent.length;
    await db`select public.book(p_venue_id => ${venue.id}, p_party_size => 2, p_date => ${venue.date},
      p_unit_ids => ${[venue.units.bar]}::uuid[], p_guest => ${db.json(guest('poll'))})`;
    await Promise.all(streams.slice(0, SUBSCRIBERS).map((s) =>
      s.waitFor('the booking\'s event', (x) => x.data('availability').some((e) => e.reason === 'booking_requested'))));
    // one read on the notification (and at most one more if a poll fell in between), not one per subscriber
    expect(sentFor(venue.date, from).reads).toBeLessThanOrEqual(3);
  }, 30_000);
});
