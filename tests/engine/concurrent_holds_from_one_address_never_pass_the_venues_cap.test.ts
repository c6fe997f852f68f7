// Sixty guests under sixty names, all from one client address, hold a large section at the same
// moment, each on its own connection as supabase-js .rpc() calls do (anon, with request.headers as
// PostgREST passes it). The venue caps an address at 3 live bookings a night: exactly 3 get in at
// either isolation level, because the count is taken under the night's lock; everybody else is told
// HOLD_LIMIT_REACHED, and the section keeps the rest.
import { afterAll, describe, expect, it } from 'vitest';
import { actAsGuest, closeAll, rpc, sql, stampede, tally } from '../support/db';
import { createVenue, guest } from '../support/fixtures';

const GUESTS = 60;
const CAP = 3;
const crowd = sql(GUESTS);
const db = sql();
afterAll(closeAll);

describe('concurrent holds from one address never pass the venue\'s cap', () => {
  for (const isolation of ['read committed', 'serializable'] as const) {
    it(`${GUESTS} holds from one address at ${isolation}: exactly ${CAP} get in`, async () => {
      const venue = await createVenue(db, {
        kind: 'bar', units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: 100, maxCovers: 6 }],
      });
      await db`update tablehold.venues set max_live_bookings_per_ip = ${CAP} where id = ${venue.id}`;

      const outcomes = await stampede(crowd, GUESTS, isolation, async (tx, i) => {
        await actAsGuest(tx);
        await tx`select set_config('request.headers', '{"x-forwarded-for": "203.0.113.99"}', true)`;
        return rpc(tx, 'hold', { venue_id: venue.id, party_size: 2, date: venue.date, unit_ids: [venue.units.floor], guest: guest(`${venue.slug}-${i}`) });
      });

      expect(tally(outcomes)).toEqual({
        won: CAP,
        'TH018 HOLD_LIMIT_REACHED: You already hold as many bookings for this night as this venue allows.': GUESTS - CAP,
      });
      const [live] = await db`
        select count(*)::int as holds, count(o.booking_id)::int as from_the_address
        from tablehold.bookings b left join tablehold.booking_origins o on o.booking_id = b.id and o.ip = '203.0.113.99'
        where b.venue_id = ${venue.id} and b.status = 'held'`;
      expect(live).toEqual({ holds: CAP, from_the_address: CAP });
    }, 120_000);
  }
});
