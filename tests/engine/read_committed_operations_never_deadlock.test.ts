// At READ COMMITTED (every supabase-js .rpc() call) the engine locks inventory in one fixed order, so
// two calls never wait on each other in a cycle and a guest never sees a raw 40P01. Each interleaving
// is spelled out with named sessions; session Y is a staff member editing a booking row in Studio,
// which holds the other sessions at a chosen step.
import { afterAll, describe, expect, it } from 'vitest';
import { blockedBy, closeAll, lockBookingRow, once, outcomeLabel, rpc, session, sql, type Tx, unitsHeldBy } from '../support/db';
import { createVenue, exclusiveOverlaps } from '../support/fixtures';

const TAKEN = 'TH002 TABLE_NOT_AVAILABLE: Sorry, this table is no longer available at that time.';
const db = sql();
afterAll(closeAll);

const twoTables = () =>
  createVenue(db, {
    kind: 'restaurant',
    units: [
      { code: 't1', type: 'table', mode: 'exclusive', booking: 'time' },
      { code: 't2', type: 'table', mode: 'exclusive', booking: 'time' },
    ],
  });

/** The three named sessions of an interleaving: Y (Studio), 1 and 2. */
const sessions = async () => ({ y: await session(), s1: await session(), s2: await session() });

/** As trusted server code whose clock reads an hour from now, so holds made now have expired for it
 *  but not for the pg_cron sweeper running in the background. */
async function anHourLater(tx: Tx) {
  await tx`select set_config('tablehold.frozen_now', (now() + interval '1 hour')::text, true)`;
}

const tableOf = (bookingId: string) => unitsHeldBy(db, bookingId);

describe('operations at READ COMMITTED never deadlock', () => {
  it('two staff moving two bookings onto each other\'s tables at once are both told TABLE_NOT_AVAILABLE', async () => {
    const venue = await twoTables();
    const book = (code: string) => rpc(db, 'book', { venue_id: venue.id, party_size: 2, start: venue.at('19:00'), unit_ids: [venue.units[code]] });
    const a = await book('t1');
    const b = await book('t2');
    const { y, s1, s2 } = await sessions();

    // step 1: Y holds booking B's row
    const studio = lockBookingRow(y.db, b.id);
    await studio.locked;
    // step 2: session 2 moves B to t1 and waits for Y
    const moveB = once(s2.db, (tx) => rpc(tx, 'modify', { booking_id: b.id, unit_ids: [venue.units.t1] }));
    await blockedBy(db, s2.pid, y.pid);
    // step 3: session 1 moves A to t2 and waits for session 2
    const moveA = once(s1.db, (tx) => rpc(tx, 'modify', { booking_id: a.id, unit_ids: [venue.units.t2] }));
    await blockedBy(db, s1.pid, s2.pid);
    // step 4: Y commits; in any serial order both target tables are still taken
    await studio.release();

    expect({ a: outcomeLabel(await moveA), b: outcomeLabel(await moveB) }).toEqual({ a: TAKEN, b: TAKEN });
    expect({ a: await tableOf(a.id), b: await tableOf(b.id) }).toEqual({ a: ['t1'], b: ['t2'] });
    expect(await exclusiveOverlaps(db, venue.id)).toEqual([]);
  });

  it('the hold sweeper and a booking of a table whose hold has expired both finish', async () => {
    const venue = await twoTables();
    const hold = (code: string) => rpc(db, 'hold', { venue_id: venue.id, party_size: 2, start: venue.at('19:00'), unit_ids: [venue.units[code]] });
    const h1 = await hold('t1'); // expires first, so the sweeper takes it first
    const h2 = await hold('t2');
    const { y, s1, s2 } = await sessions();

    // step 1: Y holds the row of the expired hold on t2
    const studio = lockBookingRow(y.db, h2.id);
    await studio.locked;
    // step 2: session 2 books t2 and waits for Y, as it must expire the stale hold first
    const booking = once(s2.db, async (tx) => {
      await anHourLater(tx);
      return rpc(tx, 'book', { venue_id: venue.id, party_size: 2, start: venue.at('19:00'), unit_ids: [venue.units.t2] });
    });
    await blockedBy(db, s2.pid, y.pid);
    // step 3: session 1 sweeps (the hold on t1 first) and waits for session 2
    const sweep = once(s1.db, async (tx) => {
      await anHourLater(tx);
      return rpc(tx, 'sweep_expired_holds');
    });
    await blockedBy(db, s1.pid, s2.pid);
    // step 4: Y commits; the booking gets t2, the sweeper finishes
    await studio.release();

    expect({ booking: outcomeLabel(await booking), sweep: outcomeLabel(await sweep) }).toEqual({ booking: 'won', sweep: 'won' });
    const statuses = await db`select id, status from tablehold.bookings where id in ${db([h1.id, h2.id])} order by held_at`;
    expect(statuses.map((r) => r.status)).toEqual(['expired', 'expired']);
    expect(await tableOf((await booking).value!.id)).toEqual(['t2']);
  });

  it('a booking moved to the day before while the sweeper expires holds on both days: both finish', async () => {
    const venue = await twoTables();
    const moved = await rpc(db, 'book', { venue_id: venue.id, party_size: 2, start: venue.at('19:00', 1), unit_ids: [venue.units.t1] });
    const hold = (day: number) => rpc(db, 'hold', { venue_id: venue.id, party_size: 2, start: venue.at('19:00', day), unit_ids: [venue.units.t2] });
    const firstDay = await hold(0); // the sweeper goes date by date: this one first
    const secondDay = await hold(1);
    const { y, s1, s2 } = await sessions();

    // step 1: Y holds the row of the expired hold on the first day
    const studio = lockBookingRow(y.db, firstDay.id);
    await studio.locked;
    // step 2: session 2 sweeps: it takes the first day and waits for Y
    const sweep = once(s2.db, async (tx) => {
      await anHourLater(tx);
      return rpc(tx, 'sweep_expired_holds');
    });
    await blockedBy(db, s2.pid, y.pid);
    // step 3: session 1 moves the second day's booking to the first day and waits for session 2
    const move = once(s1.db, (tx) => rpc(tx, 'modify', { booking_id: moved.id, start: venue.at('19:00') }));
    await blockedBy(db, s1.pid, s2.pid);
    // step 4: Y commits; the sweeper goes on to the second day, the booking moves
    await studio.release();

    expect({ move: outcomeLabel(await move), sweep: outcomeLabel(await sweep) }).toEqual({ move: 'won', sweep: 'won' });
    expect((await move).value).toMatchObject({ service_date: venue.date, units: [{ code: 't1' }] });
    const statuses = await db`select status from tablehold.bookings where id in ${db([firstDay.id, secondDay.id])}`;
    expect(statuses.map((r) => r.status)).toEqual(['expired', 'expired']);
  });
});
