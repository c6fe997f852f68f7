// The first guest to read a night after a change computes its snapshot and writes it to
// tablehold.snapshot_cache in their own transaction. Other readers never wait for that row: a
// reader whose transaction stays open (a Studio session, a slow client) does not hold up the next
// one, and a crowd reading a night that just changed all get it at once, none waiting on another's
// row or re-run. Named sessions, held open with deferred promises.
import { afterAll, describe, expect, it } from 'vitest';
import {
  actAsGuest, blockedBy, closeAll, deferred, inTx, rpc, session, sql, stampede, totalRetries, type Tx,
} from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';

const crowd = sql(20);
const db = sql();
afterAll(closeAll);

/** A bar with one pooled section of 10 tables of 4, booked by the day. */
const bar = () => createVenue(db, {
  kind: 'bar',
  units: [{ code: 'lounge', type: 'section', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 4 }],
});

/** A guest's read of the night, as supabase-js .rpc() makes it. */
async function guestReads(tx: Tx, venue: Venue) {
  await actAsGuest(tx);
  return rpc<{ version: number; as_of: string; units: { keys: { remaining: number }[] }[] }>(tx, 'availability', {
    venue_id: venue.id, date: venue.date,
  });
}

const cachedRow = async (venue: Venue) => {
  const [row] = await db`select version::int, computed_at from tablehold.snapshot_cache where venue_id = ${venue.id} and service_date = ${venue.date}`;
  return row as { version: number; computed_at: Date } | undefined;
};

const book = (venue: Venue, who: string) =>
  inTx(db, 'read committed', async (tx) => {
    await actAsGuest(tx);
    return rpc(tx, 'book', { venue_id: venue.id, party_size: 4, date: venue.date, unit_ids: [venue.units.lounge], guest: guest(who) });
  });

describe('snapshot readers never wait for each other', () => {
  it('a reader whose transaction stays open after filling the cache does not hold up the next reader', async () => {
    const venue = await bar();
    const session1 = await session();
    const session2 = await session();
    const s1Read = deferred();
    const s1MayCommit = deferred();

    // step 1: session 1 reads the night (a miss: it computes and writes the row) and stays open
    const first = inTx(session1.db, 'read committed', async (tx) => {
      const snapshot = await guestReads(tx, venue);
      s1Read.resolve();
      await s1MayCommit.promise;
      return snapshot;
    });
    await s1Read.promise;

    // step 2: session 2 reads the same night while session 1's row is uncommitted: it returns
    // without ever being blocked by session 1, with the same snapshot computed
    const reading = inTx(session2.db, 'read committed', (tx) => guestReads(tx, venue));
    const verdict = await Promise.race([
      reading.then(() => 'returned'),
      blockedBy(db, session2.pid, session1.pid).then(() => 'blocked by session 1', () => new Promise<never>(() => {})),
    ]);
    if (verdict !== 'returned') s1MayCommit.resolve(); // let both finish before failing
    expect(verdict).toBe('returned');
    const second = await reading;
    expect(second.error).toBeUndefined();
    expect(await cachedRow(venue)).toBeUndefined(); // session 1's row is not committed yet

    // step 3: session 1 commits its row; both read the same night
    s1MayCommit.resolve();
    const firstOutcome = await first;
    const { as_of: _a, ...firstSeen } = firstOutcome.value!;
    const { as_of: _b, ...secondSeen } = second.value!;
    expect(firstSeen).toEqual(secondSeen); // as_of aside: each read's own clock
    const written = await cachedRow(venue);
    expect(written?.version).toBe(0);

    // step 4: a later reader is served that row (computed_at unchanged: nothing computed again)
    await inTx(db, 'read committed', (tx) => guestReads(tx, venue));
    expect((await cachedRow(venue))?.computed_at).toEqual(written?.computed_at);
    await Promise.all([session1.db.end(), session2.db.end()]);
  });

  it('twenty guests reading a night that just changed all get the new version at once, none re-run', async () => {
    const venue = await bar();
    await inTx(db, 'read committed', (tx) => guestReads(tx, venue)); // cached at version 0
    expect((await book(venue, 'ada')).error).toBeUndefined();

    const outcomes = await stampede(crowd, 20, 'read committed', (tx) => guestReads(tx, venue));
    expect(outcomes.map((o) => o.error)).toEqual(Array(20).fill(undefined));
    expect(totalRetries(outcomes)).toBe(0);
    expect(new Set(outcomes.map((o) => o.value!.version))).toEqual(new Set([1]));
    expect(outcomes.every((o) => o.value!.units[0].keys[0].remaining === 9)).toBe(true);
    expect((await cachedRow(venue))?.version).toBe(1);
  });
});
