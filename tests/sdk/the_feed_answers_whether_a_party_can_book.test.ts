// What a screen asks the feed: how many are left, and whether a party can book a unit, as events
// take and free inventory. pooled units count units per slot; exclusive units look at busy windows.
import { afterEach, describe, expect, it } from 'vitest';
import { BOOTH, EARLY, event, LATE, liveFeed, scriptedFeed, snapshot, STANDING, stopFeeds, TABLE } from './fixtures.ts';

afterEach(stopFeeds);

const liveAt = (version: number) => liveFeed(snapshot(version));

/** An exclusive unit's window taken (unavailable) or freed (available), at `version`. */
const exclusive = (version: number, unitId: string, window: { starts_at: string; ends_at: string }, taken: boolean, reason = taken ? 'booking_requested' : 'cancelled') =>
  event(version, {
    unit_id: unitId, ...window, capacity_mode: 'exclusive', capacity: 1, remaining: taken ? 0 : 1, reason,
    previous_state: taken ? 'available' : 'unavailable', new_state: taken ? 'unavailable' : 'available',
  });

/** A table window on the night of 2026-12-04 (UTC), e.g. at('19:00', '21:15'). */
const at = (from: string, to: string) => ({ starts_at: `2026-12-04T${from}:00Z`, ends_at: `2026-12-04T${to}:00Z` });
const ask = (w: { starts_at: string; ends_at: string }) => ({ startsAt: w.starts_at, endsAt: w.ends_at });

