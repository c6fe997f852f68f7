// Guests booking the same named table for overlapping windows that start at different times:
// exactly one wins, every other one is told TABLE_NOT_AVAILABLE, at READ COMMITTED and SERIALIZABLE.
// Then one interleaving spelled out step by step with two named sessions.
import { afterAll, describe, expect, it } from 'vitest';
import {
  actAsGuest, blockedBy, closeAll, deferred, inTx, type Isolation, outcomeLabel, rpc, session, sql, stampede,
  tally, totalRetries, type Tx,
} from '../support/db';
import { createVenue, exclusiveOverlaps, guest, type Venue } from '../support/fixtures';

const TAKEN = 'TH002 TABLE_NOT_AVAILABLE: Sorry, this table is no longer available at that time.';
const crowd = sql(50);
const db = sql();
afterAll(closeAll);

/** A restaurant with one table and starts every minute, so starts a few minutes apart overlap (2-hour turns). */
const restaurant = () =>
  createVenue(db, {
    kind: 'restaurant',
    startGrid: '1 minute',
    units: [{ code: 't1', type: 'table', mode: 'exclusive', booking: 'time', minCovers: 1, maxCovers: 4 }],
  });

/** A guest books table t1 of the venue for two, starting `minutes` after 19:00. */
async function bookTable(tx: Tx, venue: Venue, minutes: number, who: number | string) {
  await actAsGuest(tx);
  return rpc(tx, 'book', {
    venue_id: venue.id,
    party_size: 2,
    start: new Date(Date.parse(venue.at('19:00')) + minutes * 60_000).toISOString(),
    unit_ids: [venue.units.t1],
    guest: guest(who),
  });
}

async function activeAllocations(venue: Venue): Promise<number> {
  const [{ n }] = await db`select count(*)::int as n from tablehold.allocations where unit_id = ${venue.units.t1} and active`;
  return n;
}

describe('two overlapping bookings of one table: exactly one wins', () => {
  for (const isolation of ['read committed', 'serializable'] as Isolation[]) {
    for (const guests of [2, 50]) {
      it(`${guests} guests booking one table at ${isolation} for overlapping windows that start at different times: one wins, the rest are told TABLE_NOT_AVAILABLE`, async () => {
        const venue = await restaurant();
        // starts 19:00, 19:01, ... (19:00 and 19:45 for two guests): every pair of windows overlaps
        const outcomes = await stampede(crowd, guests, isolation, (tx, i) =>
          bookTable(tx, venue, guests === 2 ? 45 * i : i, i),
        );
        console.log(`[${guests} at ${isolation}] re-runs after 40001/40P01: ${totalRetries(outcomes)}`);

        expect(tally(outcomes)).toEqual({ won: 1, [TAKEN]: guests - 1 });
        expect(await activeAllocations(venue)).toBe(1);
        expect(await exclusiveOverlaps(db, venue.id)).toEqual([]);
      });
    }

    it(`at ${isolation}, a second booking waits for the first one's lock and, once the first commits, is told TABLE_NOT_AVAILABLE`, async () => {
      const venue = await restaurant();
      const session1 = await session();
      const session2 = await session();
      const s1Booked = deferred();
      const s1MayCommit = deferred();

      // step 1: session 1 books t1 at 19:00 and keeps its transaction open
      const first = inTx(session1.db, isolation, async (tx) => {
        const booking = await bookTable(tx, venue, 0, 'session-1');
        s1Booked.resolve();
        await s1MayCommit.promise;
        return booking;
      });
      await s1Booked.promise;

      // step 2: session 2 books t1 at 19:30 and waits on the table session 1 has locked
      const second = inTx(session2.db, isolation, (tx) => bookTable(tx, venue, 30, 'session-2'));
      await blockedBy(db, session2.pid, session1.pid);

      // step 3: session 1 commits and has the table
      s1MayCommit.resolve();
      expect(outcomeLabel(await first)).toBe('won');
      expect((await first).value).toMatchObject({ status: 'confirmed', units: [{ code: 't1' }] });

      // step 4: session 2 is told the table is taken (at SERIALIZABLE possibly after a re-run)
      const refused = await second;
      console.log(`[interleaving at ${isolation}] session 2 re-runs after 40001/40P01: ${refused.retries}`);
      expect(outcomeLabel(refused)).toBe(TAKEN);
      expect(await activeAllocations(venue)).toBe(1);
    });
  }
});
