// A booking reads the venue's units before it takes the venue-night's lock (its lock-free refusal
// needs them). A capacity cut or an out-of-service switch committed while it waits for that lock must
// count when it is let in: the engine decides on the unit's row as its count under the lock reads it.
// Two named sessions, at READ COMMITTED (supabase-js .rpc()) and SERIALIZABLE (the Edge layer):
//   1. session 1 (staff in Studio, then a guest) cuts the section to 2 and books 1 of it, open;
//   2. session 2 (a guest) asks for 2 of the section: its lock-free check passes on the committed
//      capacity of 10, and it waits for the night's lock session 1 holds;
//   3. session 1 commits: 1 of 2 taken;
//   4. session 2 is refused (SECTION_NOT_AVAILABLE, or at SERIALIZABLE re-run and refused): the
//      section never holds more than its capacity.
import { afterAll, describe, expect, it } from 'vitest';
import { actAsGuest, blockedBy, closeAll, deferred, inTx, type Isolation, outcomeLabel, rpc, session, sql, type Tx } from '../support/db';
import { createVenue, guest, pooledOverCapacity, type Venue } from '../support/fixtures';

const SOLD_OUT = /^TH001 SECTION_NOT_AVAILABLE/;
const db = sql();
afterAll(closeAll);

const bar = () =>
  createVenue(db, {
    kind: 'bar',
    units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }],
  });

/** A guest books the floor for `party` (two covers per unit of the section). */
async function bookFloor(tx: Tx, venue: Venue, party: number, who: string) {
  await actAsGuest(tx);
  return rpc(tx, 'book', { venue_id: venue.id, party_size: party, date: venue.date, unit_ids: [venue.units.floor], guest: guest(who) });
}

async function taken(venue: Venue): Promise<number> {
  const [{ n }] = await db`select coalesce(sum(quantity), 0)::int as n from tablehold.allocations where unit_id = ${venue.units.floor} and active`;
  return n;
}

describe('a capacity cut made while a booking waits for the night counts', () => {
  for (const isolation of ['read committed', 'serializable'] as Isolation[]) {
    it(`at ${isolation}, a booking let in after a cut to 2 (1 taken) cannot take 2 more`, async () => {
      const venue = await bar();
      const session1 = await session();
      const session2 = await session();
      const s1Holds = deferred();
      const s1MayCommit = deferred();

      // step 1: session 1 cuts the floor to 2 (as Studio writes it) and books 1 of it, open
      const first = inTx(session1.db, 'read committed', async (tx) => {
        await tx`update tablehold.units set capacity = 2 where id = ${venue.units.floor}`;
        const booking = await bookFloor(tx, venue, 2, 'session-1');
        s1Holds.resolve();
        await s1MayCommit.promise;
        return booking;
      });
      await s1Holds.promise;

      // step 2: session 2 asks for 2 (a party of 4) and waits for the night's lock
      const second = inTx(session2.db, isolation, (tx) => bookFloor(tx, venue, 4, 'session-2'));
      await blockedBy(db, session2.pid, session1.pid);

      // step 3: session 1 commits
      s1MayCommit.resolve();
      expect(outcomeLabel(await first)).toBe('won');

      // step 4: session 2 is refused on the capacity that is, not the one it first read
      expect(outcomeLabel(await second)).toMatch(SOLD_OUT);
      expect(await taken(venue)).toBe(1);
      expect(await pooledOverCapacity(db, venue.id)).toEqual([]);
      await session1.db.end();
      await session2.db.end();
    });
  }
});
