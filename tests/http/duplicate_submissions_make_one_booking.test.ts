// A nervous guest (or a retrying client) sends the same request many times at once with one
// Idempotency-Key: exactly one change happens, and every copy gets the very same answer, the
// manage token included. A later repeat replays it; reusing the key for another request is refused.
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, deferred, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { call, dayAhead, flood, freshKey, guest, type Reply, until } from '../support/flood';

const COPIES = 20;
const db = sql();
/** A second connection, to hold a lock while db watches. */
const locker = sql();
afterAll(closeAll);

/** A bar with one pooled section of 10 bookable by the day. */
const barVenue = () => createVenue(db, {
  kind: 'bar',
  units: [{ code: 'lounge', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 4 }],
});

/** A party of two for the lounge, 40 days ahead. */
const bookingBody = (venue: Venue) => ({
  venue_id: venue.id, party_size: 2, date: dayAhead(40), unit_ids: [venue.units.lounge], guest: guest(venue, 0),
});

/** Sends COPIES identical POSTs with one fresh Idempotency-Key at once and checks that they all got
 *  the very same answer (byte for byte, exactly one of them not a replay); then that a later repeat
 *  replays it and that the key with another body is refused. Returns the answer. */
async function submitDuplicates(path: string, body: object, otherBody: object, status: number): Promise<Reply> {
  const key = freshKey();
  const { replies } = await flood(COPIES, () => call('POST', path, { body, idempotencyKey: key }));
  expect(replies.map((r) => r.status)).toEqual(Array(COPIES).fill(status));
  expect(new Set(replies.map((r) => r.text)).size, 'all bodies are identical').toBe(1);
  expect(replies.filter((r) => !r.replayed).length, 'exactly one reply is the original').toBe(1);

  const later = await call('POST', path, { body, idempotencyKey: key });
  expect(later, 'a later repeat replays the answer').toEqual({ ...replies[0], replayed: true, retries: later.retries });
  const other = await call('POST', path, { body: otherBody, idempotencyKey: key });
  expect([other.status, other.body?.error?.code, other.body?.error?.message], 'the key with another body')
    .toEqual([409, 'IDEMPOTENCY_CONFLICT', 'This request key was already used for a different request.']);
  return replies[0];
}

/** Status changes of one booking to `status`, from the audit log. */
const transitionsTo = async (bookingId: string, status: string) => {
  const [{ n }] = await db`
    select count(*)::int as n from tablehold.audit_log
    where entity = 'bookings' and entity_id = ${bookingId} and action = 'update'
      and after ->> 'status' = ${status} and before ->> 'status' is distinct from ${status}`;
  return n;
};

const bookingsAt = async (venueId: string) => {
  const [{ n }] = await db`select count(*)::int as n from tablehold.bookings where venue_id = ${venueId}`;
  return n;
};

describe('duplicate submissions make one booking', () => {
  it(`${COPIES} simultaneous bookings with one Idempotency-Key make one booking, and every copy gets the same 201 with the manage token`, async () => {
    const venue = await barVenue();
    const body = bookingBody(venue);

    const answer = await submitDuplicates('book/v1', body, { ...body, party_size: 3 }, 201);

    const { data } = answer.body;
    expect(data.status).toBe('confirmed');
    expect(data.manage_token).toMatch(/^[0-9a-f]{48}$/);
    expect(await bookingsAt(venue.id)).toBe(1);
    const [{ active }] = await db`
      select count(*)::int as active from tablehold.allocations where booking_id = ${data.id} and active`;
    expect(active).toBe(1);
  });

  it(`${COPIES} simultaneous cancellations with one Idempotency-Key cancel once and all get the same 200`, async () => {
    const venue = await barVenue();
    const booked = await call('POST', 'book/v1', { body: bookingBody(venue) });
    expect(booked.status).toBe(201);
    const { id, manage_token } = booked.body.data;
    const body = { manage_token, reason: 'plans changed' };

    const answer = await submitDuplicates(`cancel/v1/${id}`, body, { ...body, reason: 'ill' }, 200);

    expect(answer.body.data).toMatchObject({ id, status: 'cancelled' });
    expect(await transitionsTo(id, 'cancelled')).toBe(1);
  });

  it(`${COPIES} simultaneous confirmations of a hold with one Idempotency-Key confirm once and all get the same 200`, async () => {
    const venue = await barVenue();
    const held = await call('POST', 'hold/v1', { body: bookingBody(venue) });
    expect([held.status, held.body.data.status]).toEqual([201, 'held']);
    const { id, manage_token } = held.body.data;
    const body = { manage_token, payment_ref: 'pay-123' };

    const answer = await submitDuplicates(`hold/v1/${id}/confirm`, body, { ...body, payment_ref: 'pay-456' }, 200);

    expect(answer.body.data).toMatchObject({ id, status: 'confirmed', payment_ref: 'pay-123' });
    expect(await transitionsTo(id, 'confirmed')).toBe(1);
  });

  it('a booking whose response the client gave up on is replayed by the retry with the same key, not made twice', async () => {
    const venue = await barVenue();
    const key = freshKey();
    const body = bookingBody(venue);

    // Hold the section's row lock so that the server's transaction waits; the client times out
    // (aborts) while it waits; then the lock goes and the server commits a booking nobody receives.
    const locked = deferred<number>();
    const release = deferred();
    const holding = locker.begin(async (tx) => {
      const [{ pid }] = await tx`select pg_backend_pid() as pid from tablehold.units where id = ${venue.units.lounge} for update`;
      locked.resolve(pid);
      await release.promise;
    });
    holding.catch(locked.reject);
    const holder = await locked.promise;

    const timedOut = new AbortController();
    const first = call('POST', 'book/v1', { body, idempotencyKey: key, signal: timedOut.signal }).catch((e: Error) => e);
    await until('the server waits for the section', async () => {
      const [{ n }] = await db`select count(*)::int as n from pg_stat_activity where ${holder}::int = any (pg_blocking_pids(pid))`;
      return n > 0;
    });
    timedOut.abort();
    expect(((await first) as Error).name, 'the client never got the first answer').toBe('AbortError');
    release.resolve();
    await holding;
    await until('the abandoned booking is committed', async () => (await bookingsAt(venue.id)) > 0);

    const retry = await call('POST', 'book/v1', { body, idempotencyKey: key });
    const [booking] = await db`select id, status::text from tablehold.bookings where venue_id = ${venue.id}`;
    expect([retry.status, retry.replayed]).toEqual([201, true]);
    expect(retry.body.data).toMatchObject({ id: booking.id, status: 'confirmed' });
    expect(await bookingsAt(venue.id)).toBe(1);

    // The replayed manage token is the real one: it opens the booking.
    const read = await call('GET', `book/v1/${booking.id}?manage_token=${retry.body.data.manage_token}`);
    expect([read.status, read.body.data.id, read.body.data.status]).toEqual([200, booking.id, 'confirmed']);
  });
});
