// The handlers in-process turn the engine's domain errors into the registry's HTTP statuses with the
// guest-facing message, and serve availability with an ETag made of the channel version and the
// venue's configuration version for guests (304 while nothing changed, decided before any snapshot
// is built). Each test books a small venue of its own,
// so nothing else moves its channel.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { availability } from '../../functions/availability/routes.ts';
import { book } from '../../functions/book/routes.ts';
import { hold } from '../../functions/hold/routes.ts';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { callHandler, type Credential, credentials, guest, inProcess, outcome } from '../support/http';

const db = sql(4);
let anon: Credential;

beforeAll(async () => {
  await inProcess(db);
  anon = (await credentials()).publishable;
  vi.spyOn(console, 'log').mockImplementation(() => {}); // the handlers' log lines
});
afterAll(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

/** A bar with one pooled section of `capacity` tables of 4, booked by the day. */
const bar = (capacity = 1) => createVenue(db, {
  kind: 'bar',
  units: [{ code: 'lounge', type: 'section', mode: 'pooled', booking: 'date', capacity, maxCovers: 4 }],
});

const bookingOf = (venue: Venue, extra: Record<string, unknown> = {}) => ({
  venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.lounge], guest: guest('refused'), ...extra,
});

/** Push a hold's expiry into the past, as if its TTL had run out. */
const expireHold = (bookingId: string) =>
  db`update tablehold.bookings set hold_expires_at = now() - interval '1 second' where id = ${bookingId}`;

describe('domain errors map to the registry', () => {
  it('a full section answers 409 SECTION_NOT_AVAILABLE with the message for the guest', async () => {
    const venue = await bar(1);
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) })).status).toBe(201);

    const r = await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      error: {
        code: 'SECTION_NOT_AVAILABLE',
        message: 'Sorry, this option is no longer available.',
        details: { unit_id: venue.units.lounge, remaining: 0 },
      },
    });
  });

  it('confirming a hold whose time ran out after someone else took the spot answers 410 HOLD_EXPIRED', async () => {
    const venue = await bar(1);
    const held = await callHandler(hold, anon, 'POST', 'hold/v1', { body: bookingOf(venue) });
    expect(held.status).toBe(201);
    await expireHold(held.body.data.id);
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) })).status).toBe(201);

    const r = await callHandler(hold, anon, 'POST', `hold/v1/${held.body.data.id}/confirm`, {
      body: { manage_token: held.body.data.manage_token },
    });
    expect(r.status).toBe(410);
    expect(r.body.error).toMatchObject({
      code: 'HOLD_EXPIRED', message: 'Sorry, your hold has expired and the spot is no longer available.',
      details: { booking_id: held.body.data.id },
    });
  });

  it('confirming a hold whose time ran out while the spot stayed free re-takes it: 200 confirmed', async () => {
    const venue = await bar(1);
    const held = await callHandler(hold, anon, 'POST', 'hold/v1', { body: bookingOf(venue) });
    await expireHold(held.body.data.id);

    const r = await callHandler(hold, anon, 'POST', `hold/v1/${held.body.data.id}/confirm`, {
      body: { manage_token: held.body.data.manage_token },
    });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({ id: held.body.data.id, status: 'confirmed' });
  });

  it('a party larger than the venue takes answers 422 INVALID_PARTY_SIZE with the limits', async () => {
    const venue = await bar(1);
    const r = await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue, { party_size: 51 }) });
    expect(r.status).toBe(422);
    expect(r.body.error).toEqual({
      code: 'INVALID_PARTY_SIZE', message: "That party size can't be booked here.", details: { min_party: 1, max_party: 50 },
    });
  });

  it('an unknown venue answers 404 NOT_FOUND', async () => {
    const r = await callHandler(book, anon, 'POST', 'book/v1', {
      body: { venue_id: randomUUID(), party_size: 2, date: '2026-12-17', guest: guest() },
    });
    expect(r.status).toBe(404);
    expect(r.body.error).toEqual({ code: 'NOT_FOUND', message: "We couldn't find that.", details: { entity: 'venue' } });
  });

  it('a guest asking to override the rules answers 403 FORBIDDEN', async () => {
    const venue = await bar(1);
    const r = await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue, { override: true }) });
    expect(outcome(r)).toEqual([403, 'FORBIDDEN']);
    expect(r.body.error.message).toBe('You are not allowed to do that.');
  });

  it('a booking that is not there answers 404, and nothing about whether it exists leaks', async () => {
    const venue = await bar(2);
    const booked = await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) });
    const mine = await callHandler(book, anon, 'GET', `book/v1/${booked.body.data.id}`);
    const nobodys = await callHandler(book, anon, 'GET', `book/v1/${randomUUID()}`);
    expect(mine.body).toEqual(nobodys.body);
    expect(outcome(mine)).toEqual([404, 'NOT_FOUND']);
  });
});

