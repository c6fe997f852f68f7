// Two hundred guests try to hold (or book) a pooled section of five units at the same moment, each
// on its own connection, as supabase-js .rpc() calls do (anon role + JWT claims inside the transaction).
// Exactly five get in; everybody else is told SECTION_NOT_AVAILABLE; the database and the event feed agree.
import { afterAll, describe, expect, it } from 'vitest';
import { actAsGuest, closeAll, rpc, sql, stampede, tally, totalRetries } from '../support/db';
import { channelGaps, createVenue, guest } from '../support/fixtures';

const GUESTS = 200;
const CAPACITY = 5;
const crowd = sql(GUESTS);
const db = sql();
afterAll(closeAll);

describe('concurrent guests never overbook a section', () => {
  const cases = [
    { op: 'hold', status: 'held', isolation: 'read committed' },
    { op: 'book', status: 'confirmed', isolation: 'read committed' },
    { op: 'hold', status: 'held', isolation: 'serializable' },
    { op: 'book', status: 'confirmed', isolation: 'serializable' },
  ] as const;
  for (const { op, status, isolation } of cases) {
    it(`${GUESTS} guests who ${op} a section of ${CAPACITY} at ${isolation}: five get in, the rest are told SECTION_NOT_AVAILABLE`, async () => {
      const venue = await createVenue(db, {
        kind: 'bar',
        units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: CAPACITY, maxCovers: 6 }],
      });
      const floor = venue.units.floor;

      const outcomes = await stampede(crowd, GUESTS, isolation, async (tx, i) => {
        await actAsGuest(tx);
        return rpc<{ status: string; units: { quantity: number }[] }>(tx, op, {
          venue_id: venue.id,
          party_size: 1 + (i % 6), // at most max_covers: every party takes one unit
          date: venue.date,
          unit_ids: [floor],
          guest: guest(i),
        });
      });
      const retries = totalRetries(outcomes);
      console.log(`[${op} at ${isolation}] transactions re-run after 40001/40P01: ${retries}`);

      expect(tally(outcomes)).toEqual({
        won: CAPACITY,
        'TH001 SECTION_NOT_AVAILABLE: Sorry, this option is no longer available.': GUESTS - CAPACITY,
      });
      for (const o of outcomes.filter((x) => x.value)) {
        expect(o.value).toMatchObject({ status, units: [{ unit_id: floor, quantity: 1 }] });
      }
      // The engine locks the unit before counting: at READ COMMITTED nothing needs a re-run.
      if (isolation === 'read committed') expect(retries).toBe(0);

      const [held] = await db`
        select count(*)::int as allocations, coalesce(sum(quantity), 0)::int as quantity
        from tablehold.allocations where unit_id = ${floor} and active`;
      expect(held).toEqual({ allocations: CAPACITY, quantity: CAPACITY });

      const events = await db`
        select version::int, remaining, new_state from public.availability_events
        where venue_id = ${venue.id} order by version`;
      expect(events).toEqual(
        [4, 3, 2, 1, 0].map((remaining, i) => ({
          version: i + 1,
          remaining,
          new_state: remaining > 0 ? 'available' : 'unavailable',
        })),
      );
      expect(await channelGaps(db, venue.id)).toEqual([]);
    });
  }
});
