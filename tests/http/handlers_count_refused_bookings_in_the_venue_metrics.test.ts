// A refused booking rolls back, so the engine cannot count it: the handler records it afterwards in
// tablehold.refusals (public.record_refusal), stale when the guest's seen_version was behind the
// channel. The venue's metrics then show the conflicts prevented. Each test has its own venue.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { book } from '../../functions/book/routes.ts';
import { hold } from '../../functions/hold/routes.ts';
import { staff } from '../../functions/staff/routes.ts';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { callHandler, type Credential, credentials, guest, inProcess, outcome } from '../support/http';

const db = sql(4);
let anon: Credential;
let service: Credential;

beforeAll(async () => {
  await inProcess(db);
  ({ publishable: anon, secret: service } = await credentials());
  vi.spyOn(console, 'log').mockImplementation(() => {}); // the handlers' log lines
});
afterAll(async () => {
  vi.restoreAllMocks();
  await closeAll();
});

/** A bar with one pooled section of one table, and a restaurant with one table for two. */
const bar = () => createVenue(db, {
  kind: 'bar', units: [{ code: 'lounge', type: 'section', mode: 'pooled', booking: 'date', capacity: 1, maxCovers: 4 }],
});
const restaurant = () => createVenue(db, {
  kind: 'restaurant', units: [{ code: 't1', type: 'table', mode: 'exclusive', booking: 'time', minCovers: 1, maxCovers: 2 }],
});

const lounge = (venue: Venue, extra: Record<string, unknown> = {}) => ({
  venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.lounge], guest: guest('refusal'), ...extra,
});

/** The venue's refusal counters, as rows. */
const refusals = (venue: Venue) => db`
  select code, stale, count::int from tablehold.refusals where venue_id = ${venue.id} order by code, stale`;
const bookingsAt = async (venue: Venue) =>
  (await db`select count(*)::int as n from tablehold.bookings where venue_id = ${venue.id}`)[0].n;
/** Yesterday to tomorrow (UTC), so that a run across midnight still finds its day. */
const around = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('refused bookings are counted for the venue', () => {
  it('a booking refused with SECTION_NOT_AVAILABLE is counted once, not stale, and the refused booking is gone', async () => {
    const venue = await bar();
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) })).status).toBe(201);
    expect(await refusals(venue)).toEqual([]);

    const refused = await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) });
    expect(outcome(refused)).toEqual([409, 'SECTION_NOT_AVAILABLE']);
    expect(await refusals(venue)).toEqual([{ code: 'SECTION_NOT_AVAILABLE', stale: false, count: 1 }]);
    expect(await bookingsAt(venue)).toBe(1);
  });

  it('a guest whose seen_version is behind the channel is refused with stale: true, and counted as stale', async () => {
    const venue = await bar();
    const first = await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) });
    expect(first.body.data.version).toBe(1);

    const refused = await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue, { seen_version: 0 }) });
    expect(outcome(refused)).toEqual([409, 'SECTION_NOT_AVAILABLE']);
    expect(refused.body.error.details).toMatchObject({ stale: true, version: 1 });
    expect(await refusals(venue)).toEqual([{ code: 'SECTION_NOT_AVAILABLE', stale: true, count: 1 }]);
  });

  it('a guest who saw the current version is refused with stale: false', async () => {
    const venue = await bar();
    await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) });

    const refused = await callHandler(hold, anon, 'POST', 'hold/v1', { body: lounge(venue, { seen_version: 1 }) });
    expect(outcome(refused)).toEqual([409, 'SECTION_NOT_AVAILABLE']);
    expect(refused.body.error.details).toMatchObject({ stale: false, version: 1 });
    expect(await refusals(venue)).toEqual([{ code: 'SECTION_NOT_AVAILABLE', stale: false, count: 1 }]);
  });

  it('refusals add up per code: a named table taken twice, then no table left for auto-assignment', async () => {
    const venue = await restaurant();
    const at = venue.at('19:00');
    const table = (extra: Record<string, unknown> = {}) => ({ venue_id: venue.id, party_size: 2, start: at, guest: guest('table'), ...extra });
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: table({ unit_ids: [venue.units.t1] }) })).status).toBe(201);

    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: table({ unit_ids: [venue.units.t1] }) })))
      .toEqual([409, 'TABLE_NOT_AVAILABLE']);
    expect(outcome(await callHandler(hold, anon, 'POST', 'hold/v1', { body: table({ unit_ids: [venue.units.t1] }) })))
      .toEqual([409, 'TABLE_NOT_AVAILABLE']);
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: table() }))).toEqual([409, 'NO_TABLE_AVAILABLE']);

    expect(await refusals(venue)).toEqual([
      { code: 'NO_TABLE_AVAILABLE', stale: false, count: 1 },
      { code: 'TABLE_NOT_AVAILABLE', stale: false, count: 2 },
    ]);
  });

  it('a confirm refused with HOLD_EXPIRED is counted too (it is one of the refusal codes)', async () => {
    const venue = await bar();
    const held = await callHandler(hold, anon, 'POST', 'hold/v1', { body: lounge(venue) });
    await db`update tablehold.bookings set hold_expires_at = now() - interval '1 second' where id = ${held.body.data.id}`;
    expect((await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) })).status).toBe(201);

    const refused = await callHandler(hold, anon, 'POST', `hold/v1/${held.body.data.id}/confirm`, {
      body: { manage_token: held.body.data.manage_token },
    });
    expect(outcome(refused)).toEqual([410, 'HOLD_EXPIRED']);
    expect(await refusals(venue)).toEqual([{ code: 'HOLD_EXPIRED', stale: false, count: 1 }]);
  });

  it('what is not a refusal counts nothing: bad input, a party too large, an unknown unit', async () => {
    const venue = await bar();
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue, { party_size: 0 }) })))
      .toEqual([400, 'VALIDATION_FAILED']);
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue, { party_size: 51 }) })))
      .toEqual([422, 'INVALID_PARTY_SIZE']);
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue, { unit_ids: [venue.id] }) })))
      .toEqual([404, 'NOT_FOUND']);
    expect(await refusals(venue)).toEqual([]);
  });

  it("the venue's metrics show today's bookings and the conflicts prevented, stale ones apart", async () => {
    const venue = await bar();
    const held = await callHandler(hold, anon, 'POST', 'hold/v1', { body: lounge(venue) });
    const confirmed = await callHandler(hold, anon, 'POST', `hold/v1/${held.body.data.id}/confirm`, {
      body: { manage_token: held.body.data.manage_token },
    });
    expect(confirmed.body.data.status).toBe('confirmed');
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue) }))).toEqual([409, 'SECTION_NOT_AVAILABLE']);
    expect(outcome(await callHandler(book, anon, 'POST', 'book/v1', { body: lounge(venue, { seen_version: 0 }) })))
      .toEqual([409, 'SECTION_NOT_AVAILABLE']);

    const r = await callHandler(staff, service, 'GET', 'staff/v1/metrics', { query: { venue_id: venue.id, from: around(-1), to: around(1) } });
    expect(r.status).toBe(200);
    expect(r.body.data).toEqual([{
      day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), bookings_made: 1, holds_created: 1, holds_confirmed: 1, holds_expired: 0, hold_conversion: 1,
      conflicts_prevented: 2, stale_view_refusals: 1, refusals_by_code: { SECTION_NOT_AVAILABLE: 2 },
    }]);
  });
});
