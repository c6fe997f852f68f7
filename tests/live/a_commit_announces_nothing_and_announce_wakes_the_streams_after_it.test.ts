// A NOTIFY sent by a transaction makes PostgreSQL serialise its commit with every other notifying
// commit of the database, so a booking's own transaction announces nothing; the Edge Functions call
// tablehold.announce after the commit, which numbers the venue's pending staff lines and wakes the
// SSE hubs ({"t":"v"} for the venue, {"t":"s"} for its staff feed). Notifications arrive in commit
// order, so a sentinel sent after the booking committed proves the booking sent none.
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';
import { engine } from '../support/http';

const db = sql(1);
const listener = sql(1);
afterAll(closeAll);

const bookTwo = (tx: Parameters<typeof engine>[0], v: Venue, label: string) =>
  engine(tx, 'book', {
    venue_id: [v.id, 'uuid'], date: [v.date, 'date'], party_size: [2, 'int'], unit_ids: [[v.units.seats], 'uuid[]'], guest: [guest(label), 'jsonb'],
  });

/** Notifications on tablehold_events, each resolved in arrival order. */
async function listen() {
  const notes: Record<string, unknown>[] = [];
  const waiters: { match: (n: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  await listener.listen('tablehold_events', (payload) => {
    const note = JSON.parse(payload);
    notes.push(note);
    for (const w of waiters.filter((w) => w.match(note))) w.resolve();
  });
  const until = (match: (n: Record<string, unknown>) => boolean) =>
    notes.some(match) ? Promise.resolve() : Promise.race([
      new Promise<void>((resolve) => waiters.push({ match, resolve })),
      new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no such notification within 5 s: ${JSON.stringify(notes)}`)), 5_000)),
    ]);
  return { notes, until };
}

describe('a commit announces nothing; announce wakes the streams after it', () => {
  it('a committed booking sends no notification; announce numbers its staff line and names its venue', async () => {
    const venue = await createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }] });
    const { notes, until } = await listen();
    const sentinel = `sentinel ${venue.id}`;
    const ofVenue = () => notes.filter((n) => n.venue === venue.id || n.c === `${venue.id}:${venue.date}`);

    const booked = await bookTwo(db, venue, 'committed');
    expect(booked.status).toBe('confirmed');
    await db`select pg_notify('tablehold_events', ${JSON.stringify({ t: sentinel })})`;
    await until((n) => n.t === sentinel);
    expect(ofVenue(), 'nothing from the booking\'s commit, which came before the sentinel').toEqual([]);
    expect(await db`select count(*)::int as n from tablehold.staff_events_pending where venue_id = ${venue.id}`, 'its staff line waits')
      .toEqual([{ n: 1 }]);

    const [{ numbered }] = await db`select tablehold.announce(${venue.id}::uuid) as numbered`;
    expect(numbered, 'announce numbered the one pending line').toBe(1);
    await until((n) => n.t === 'v' && n.venue === venue.id);
    expect(ofVenue(), 'the staff feed moved, then the venue changed').toEqual([{ t: 's', venue: venue.id }, { t: 'v', venue: venue.id }]);
    expect(await db`select seq::int, reference from public.staff_events where venue_id = ${venue.id}`)
      .toEqual([{ seq: 1, reference: booked.reference }]);
  });

  it('announce with nothing pending numbers nothing and still wakes the streams', async () => {
    const venue = await createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }] });
    const { notes, until } = await listen();
    const [{ numbered }] = await db`select tablehold.announce(${venue.id}::uuid) as numbered`;
    expect(numbered).toBe(0);
    await until((n) => n.t === 'v' && n.venue === venue.id);
    expect(notes.filter((n) => n.venue === venue.id)).toEqual([{ t: 'v', venue: venue.id }]);
  });

  it('announce commits asynchronously on its own, and leaves a transaction that wrote before it durable', async () => {
    const venue = await createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }] });
    // each transaction starts durable whatever the cluster's default (npm test's cluster runs with it off)
    const alone = await db.begin(async (tx) => {
      await tx`set local synchronous_commit = on`;
      await tx`select tablehold.announce(${venue.id}::uuid)`;
      return (await tx`select current_setting('synchronous_commit') as setting`)[0].setting;
    });
    expect(alone, 'its own transaction: only the numbering, which a crash undoes whole').toBe('off');
    const afterBooking = await db.begin(async (tx) => {
      await tx`set local synchronous_commit = on`;
      await bookTwo(tx, venue, 'durable');
      await tx`select tablehold.announce(${venue.id}::uuid)`;
      return (await tx`select current_setting('synchronous_commit') as setting`)[0].setting;
    });
    expect(afterBooking, 'a booking before it keeps the durable commit').toBe('on');
  });
});
