// The availability ETag over real HTTP: it changes whenever anything the caller sees changes (a
// booking, a unit's price or name, a turn time), it differs between the guest view and the staff view
// of the same night, and every answer says it varies by Authorization and apikey. A venue of its
// own, with a host, so nothing else moves its night.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, type Venue } from '../support/fixtures';
import { createStaff, type Credential, credentials, guest, invoke, type Reply } from '../support/http';

const db = sql(2);
let venue: Venue;
let anon: Credential;
let host: Credential;

beforeAll(async () => {
  venue = await createVenue(db, {
    kind: 'restaurant',
    units: [
      { code: 'lounge', type: 'section', mode: 'pooled', booking: 'date', capacity: 3, maxCovers: 4 },
      { code: 't1', type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 },
    ],
  });
  const c = await credentials();
  anon = c.publishable;
  host = await c.user('host', await createStaff(db, venue.id));
});
afterAll(closeAll);

const night = (who: Credential, headers: Record<string, string> = {}, extra: Record<string, string> = {}) =>
  invoke(who, 'GET', 'availability/v1', { query: { venue_id: venue.id, date: venue.date, ...extra }, headers });
const etagOf = (r: Reply) => r.headers.get('etag')!;
/** GETs with the ETag: 304 while it still stands, else 200 with a new one. */
const revalidate = (who: Credential, etag: string, extra: Record<string, string> = {}) =>
  night(who, { 'if-none-match': etag }, extra);

describe('the availability ETag', () => {
  it('guests and staff get different ETags for the same night, and every answer varies by Authorization and apikey', async () => {
    const [g, s] = [await night(anon), await night(host)];
    expect([g.status, s.status]).toEqual([200, 200]);
    expect(etagOf(g)).toMatch(/^"g\d+\.\d+"$/);
    expect(etagOf(s)).toMatch(/^"s[0-9a-f]{32}"$/);
    for (const r of [g, s, await revalidate(anon, etagOf(g))]) expect(r.headers.get('vary')).toBe('Authorization, apikey');
  });

  it('one view\'s ETag never stands for the other: each gets its own 304, and the other view\'s ETag gets a 200', async () => {
    const [g, s] = [etagOf(await night(anon)), etagOf(await night(host))];
    expect((await revalidate(anon, g)).status).toBe(304);
    expect((await revalidate(host, s)).status).toBe(304);
    const hostWithGuests = await revalidate(host, g);
    expect([hostWithGuests.status, etagOf(hostWithGuests)]).toEqual([200, s]);
    expect(hostWithGuests.body.data.units[0].keys[0]).toHaveProperty('staff_state');
    const guestWithHosts = await revalidate(anon, s);
    expect([guestWithHosts.status, etagOf(guestWithHosts)]).toEqual([200, g]);
    expect(guestWithHosts.body.data.units[0].keys[0]).not.toHaveProperty('staff_state');
  });

  it('a unit\'s new price changes both ETags, and the old ones get the new price', async () => {
    const [g, s] = [etagOf(await night(anon)), etagOf(await night(host))];
    await db`update tablehold.units set deposit = deposit + 15, min_spend = 200 where id = ${venue.units.lounge}`;
    for (const [who, etag] of [[anon, g], [host, s]] as const) {
      const r = await revalidate(who, etag);
      expect(r.status).toBe(200);
      expect(etagOf(r)).not.toBe(etag);
      expect(r.body.data.units.find((u: { code: string }) => u.code === 'lounge')).toMatchObject({ min_spend: 200 });
    }
  });

  it('renaming a unit changes it too', async () => {
    const g = etagOf(await night(anon));
    await db`update tablehold.units set name = 'The lounge' where id = ${venue.units.lounge}`;
    const r = await revalidate(anon, g);
    expect([r.status, r.body.data.units[0].name]).toEqual([200, 'The lounge']);
  });

  it('a turn time edit changes the ETag of a party\'s view at a start', async () => {
    const at = { party_size: '4', start: venue.at('19:00') };
    const g = etagOf(await night(anon, {}, at));
    expect((await revalidate(anon, g, at)).status).toBe(304);
    await db`insert into tablehold.turn_times (venue_id, min_party, max_party, duration) values (${venue.id}, 3, 6, '3 hours')`;
    expect((await revalidate(anon, g, at)).status).toBe(200);
  });

  it('a hold changes both; confirming it changes the staff ETag only, as only staff see the difference', async () => {
    const [g0, s0] = [etagOf(await night(anon)), etagOf(await night(host))];
    const held = await invoke(anon, 'POST', 'hold/v1', {
      body: { venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.lounge], guest: guest('etag') },
    });
    expect(held.status).toBe(201);
    const [g1, s1] = [etagOf(await revalidate(anon, g0)), etagOf(await revalidate(host, s0))];
    expect([g1, s1]).not.toContain(g0);
    expect(s1).not.toBe(s0);

    const confirmed = await invoke(anon, 'POST', `hold/v1/${held.body.data.id}/confirm`, { body: { manage_token: held.body.data.manage_token } });
    expect(confirmed.status).toBe(200);
    expect((await revalidate(anon, g1)).status, 'guests: still 304').toBe(304);
    const staffView = await revalidate(host, s1);
    expect(staffView.status, 'staff: the confirmed booking').toBe(200);
    expect(staffView.body.data.units[0].keys[0].by_status).toEqual({ confirmed: 1 });
  });
});