describe('availability is cached by the channel and configuration versions', () => {
  const snapshot = (venue: Venue, headers: Record<string, string> = {}) =>
    callHandler(availability, anon, 'GET', 'availability/v1', { query: { venue_id: venue.id, date: venue.date }, headers });
  /** The guest view's ETag at a channel version: "g<version>.<the venue's configuration version>". */
  const etag = async (venue: Venue, version: number) =>
    `"g${version}.${(await db`select version from tablehold.config_versions where venue_id = ${venue.id}`)[0].version}"`;

  it('the ETag names the versions; sending it back answers 304 with no body while nothing changed', async () => {
    const venue = await bar(3);
    const first = await snapshot(venue);
    expect(first.status).toBe(200);
    expect(first.body.data.version).toBe(0);
    expect(first.headers.get('etag')).toBe(await etag(venue, 0));

    const again = await snapshot(venue, { 'if-none-match': await etag(venue, 0) });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
    expect(again.headers.get('etag')).toBe(await etag(venue, 0));
    expect(again.headers.get('x-request-id')).toBeTruthy();
    expect(again.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('a booking bumps the ETag: the old one gets the full snapshot again, the new one 304', async () => {
    const venue = await bar(3);
    await snapshot(venue);
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) })).status).toBe(201);

    const changed = await snapshot(venue, { 'if-none-match': await etag(venue, 0) });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(await etag(venue, 1));
    expect(changed.body.data.version).toBe(1);
    expect(changed.body.data.units[0].keys[0]).toMatchObject({ remaining: 2, state: 'available' });

    expect((await snapshot(venue, { 'if-none-match': await etag(venue, 1) })).status).toBe(304);
  });

  it('a hold whose time ran out is expired on read: the ETag moves and the unit is free again', async () => {
    const venue = await bar(1);
    const held = await callHandler(hold, anon, 'POST', 'hold/v1', { body: bookingOf(venue) });
    const during = await snapshot(venue);
    expect(during.headers.get('etag')).toBe(await etag(venue, 1));
    expect(during.body.data.units[0].keys[0]).toMatchObject({ remaining: 0, state: 'unavailable' });

    await expireHold(held.body.data.id);
    const after = await snapshot(venue, { 'if-none-match': await etag(venue, 1) });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).toBe(await etag(venue, 2));
    expect(after.body.data.units[0].keys[0]).toMatchObject({ remaining: 1, state: 'available' });
  });

  /** The version of the night's cached guest snapshot, if one was built. */
  const cachedVersion = async (venue: Venue) => {
    const [row] = await db`select version::int from tablehold.snapshot_cache where venue_id = ${venue.id} and service_date = ${venue.date}`;
    return row?.version as number | undefined;
  };

  it('a 304 is decided from the two versions alone: no snapshot is built for it', async () => {
    const venue = await bar(3);
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: bookingOf(venue) })).status).toBe(201);

    // a client that holds the night's current ETag (another tab got it) asks for the night
    const unchanged = await snapshot(venue, { 'if-none-match': await etag(venue, 1) });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(await etag(venue, 1));
    expect(await cachedVersion(venue)).toBeUndefined();

    // a 200 builds the night's snapshot once, and the database keeps it for the next guests
    const full = await snapshot(venue, { 'if-none-match': await etag(venue, 0) });
    expect(full.status).toBe(200);
    expect(full.body.data.version).toBe(1);
    expect(await cachedVersion(venue)).toBe(1);
  });

  it('an If-None-Match that is not the current ETag gets the full snapshot', async () => {
    const venue = await bar(1);
    const r = await snapshot(venue, { 'if-none-match': '"g41.1"' });
    expect(r.status).toBe(200);
    expect(r.body.data.venue_id).toBe(venue.id);
  });
});
