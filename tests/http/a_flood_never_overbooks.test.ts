// 300 guests press "Book" at the same moment, over real HTTP against the functions server: the
// server's small database pool queues them and SERIALIZABLE re-runs the collisions, and still
// exactly the inventory there is gets sold. Everybody else gets a clean 409, nobody a 5xx.
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, exclusiveOverlaps, pooledOverCapacity, type UnitSpec } from '../support/fixtures';
import { call, dayAhead, flood, guest, instantAhead, report, tallyReplies } from '../support/flood';

const GUESTS = 300;
const FLOOD_TIMEOUT = 300_000;
const db = sql();
afterAll(closeAll);

const book = (body: Record<string, unknown>) => call('POST', 'book/v1', { body });

/** Guest i's start: 19:00 to 20:45 on the 15-minute grid. Each booking lasts the default turn of
 *  2 hours, so any two of these starts overlap and a table can take only one of them. */
const overlappingStart = (daysAhead: number, i: number) =>
  instantAhead(daysAhead, `${19 + Math.floor((i % 8) / 4)}:${String((i % 4) * 15).padStart(2, '0')}`);

/** Active allocations per unit code of a venue. */
const activeAllocations = (venueId: string) => db`
  select u.code, count(a.id)::int as allocations, coalesce(sum(a.quantity), 0)::int as quantity
  from tablehold.units u
  left join tablehold.allocations a on a.unit_id = u.id and a.active
  where u.venue_id = ${venueId}
  group by u.code order by u.code`;

describe('a flood of simultaneous bookings never overbooks', () => {
  it(`${GUESTS} guests booking a pooled section of 10 get exactly 10 bookings and ${GUESTS - 10} SECTION_NOT_AVAILABLE`, async () => {
    const venue = await createVenue(db, {
      kind: 'bar',
      units: [{ code: 'terrace', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 4 }],
    });
    const date = dayAhead(30);

    const { replies, ms } = await flood(GUESTS, (i) =>
      book({ venue_id: venue.id, party_size: 2, date, unit_ids: [venue.units.terrace], guest: guest(venue, i) }));
    report('pooled section', replies, ms);

    expect(tallyReplies(replies)).toEqual({ '201': 10, '409 SECTION_NOT_AVAILABLE': GUESTS - 10 });
    expect(replies.filter((r) => r.status === 201).map((r) => r.body.data.status)).toEqual(Array(10).fill('confirmed'));
    expect(await activeAllocations(venue.id)).toEqual([{ code: 'terrace', allocations: 10, quantity: 10 }]);
    expect(await pooledOverCapacity(db, venue.id)).toEqual([]);
  }, FLOOD_TIMEOUT);

  it(`${GUESTS} guests naming one table at overlapping start times get exactly one booking and ${GUESTS - 1} TABLE_NOT_AVAILABLE`, async () => {
    const venue = await createVenue(db, {
      kind: 'restaurant',
      units: [{ code: 't1', type: 'table', mode: 'exclusive', booking: 'time', minCovers: 1, maxCovers: 4 }],
    });

    const { replies, ms } = await flood(GUESTS, (i) =>
      book({ venue_id: venue.id, party_size: 2, start: overlappingStart(31, i), unit_ids: [venue.units.t1], guest: guest(venue, i) }));
    report('named table', replies, ms);

    expect(tallyReplies(replies)).toEqual({ '201': 1, '409 TABLE_NOT_AVAILABLE': GUESTS - 1 });
    expect(await activeAllocations(venue.id)).toEqual([{ code: 't1', allocations: 1, quantity: 1 }]);
    expect(await exclusiveOverlaps(db, venue.id)).toEqual([]);
  }, FLOOD_TIMEOUT);

  it(`${GUESTS} guests asking for any table at overlapping start times fill each of the 8 tables once; the rest get NO_TABLE_AVAILABLE`, async () => {
    const tables: UnitSpec[] = Array.from({ length: 8 }, (_, i) => ({
      code: `t${i + 1}`, type: 'table', mode: 'exclusive', booking: 'time', minCovers: 1, maxCovers: 2 + (i % 3),
    }));
    const venue = await createVenue(db, { kind: 'restaurant', units: tables });

    const { replies, ms } = await flood(GUESTS, (i) =>
      book({ venue_id: venue.id, party_size: 2, start: overlappingStart(32, i), guest: guest(venue, i) }));
    report('auto-assigned tables', replies, ms);

    expect(tallyReplies(replies)).toEqual({ '201': tables.length, '409 NO_TABLE_AVAILABLE': GUESTS - tables.length });
    const assigned = replies.flatMap((r) => r.status === 201 ? r.body.data.units.map((u: { code: string }) => u.code) : []);
    expect(assigned.sort()).toEqual(tables.map((t) => t.code).sort());
    expect(await activeAllocations(venue.id)).toEqual(tables.map((t) => ({ code: t.code, allocations: 1, quantity: 1 })));
    expect(await exclusiveOverlaps(db, venue.id)).toEqual([]);
  }, FLOOD_TIMEOUT);
});
