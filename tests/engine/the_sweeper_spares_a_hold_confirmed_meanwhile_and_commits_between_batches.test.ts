// The sweeper expires holds as a set, under the night's channel lock, and never takes a guest's
// confirmation from them: whichever of the two gets the night first, the guest ends up confirmed.
// The pg_cron job sweeps in batches that each commit, so the holds of one batch are expired (and
// the night free to book) while the next batch is still waiting. Each interleaving is spelled out
// with named sessions; session Y is a staff member holding a booking row open in Studio.
//
// The sweeper sweeps the whole database, so these holds live on a clock of their own: made at
// HELD (trusted server code may set the engine's clock), they have lapsed at LAPSED, when no other
// test's hold has; the pg_cron job, which sweeps on the real clock, is paused meanwhile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminSql, blockedBy, closeAll, deferred, inTx, lockBookingRow, once, outcomeLabel, rpc, session, sql, type Tx, unitsHeldBy,
} from '../support/db';
import { createVenue } from '../support/fixtures';

const db = sql();
const admin = adminSql();
const SWEEPER_JOB = 'tablehold-sweep-expired-holds';
beforeAll(async () => {
  await admin`update cron.job set active = false where jobname = ${SWEEPER_JOB}`;
});
afterAll(async () => {
  await admin`update cron.job set active = true where jobname = ${SWEEPER_JOB}`;
  await closeAll();
});

const HELD = '2001-01-01 00:00Z';
const LAPSED = '2001-01-01 00:10Z';  // the venues' holds last 5 minutes
const at = (tx: Tx, clock: string) => tx`select set_config('tablehold.frozen_now', ${clock}, true)`;

const tables = (n: number) =>
  createVenue(db, {
    kind: 'restaurant',
    bookingHorizon: '30 years',  // its dates are bookable on the 2001 clock
    units: Array.from({ length: n }, (_, i) => ({ code: `t${i + 1}`, type: 'table' as const, mode: 'exclusive' as const, booking: 'time' as const })),
  });

/** A hold on one table at 19:00 of the venue's date, made at HELD. */
const holdAt = async (venue: Awaited<ReturnType<typeof tables>>, code: string) =>
  (await inTx(db, 'read committed', async (tx) => {
    await at(tx, HELD);
    return rpc(tx, 'hold', { venue_id: venue.id, party_size: 2, start: venue.at('19:00'), unit_ids: [venue.units[code]] });
  })).value!;

/** The guest confirms their hold with its manage token, once it has lapsed. */
const confirmAsGuest = (tx: Tx, hold: Record<string, any>) =>
  at(tx, LAPSED).then(() => rpc(tx, 'confirm', { booking_id: hold.id, manage_token: hold.manage_token }));

/** The sweeper as its callers run it, once the holds have lapsed. */
const sweepAll = (tx: Tx) => at(tx, LAPSED).then(() => rpc<number>(tx, 'sweep_expired_holds'));

const statusOf = async (ids: string[]) =>
  (await db`select id, status::text from tablehold.bookings where id in ${db(ids)}`)
    .reduce((m, r) => ({ ...m, [r.id]: r.status }), {} as Record<string, string>);

describe('the sweeper and a guest confirming a lapsed hold of the same night', () => {
  it('the guest gets the night first: the sweeper then expires only the other hold', async () => {
    const venue = await tables(2);
    const mine = await holdAt(venue, 't1');
    const other = await holdAt(venue, 't2');
    const guest = await session();
    const sweeper = await session();

    // step 1: the guest confirms their lapsed hold in place and has not committed yet
    const confirmed = deferred();
    const commit = deferred();
    const confirming = once(guest.db, async (tx) => {
      const booking = await confirmAsGuest(tx, mine);
      confirmed.resolve();
      await commit.promise;
      return booking;
    });
    await confirmed.promise;
    // step 2: the sweeper waits for the night's channel
    const sweep = once(sweeper.db, sweepAll);
    await blockedBy(db, sweeper.pid, guest.pid);
    // step 3: the guest commits; the sweeper finds the hold confirmed and leaves it
    commit.resolve();

    expect({ confirm: outcomeLabel(await confirming), sweep: outcomeLabel(await sweep) }).toEqual({ confirm: 'won', sweep: 'won' });
    expect((await sweep).value).toBe(1);
    expect(await statusOf([mine.id, other.id])).toEqual({ [mine.id]: 'confirmed', [other.id]: 'expired' });
    expect(await unitsHeldBy(db, mine.id)).toEqual(['t1']);
  });

  it('the sweeper gets the night first: it expires the hold, and the confirmation re-takes its free table', async () => {
    const venue = await tables(2);
    const other = await holdAt(venue, 't2');
    const mine = await holdAt(venue, 't1');
    const studio = await session();
    const sweeper = await session();
    const guest = await session();

    // step 1: Y holds the other hold's row open in Studio
    const edit = lockBookingRow(studio.db, other.id);
    await edit.locked;
    // step 2: the sweeper takes the night's channel and waits for Y's row
    const sweep = once(sweeper.db, sweepAll);
    await blockedBy(db, sweeper.pid, studio.pid);
    // step 3: the guest confirms and waits for the sweeper's channel
    const confirming = once(guest.db, (tx) => confirmAsGuest(tx, mine));
    await blockedBy(db, guest.pid, sweeper.pid);
    // step 4: Y commits; the sweeper expires both holds, then the guest's confirmation re-takes t1
    await edit.release();

    expect({ sweep: outcomeLabel(await sweep), confirm: outcomeLabel(await confirming) }).toEqual({ sweep: 'won', confirm: 'won' });
    expect((await sweep).value).toBe(2);
    expect((await confirming).value).toMatchObject({ status: 'confirmed' });
    expect(await statusOf([mine.id, other.id])).toEqual({ [mine.id]: 'confirmed', [other.id]: 'expired' });
    expect(await unitsHeldBy(db, mine.id)).toEqual(['t1']);
  });
});

describe('the pg_cron job sweeps in batches that each commit', () => {
  it('the first batch is expired for everyone while the second still waits, and the last batch ends the call', async () => {
    const venue = await tables(5);
    const ids: string[] = [];
    // made at the same instant, they lapse together: the sweeper takes them in id order
    for (const code of ['t1', 't2', 't3', 't4', 't5']) ids.push((await holdAt(venue, code)).id);
    ids.sort();
    const studio = await session();
    const sweeper = await session();

    // step 1: Y holds the third hold's row open in Studio
    const edit = lockBookingRow(studio.db, ids[2]);
    await edit.locked;
    // step 2: the job's procedure, in batches of two, on the LAPSED clock for the whole session (each
    // batch is a transaction of its own); the first batch commits, the second waits for Y
    await sweeper.db`select set_config('tablehold.frozen_now', ${LAPSED}, false)`;
    const sweeping = sweeper.db.unsafe('call tablehold.sweep_expired_holds_in_batches(2)').then(() => 'done', (e) => String(e));
    await blockedBy(db, sweeper.pid, studio.pid);
    expect(Object.values(await statusOf(ids.slice(0, 2)))).toEqual(['expired', 'expired']);
    expect(Object.values(await statusOf(ids.slice(2)))).toEqual(['held', 'held', 'held']);
    // step 3: Y commits; the second batch expires the next two, the third the last one and ends the call
    await edit.release();

    expect(await sweeping).toBe('done');
    expect(Object.values(await statusOf(ids))).toEqual(['expired', 'expired', 'expired', 'expired', 'expired']);
  });
});
