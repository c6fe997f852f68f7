// Three times as many guests as tables ask for "any table for two at 19:00" at the same moment
// (book with p_start and no p_unit_ids, so the engine assigns the table): every table is given
// out exactly once, everybody else is told NO_TABLE_AVAILABLE, and no table is double-booked.
import { afterAll, describe, expect, it } from 'vitest';
import { actAsGuest, closeAll, type Isolation, rpc, sql, stampede, tally, totalRetries } from '../support/db';
import { createVenue, exclusiveOverlaps, guest, type UnitSpec } from '../support/fixtures';

const TABLES = 12;
const GUESTS = 3 * TABLES;
const crowd = sql(GUESTS);
const db = sql();
afterAll(closeAll);

/** Tables t01..t12 seating 1-2, 2-3 and 2-4 in turn: each fits a party of two. */
const tables: UnitSpec[] = Array.from({ length: TABLES }, (_, i) => ({
  code: `t${String(i + 1).padStart(2, '0')}`,
  type: 'table',
  mode: 'exclusive',
  booking: 'time',
  minCovers: i % 3 === 0 ? 1 : 2,
  maxCovers: 2 + (i % 3),
}));

describe('concurrent auto-assignment fills every table without overlap', () => {
  for (const isolation of ['read committed', 'serializable'] as Isolation[]) {
    it(`${GUESTS} guests asking for any table at the same start at ${isolation}: all ${TABLES} tables are given out once, the rest are told NO_TABLE_AVAILABLE`, async () => {
      const venue = await createVenue(db, { kind: 'restaurant', units: tables });

      const outcomes = await stampede(crowd, GUESTS, isolation, async (tx, i) => {
        await actAsGuest(tx);
        return rpc<{ units: { code: string }[] }>(tx, 'book', {
          venue_id: venue.id,
          party_size: 2,
          start: venue.at('19:00'),
          guest: guest(i),
        });
      });
      console.log(`[${isolation}] re-runs after 40001/40P01: ${totalRetries(outcomes)}`);

      expect(tally(outcomes)).toEqual({
        won: TABLES,
        'TH016 NO_TABLE_AVAILABLE: Sorry, no table is free for that party size at that time.': GUESTS - TABLES,
      });
      const assigned = outcomes.flatMap((o) => o.value?.units.map((u) => u.code) ?? []);
      expect(assigned.sort()).toEqual(tables.map((t) => t.code));

      const perTable = await db`
        select u.code, count(a.id)::int as active
        from tablehold.units u
        left join tablehold.allocations a on a.unit_id = u.id and a.active
        where u.venue_id = ${venue.id}
        group by u.code order by u.code`;
      expect(perTable).toEqual(tables.map((t) => ({ code: t.code, active: 1 })));
      expect(await exclusiveOverlaps(db, venue.id)).toEqual([]);
    });
  }
});
