// An unchanged PATCH writes nothing, over real HTTP: a guest's PATCH /book/v1/:id with no change, or
// with every field as it already is, and a host's PATCH /staff/v1/bookings/:id naming the same tables
// answer 200 with the booking and leave every table's row count as it was (allocations, availability
// events, audit rows, staff feed lines) and the booking row untouched. A real change, in the same
// test, moves the counts: they can fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { createStaff, type Credential, credentials, guest, invoke } from '../support/http';

const db = sql(2);
let venue: Venue;
let anon: Credential;
let host: Credential;

beforeAll(async () => {
  venue = await createVenue(db, {
    kind: 'restaurant',
    units: [
      { code: 'lounge', type: 'section', mode: 'pooled', booking: 'date', capacity: 5, maxCovers: 4 },
      { code: 't1', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
      { code: 't2', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
    ],
  });
  const c = await credentials();
  anon = c.publishable;
  host = await c.user('host', await createStaff(db, venue.id));
});
afterAll(closeAll);

/** What the venue has written so far, and the booking row's version (xmin changes with any update). */
const written = async (bookingId: string) => (await db`
  select (select count(*) from tablehold.allocations where venue_id = ${venue.id})::int as allocations,
         (select count(*) from public.availability_events where venue_id = ${venue.id})::int as events,
         (select count(*) from tablehold.audit_log where venue_id = ${venue.id})::int as audit,
         (select count(*) from public.staff_events where venue_id = ${venue.id})::int
           + (select count(*) from tablehold.staff_events_pending where venue_id = ${venue.id})::int as staff,
         (select xmin::text from tablehold.bookings where id = ${bookingId}) as row_version`)[0];

describe('an unchanged PATCH', () => {
  it('a guest\'s PATCH with no change, or with every field as it is, answers the booking and writes nothing', async () => {
    const booked = await invoke(anon, 'POST', 'book/v1', {
      body: { venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.lounge], guest: guest('patch') },
    });
    expect(booked.status).toBe(201);
    const { id, manage_token } = booked.body.data;
    const before = await written(id);

    const empty = await invoke(anon, 'PATCH', `book/v1/${id}`, { body: { manage_token } });
    const same = await invoke(anon, 'PATCH', `book/v1/${id}`, { body: { manage_token, party_size: 2, date: venue.date } });
    for (const r of [empty, same]) {
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ id, party_size: 2, status: 'confirmed', units: [{ unit_id: venue.units.lounge, quantity: 1 }] });
    }
    expect(await written(id)).toEqual(before);

    const changed = await invoke(anon, 'PATCH', `book/v1/${id}`, { body: { manage_token, party_size: 4 } });
    expect([changed.status, changed.body.data.party_size]).toEqual([200, 4]);
    const after = await written(id);
    expect(after.allocations, 'a real change writes its allocation').toBeGreaterThan(before.allocations);
    expect(after.audit, 'and its audit row').toBeGreaterThan(before.audit);
    expect(after.row_version).not.toBe(before.row_version);
  });

  it('a host naming the same start, party and table writes nothing either', async () => {
    const start = venue.at('19:00');
    const booked = await invoke(host, 'POST', 'book/v1', {
      body: { venue_id: venue.id, party_size: 2, start, unit_ids: [venue.units.t1], guest: guest('patch-table') },
    });
    expect(booked.status).toBe(201);
    const { id } = booked.body.data;
    const before = await written(id);

    const same = await invoke(host, 'PATCH', `staff/v1/bookings/${id}`, { body: { party_size: 2, start, unit_ids: [venue.units.t1] } });
    expect([same.status, same.body.data.units.map((u: { code: string }) => u.code)]).toEqual([200, ['t1']]);
    expect(await written(id)).toEqual(before);

    const moved = await invoke(host, 'PATCH', `staff/v1/bookings/${id}`, { body: { unit_ids: [venue.units.t2] } });
    expect([moved.status, moved.body.data.units.map((u: { code: string }) => u.code)]).toEqual([200, ['t2']]);
    const after = await written(id);
    expect(after.events, 'moving tables publishes t1 freed and t2 taken').toBe(before.events + 2);
  });
});
