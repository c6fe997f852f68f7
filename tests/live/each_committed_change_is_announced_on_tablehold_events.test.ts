// The SSE hub wakes on NOTIFY tablehold_events (its 2 s poll is only the safety net, so a missing
// notification would slow every stream without failing the stream tests). A committed booking
// announces its channel's new version and its staff change; a rolled-back one announces nothing.
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

describe('each committed change is announced on tablehold_events', () => {
  it('a committed booking announces its channel version and its staff change; a rolled-back one announces nothing', async () => {
    const venue = await createVenue(db, { kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 10, maxCovers: 2 }] });
    const channel = `${venue.id}:${venue.date}`;
    const notes: { t: string; c?: string; v?: number; venue?: string }[] = [];
    let staffNoted = () => {};
    const staffNote = new Promise<void>((resolve) => (staffNoted = resolve));
    await listener.listen('tablehold_events', (payload) => {
      const note = JSON.parse(payload);
      if (note.c === channel || note.venue === venue.id) notes.push(note);
      if (note.t === 's' && note.venue === venue.id) staffNoted();
    });

    await expect(db.begin(async (tx) => {
      await bookTwo(tx, venue, 'rolled-back');
      await tx`set constraints all immediate`; // the staff event is written (and notified) before the rollback
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    await bookTwo(db, venue, 'committed');
    await Promise.race([staffNote, new Promise((_, reject) => setTimeout(() => reject(new Error('no staff notification within 5 s')), 5_000))]);

    expect(notes.filter((n) => n.t === 'a'), 'one availability notification: the committed version 1 of the channel')
      .toEqual([{ t: 'a', c: channel, v: 1 }]);
    expect(notes.filter((n) => n.t !== 'a').length, 'and staff notifications').toBeGreaterThan(0);
    expect(notes.filter((n) => n.t !== 'a'), 'each naming the venue').toEqual(notes.filter((n) => n.t !== 'a').map(() => ({ t: 's', venue: venue.id })));
  });
});
