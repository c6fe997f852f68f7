// At SERIALIZABLE, two bookings of one venue on different nights share no row they both update: the
// staff feed's counter is left to the numbering after commit (tablehold.publish_staff_events). Named
// sessions: A books night 1 and runs its commit-time trigger, then stays open; B books night 2 and
// commits meanwhile, without waiting for A; then A commits too, and the numbering puts both on the
// venue's feed, once each, 1 and 2. (Before, B waited at commit for A's lock on the counter row and,
// once A committed, failed with 40001 and ran again.)
import { afterAll, describe, expect, it } from 'vitest';
import { actAsGuest, closeAll, deferred, rpc, session, sql, type Tx } from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';

const db = sql();
afterAll(closeAll);

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

async function bookNight(tx: Tx, venue: Venue, date: string, who: string) {
  await actAsGuest(tx);
  return rpc<{ id: string; reference: string }>(tx, 'book', {
    venue_id: venue.id, party_size: 2, date, unit_ids: [venue.units.floor], guest: guest(who),
  });
}

/** 'committed', or the SQLSTATE and message it failed with. */
const settle = (p: Promise<unknown>) =>
  p.then(() => 'committed', (e: { code?: string; message?: string }) => `${e.code}: ${e.message}`);

/** What `done` settled to, or 'waited for A' as soon as backend `waiter` is blocked by `holder`. */
async function endedOrBlocked(done: Promise<string>, waiter: number, holder: number): Promise<string> {
  for (;;) {
    const ended = await Promise.race([done, new Promise<undefined>((r) => setTimeout(r, 5))]);
    if (ended !== undefined) return ended;
    const [{ waits }] = await db`select ${holder}::int = any (pg_blocking_pids(${waiter}::int)) as waits`;
    if (waits) return 'waited for A';
  }
}

describe('two serializable bookings of one venue on different nights', () => {
  it('both commit without waiting for each other, and the numbering puts each on the staff feed once, gap-free', async () => {
    const venue = await createVenue(db, {
      kind: 'club',
      units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: 50, maxCovers: 6 }],
    });
    const [a, b] = [await session(), await session()];
    const aFired = deferred<string>();
    const releaseA = deferred();
    const aDone = settle(a.db.begin('isolation level serializable', async (tx) => {
      const booking = await bookNight(tx, venue, venue.date, 'a');
      await tx`set constraints all immediate`; // A's commit-time trigger has run: its staff event is written
      aFired.resolve(booking.reference);
      await releaseA.promise;
    }));
    const aReference = await Promise.race([aFired.promise, aDone.then((o) => Promise.reject(new Error(`A ended early: ${o}`)))]);

    let bReference = '';
    const bDone = settle(b.db.begin('isolation level serializable', async (tx) => {
      bReference = (await bookNight(tx, venue, nextDay(venue.date), 'b')).reference;
    }));
    // B either ends while A is open, or waits for A: ask the server which, never a guessed sleep
    const bWhileAOpen = await endedOrBlocked(bDone, b.pid, a.pid);
    releaseA.resolve();

    expect({ bWhileAOpen, a: await aDone, b: await bDone }).toEqual({ bWhileAOpen: 'committed', a: 'committed', b: 'committed' });
    expect(await db`select count(*)::int as n from public.staff_events where venue_id = ${venue.id}`, 'neither is numbered at commit')
      .toEqual([{ n: 0 }]);
    await db`select tablehold.publish_staff_events(${venue.id}::uuid)`;
    const feed = await db`select seq::int, reference from public.staff_events where venue_id = ${venue.id} order by seq`;
    expect(feed.map((e) => e.seq)).toEqual([1, 2]);
    expect(feed.map((e) => e.reference).sort()).toEqual([aReference, bReference].sort());
  });
});