describe('remaining and canBook', () => {
  it('pooled: a party takes ceil(party / max_covers) units of the slot it names', async () => {
    const { feed, transport } = await liveAt(5);
    expect(feed.canBook(STANDING, 6, { slot: 'early' })).toBe(true);
    transport.current.handlers.onEvent(event(6, { remaining: 2 }));
    expect(feed.remaining(STANDING, 'early')).toBe(2);
    expect(feed.remaining(STANDING, { startsAt: '2026-12-04T22:00:00Z', endsAt: '2026-12-05T01:00:00.000Z' })).toBe(2);
    expect(feed.canBook(STANDING, 12, { slot: 'early' })).toBe(true); // 2 units
    expect(feed.canBook(STANDING, 13, { slot: 'early' })).toBe(false); // 3 units
    expect(feed.canBook(STANDING, 13, { slot: 'late' })).toBe(true);
    expect(feed.canBook(STANDING, 13, { startsAt: LATE.starts_at, endsAt: LATE.ends_at })).toBe(true);

    transport.current.handlers.onEvent(event(7, { remaining: 0 }));
    expect(feed.snapshot()?.units.find((u) => u.unit_id === STANDING)?.keys[0].state).toBe('unavailable');
    expect(feed.canBook(STANDING, 1, { slot: 'early' })).toBe(false);
    transport.current.handlers.onEvent(event(8, { remaining: 1, reason: 'cancelled' }));
    expect(feed.canBook(STANDING, 6, { slot: 'early' })).toBe(true);
  });

  it('pooled: no key named among several, an unknown unit or slot, a zero party, out of service: false', async () => {
    const { feed, transport } = await liveAt(5);
    expect(feed.remaining(STANDING)).toBeUndefined();
    expect(feed.canBook(STANDING, 2)).toBe(false);
    expect(feed.canBook(STANDING, 2, { slot: 'brunch' })).toBe(false);
    expect(feed.canBook(STANDING, 0, { slot: 'early' })).toBe(false);
    const unknownUnit = crypto.randomUUID();
    expect(feed.canBook(unknownUnit, 2, { slot: 'early' })).toBe(false);
    expect(feed.remaining(unknownUnit, 'early')).toBeUndefined();

    transport.current.handlers.onEvent(event(6, { remaining: 0, reason: 'out_of_service' }));
    transport.current.handlers.onEvent(event(7, { ...LATE, remaining: 0, reason: 'out_of_service' }));
    expect(feed.canBook(STANDING, 2, { slot: 'late' })).toBe(false);
    transport.current.handlers.onEvent(event(8, { remaining: 10, reason: 'back_in_service' }));
    expect(feed.canBook(STANDING, 2, { slot: 'early' })).toBe(true);
  });

  it('exclusive slot unit: a taken slot window is busy for that slot only, and freed by its available event', async () => {
    const { feed, transport } = await liveAt(5);
    expect(feed.canBook(BOOTH, 6, { slot: 'early' })).toBe(true);
    transport.current.handlers.onEvent(exclusive(6, BOOTH, EARLY, true));
    expect(feed.canBook(BOOTH, 6, { slot: 'early' })).toBe(false);
    expect(feed.remaining(BOOTH, 'early')).toBe(0);
    expect(feed.canBook(BOOTH, 6, { slot: 'late' })).toBe(true);
    expect(feed.remaining(BOOTH, 'late')).toBe(1);
    const booth = feed.snapshot()?.units.find((u) => u.unit_id === BOOTH);
    expect(booth?.busy).toEqual([EARLY]);
    expect(booth?.keys.map((k) => [k.slot, k.remaining, k.state])).toEqual([['early', 0, 'unavailable'], ['late', 1, 'available']]);

    transport.current.handlers.onEvent(exclusive(7, BOOTH, EARLY, false));
    expect(feed.canBook(BOOTH, 6, { slot: 'early' })).toBe(true);
    expect(feed.snapshot()?.units.find((u) => u.unit_id === BOOTH)?.busy).toEqual([]);
  });

  it('exclusive: the party must be within min and max covers', async () => {
    const { feed } = await liveAt(5);
    expect(feed.canBook(BOOTH, 3, { slot: 'early' })).toBe(false);
    expect(feed.canBook(BOOTH, 4, { slot: 'early' })).toBe(true);
    expect(feed.canBook(BOOTH, 10, { slot: 'early' })).toBe(true);
    expect(feed.canBook(BOOTH, 11, { slot: 'early' })).toBe(false);
    expect(feed.canBook(BOOTH, 4)).toBe(false); // two slots, none named
  });

  it('exclusive time unit: a requested window is free unless a busy window overlaps it (windows are half-open)', async () => {
    const { feed, transport } = await liveAt(5);
    transport.current.handlers.onEvent(exclusive(6, TABLE, at('19:00', '21:15'), true));
    expect(feed.canBook(TABLE, 4, ask(at('21:00', '23:15')))).toBe(false); // overlaps by 15 minutes
    expect(feed.canBook(TABLE, 4, ask(at('17:00', '19:15')))).toBe(false);
    expect(feed.canBook(TABLE, 4, ask(at('19:30', '20:00')))).toBe(false); // inside
    expect(feed.canBook(TABLE, 4, ask(at('21:15', '23:30')))).toBe(true); // starts as the busy one ends
    expect(feed.canBook(TABLE, 4, ask(at('16:45', '19:00')))).toBe(true); // ends as it starts
    expect(feed.canBook(TABLE, 4, ask({ starts_at: '2026-12-04T15:30:00-05:00', ends_at: '2026-12-04T17:30:00-05:00' }))).toBe(false); // 20:30Z to 22:30Z, written in New York time
    expect(feed.remaining(TABLE, ask(at('20:00', '22:00')))).toBe(0);
    expect(feed.remaining(TABLE, ask(at('22:00', '23:00')))).toBe(1);
    expect(feed.canBook(TABLE, 5, ask(at('22:00', '23:00')))).toBe(false); // max 4
    expect(feed.canBook(TABLE, 4)).toBe(false); // a time unit needs a window
    expect(feed.canBook(TABLE, 4, { slot: 'early' })).toBe(true); // the venue's slot window, 22:00 to 01:00
    expect(feed.remaining(TABLE, 'early')).toBe(1);

    transport.current.handlers.onEvent(exclusive(7, TABLE, at('19:00', '21:15'), false));
    expect(feed.canBook(TABLE, 4, ask(at('21:00', '23:15')))).toBe(true);
  });

  it('exclusive: out of service takes the whole service day until it is back', async () => {
    const { feed, transport } = await liveAt(5);
    const day = { starts_at: '2026-12-04T06:00:00+00:00', ends_at: '2026-12-05T06:00:00+00:00' };
    transport.current.handlers.onEvent(exclusive(6, BOOTH, day, true, 'out_of_service'));
    expect(feed.snapshot()?.units.find((u) => u.unit_id === BOOTH)?.out_of_service).toBe(true);
    expect(feed.canBook(BOOTH, 6, { slot: 'late' })).toBe(false);
    expect(feed.remaining(BOOTH, 'late')).toBe(0);
    transport.current.handlers.onEvent(exclusive(7, BOOTH, day, false, 'back_in_service'));
    expect(feed.canBook(BOOTH, 6, { slot: 'late' })).toBe(true);
  });

  it('nothing can be booked on a closed date or before the first snapshot', async () => {
    const closed = await liveFeed({ ...snapshot(5), open: false });
    expect(closed.feed.canBook(STANDING, 2, { slot: 'early' })).toBe(false);
    expect(closed.feed.remaining(STANDING, 'early')).toBe(10);
    const { feed } = scriptedFeed(true);
    expect(feed.canBook(STANDING, 2, { slot: 'early' })).toBe(false);
    expect(feed.remaining(STANDING, 'early')).toBeUndefined();
  });

  it('after stop() the last state stays readable', async () => {
    const { feed } = await liveAt(5);
    feed.stop();
    expect(feed.canBook(STANDING, 2, { slot: 'early' })).toBe(true);
  });
});
