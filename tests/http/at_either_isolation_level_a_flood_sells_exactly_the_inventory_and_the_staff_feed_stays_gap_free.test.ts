// TABLEHOLD_ISOLATION_LEVEL sets the level of every request's transaction (README, "Isolation
// level"). A functions server of this file's own at each level takes a flood of simultaneous
// bookings over real HTTP: exactly the inventory there is gets sold, everybody else gets a clean
// 409 and nobody a 5xx; every sale is on the venue's staff feed once, numbered 1, 2, 3 … (at
// SERIALIZABLE the server numbers it right after the commit, before it answers); at READ COMMITTED
// no request is ever re-run. A level the engine is not made for stops the server at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { createVenue, pooledOverCapacity } from '../support/fixtures';
import { call, dayAhead, flood, guest, report, retriesOf, tallyReplies } from '../support/flood';
import { type FunctionsServer, startFunctionsServer } from '../support/server';

const GUESTS = 200;
const CAPACITY = 10;
const db = sql();
afterAll(closeAll);

for (const level of ['serializable', 'read committed']) {
  describe(`the functions at ${level}`, () => {
    let server: FunctionsServer;
    beforeAll(async () => {
      server = await startFunctionsServer({ TABLEHOLD_ISOLATION_LEVEL: level });
    }, 120_000);
    afterAll(() => server?.stop());

    it(`${GUESTS} guests booking a section of ${CAPACITY} get exactly ${CAPACITY} bookings, each on the staff feed once, gap-free`, async () => {
      const venue = await createVenue(db, {
        kind: 'bar',
        units: [{ code: 'terrace', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: CAPACITY, maxCovers: 4 }],
      });
      const date = dayAhead(35);

      const { replies, ms } = await flood(GUESTS, (i) => call('POST', 'book/v1', {
        server: server.url, body: { venue_id: venue.id, party_size: 2, date, unit_ids: [venue.units.terrace], guest: guest(venue, i) },
      }));
      report(`flood at ${level}`, replies, ms);

      expect(tallyReplies(replies)).toEqual({ '201': CAPACITY, '409 SECTION_NOT_AVAILABLE': GUESTS - CAPACITY });
      expect(await pooledOverCapacity(db, venue.id)).toEqual([]);
      const sold = replies.filter((r) => r.status === 201).map((r) => r.body.data.reference).sort();
      const feed = await db`select seq::int, reference, status::text from public.staff_events where venue_id = ${venue.id} order by seq`;
      expect(feed.map((e) => e.seq), 'numbered 1, 2, 3 … with no gap').toEqual(Array.from({ length: CAPACITY }, (_, i) => i + 1));
      expect(feed.map((e) => e.reference).sort(), 'each sale once').toEqual(sold);
      expect(new Set(feed.map((e) => e.status))).toEqual(new Set(['confirmed']));
      expect(await db`select id from tablehold.staff_events_pending where venue_id = ${venue.id}`, 'nothing left to number').toEqual([]);
      if (level === 'read committed') expect(retriesOf(replies), 'the channel lock orders the writers: nothing re-runs').toBe(0);
    }, 300_000);
  });
}

describe('a mistyped level', () => {
  it('stops the functions server at start, naming the levels it takes', async () => {
    await expect(startFunctionsServer({ TABLEHOLD_ISOLATION_LEVEL: 'snapshot' })).rejects.toThrow(
      'TABLEHOLD_ISOLATION_LEVEL must be one of serializable, read committed (got "snapshot")');
  }, 120_000);
});
