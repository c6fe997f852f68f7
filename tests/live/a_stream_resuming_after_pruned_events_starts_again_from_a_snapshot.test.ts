// Retention prunes availability events older than their window (README, "Retention"), never one a
// client reconnecting within the resume window still needs. A client that comes back later than
// that, with a Last-Event-ID whose next event is gone, must not wait forever for it (the feed
// delivers only cursor + 1) nor get a replay with a gap: it gets a fresh `snapshot` event at the
// current version, then carries on live. A resume whose next event is kept replays as before.
// The events are removed here as the pruning job (tablehold.prune_history) leaves them, for this test's
// own venue only: deleted, and the highest deleted version recorded in tablehold.outbox_pruned.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, guest, type Venue } from '../support/fixtures';
import { credentials, engine, functionsUrl, headersOf, pathWithQuery } from '../support/http';
import { closeStreams, idsOf, lastId, openSse, type SseStream } from '../support/sse';

const db = sql(2);
const streams: SseStream[] = [];
afterEach(() => closeStreams(streams.splice(0)));
afterAll(closeAll);

const bookTwo = (v: Venue, n: number) =>
  engine(db, 'book', {
    venue_id: [v.id, 'uuid'], date: [v.date, 'date'], party_size: [2, 'int'], unit_ids: [[v.units.seats], 'uuid[]'], guest: [guest(`pruned-${n}`), 'jsonb'],
  });

async function open(v: Venue, lastEventId: string): Promise<SseStream> {
  const { publishable } = await credentials();
  const url = `${functionsUrl()}/functions/v1/${pathWithQuery('availability/v1', { venue_id: v.id, date: v.date })}`;
  const s = await openSse(url, { headers: headersOf(publishable), lastEventId });
  streams.push(s);
  expect(s.status, s.text).toBe(200);
  return s;
}

describe('a stream resuming after pruned events', () => {
  it('gets a fresh snapshot at the current version instead of a gap, then the live events; a resume whose next event is kept replays it', async () => {
    const venue = await createVenue(db, {
      kind: 'bar', units: [{ code: 'seats', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 40, maxCovers: 2 }],
    });
    for (let n = 1; n <= 3; n++) await bookTwo(venue, n);
    await db.begin(async (tx) => {
      await tx`select set_config('tablehold.engine', 'on', true)`;
      await tx`delete from public.availability_events where venue_id = ${venue.id} and service_date = ${venue.date} and version < 3`;
      await tx`insert into tablehold.outbox_pruned (venue_id, service_date, through_version) values (${venue.id}, ${venue.date}, 2)`;
    });

    const late = await open(venue, '0');
    await late.waitFor('the snapshot', (s) => s.events.length > 0);
    expect([late.events[0].event, late.events[0].id], 'versions 1 and 2 are gone: a snapshot at version 3').toEqual(['snapshot', '3']);
    expect(late.data('snapshot')[0].version).toBe(3);

    const recent = await open(venue, '2');
    await recent.waitFor('version 3', (s) => (lastId(s) ?? -1) >= 3);
    expect(recent.events.map((e) => e.event), 'version 3 is kept: replayed, no snapshot').toEqual(['availability']);

    await bookTwo(venue, 4);
    await late.waitFor('version 4', (s) => (lastId(s) ?? -1) >= 4);
    await recent.waitFor('version 4', (s) => (lastId(s) ?? -1) >= 4);
    expect(idsOf(late, 'availability'), 'then live from there').toEqual([4]);
    expect(idsOf(recent, 'availability')).toEqual([3, 4]);
  });
});
