// The feed applies a snapshot and then exactly the events after it, in order; it notices
// duplicates, gaps, races and dropped connections, repairs them, and says so in its status.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityFeed, type FeedStatus } from '../../sdk/src/index.ts';
import { event, LATE, liveFeed, scriptedFeed, scriptedSnapshots, scriptedTransport, snapshot, STANDING, stopFeeds } from './fixtures.ts';

afterEach(() => {
  stopFeeds();
  vi.useRealTimers();
});

const liveAt = (version: number) => liveFeed(snapshot(version));
const setup = scriptedFeed;
const early = (feed: AvailabilityFeed) => feed.remaining(STANDING, 'early');

describe('the feed never silently drifts', () => {
  it('fetches the snapshot, resumes the stream from its version and applies events in order', async () => {
    const { feed, transport, snapshots, statuses } = setup(true);
    expect(feed.status).toBe('offline');
    feed.start();
    expect(feed.status).toBe('refreshing');
    expect(snapshots.calls).toHaveLength(1);
    expect(transport.connections).toHaveLength(0); // the snapshot comes first

    await snapshots.answer(snapshot(5, { early: 5, late: 10 }));
    expect(transport.connections.map((c) => c.resumeFrom)).toEqual([5]);
    expect(feed.status).toBe('refreshing');
    transport.current.handlers.onOpen();
    expect(feed.status).toBe('live');

    transport.current.handlers.onEvent(event(6, { remaining: 4 }));
    transport.current.handlers.onEvent(event(7, { remaining: 3 }));
    expect(feed.version).toBe(7);
    expect(early(feed)).toBe(3);
    expect(feed.remaining(STANDING, 'late')).toBe(10);
    expect(statuses).toEqual(['refreshing', 'live', 'live', 'live']);
    expect(feed.updatedAt).toBe(1_700_000_000_000);
    expect(snapshots.calls).toHaveLength(1);
  });

  it('drops duplicates and stale events without notifying', async () => {
    const { feed, transport, statuses } = await liveAt(5);
    transport.current.handlers.onEvent(event(6, { remaining: 4 }));
    const after6 = feed.snapshot();
    transport.current.handlers.onEvent(event(6, { remaining: 0 })); // a duplicate
    transport.current.handlers.onEvent(event(5, { remaining: 9 })); // already in the snapshot
    transport.current.handlers.onEvent(event(2, { remaining: 9 })); // stale
    expect(feed.snapshot()).toBe(after6);
    expect(feed.version).toBe(6);
    expect(early(feed)).toBe(4);
    expect(statuses).toEqual(['refreshing', 'live', 'live']);
  });

  it('ignores events of another channel', async () => {
    const { feed, transport } = await liveAt(5);
    transport.current.handlers.onEvent(event(6, { channel: 'other:2026-12-04', remaining: 0 }));
    expect(feed.version).toBe(5);
    expect(early(feed)).toBe(10);
  });

  it('treats a later version arriving first as a gap: it re-fetches once, then applies what is missing in order', async () => {
    const { feed, transport, snapshots, statuses } = await liveAt(5);
    transport.current.handlers.onEvent(event(7, { remaining: 3 })); // 6 has not arrived
    expect(feed.status).toBe('refreshing');
    expect(feed.version).toBe(5);
    expect(snapshots.calls).toHaveLength(2);

    transport.current.handlers.onEvent(event(6, { remaining: 4 })); // arrives while re-fetching: held back
    expect(feed.version).toBe(5);
    await snapshots.answer(snapshot(5)); // the snapshot is still at 5
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(7);
    expect(early(feed)).toBe(3);
    expect(snapshots.calls).toHaveLength(2);
    expect(transport.connections).toHaveLength(1); // the connection stayed up
    expect(statuses).toEqual(['refreshing', 'live', 'refreshing', 'live']);
  });

  it('repairs a gap with exactly one re-fetch however many events arrive meanwhile, and ends consistent', async () => {
    const { feed, transport, snapshots } = await liveAt(5);
    transport.current.handlers.onEvent(event(8, { remaining: 2 })); // 6 and 7 were lost
    transport.current.handlers.onEvent(event(9, { remaining: 1 }));
    transport.current.handlers.onEvent(event(10, { ...LATE, remaining: 7 }));
    expect(snapshots.calls).toHaveLength(2);

    await snapshots.answer(snapshot(8, { early: 2, late: 10 }));
    expect(snapshots.calls).toHaveLength(2);
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(10);
    expect(early(feed)).toBe(1);
    expect(feed.remaining(STANDING, 'late')).toBe(7);

    transport.current.handlers.onEvent(event(11, { remaining: 0 }));
    expect(feed.version).toBe(11);
    expect(early(feed)).toBe(0);
    expect(snapshots.calls).toHaveLength(2);
  });

  it('keeps its own state when the re-fetched snapshot is older than what it has applied', async () => {
    const { feed, transport, snapshots } = await liveAt(5);
    transport.current.handlers.onEvent(event(6, { remaining: 4 }));
    transport.current.handlers.onEvent(event(7, { remaining: 3 }));
    transport.current.handlers.onEvent(event(9, { remaining: 1 }));
    transport.current.handlers.onEvent(event(8, { remaining: 2 }));
    await snapshots.answer(snapshot(6, { early: 4, late: 10 })); // a lagging replica
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(9);
    expect(early(feed)).toBe(1);
    expect(transport.connections).toHaveLength(1);
  });

  it('starts over when even the fresh snapshot leaves a gap', async () => {
    const { feed, transport, snapshots, sleeps } = await liveAt(5);
    transport.current.handlers.onEvent(event(9, { remaining: 1 }));
    await snapshots.answer(snapshot(6)); // a lagging replica: 7 and 8 are still missing
    expect(feed.version).toBe(6);
    expect(transport.connections[0].closed).toBe(true);
    expect(feed.status).toBe('refreshing');
    expect(sleeps.delays).toEqual([50]);

    await sleeps.wake();
    expect(snapshots.calls).toHaveLength(3);
    await snapshots.answer(snapshot(9, { early: 1, late: 10 }));
    expect(transport.connections.map((c) => c.resumeFrom)).toEqual([5, 9]);
    transport.current.handlers.onOpen();
    expect(feed.status).toBe('live');
    expect(early(feed)).toBe(1);
  });

  it('wins the snapshot race: events older than the snapshot are dropped, events during the fetch applied after it', async () => {
    const { feed, transport, snapshots, statuses } = setup(false); // Realtime: no replay
    feed.start();
    expect(snapshots.calls).toHaveLength(0); // subscribe first, then fetch
    expect(transport.connections.map((c) => c.resumeFrom)).toEqual([undefined]);
    transport.current.handlers.onEvent(event(4, { remaining: 6 })); // before SUBSCRIBED
    transport.current.handlers.onOpen();
    expect(snapshots.calls).toHaveLength(1);
    expect(feed.status).toBe('refreshing');

    transport.current.handlers.onEvent(event(7, { remaining: 3 })); // out of order, during the fetch
    transport.current.handlers.onEvent(event(5, { remaining: 5 }));
    transport.current.handlers.onEvent(event(6, { remaining: 4 }));
    await snapshots.answer(snapshot(5, { early: 5, late: 10 }));
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(7);
    expect(early(feed)).toBe(3);

    transport.current.handlers.onEvent(event(3, { remaining: 7 })); // older than anything: dropped
    expect(feed.version).toBe(7);
    expect(early(feed)).toBe(3);
    expect(statuses).toEqual(['refreshing', 'live']);
  });

  it('re-fetches after every Realtime re-subscribe, since Realtime does not replay', async () => {
    const { feed, transport, snapshots, sleeps } = setup(false);
    feed.start();
    transport.current.handlers.onOpen();
    await snapshots.answer(snapshot(5));
    transport.current.handlers.onClose();
    expect(feed.status).toBe('refreshing');
    await sleeps.wake();
    expect(transport.connections).toHaveLength(2);
    transport.current.handlers.onOpen();
    expect(snapshots.calls).toHaveLength(2);
    await snapshots.answer(snapshot(8, { early: 2, late: 10 }));
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(8);
    expect(early(feed)).toBe(2);
  });

  it('reconnects a dropped stream with jittered, growing, capped delays and resumes from its version', async () => {
    const { feed, transport, snapshots, sleeps, statuses, clock } = await liveAt(5);
    transport.current.handlers.onEvent(event(6, { remaining: 4 }));
    clock.now += 120_000;
    transport.current.handlers.onClose(); // the server's bye after two minutes
    expect(transport.connections[0].closed).toBe(true);
    expect(feed.status).toBe('refreshing');

    const afterEachFailure: string[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      await sleeps.wake();
      expect(transport.current.resumeFrom).toBe(6);
      transport.current.handlers.onError(new Error('connection refused'));
      afterEachFailure.push(feed.status);
    }
    // losing a connection that served well is not a failure; three failed attempts in a row are
    expect(afterEachFailure).toEqual(['refreshing', 'refreshing', 'offline', 'offline', 'offline']);
    // half (random = 0.5) of min(1000, 100 * 2^n)
    expect(sleeps.delays).toEqual([50, 100, 200, 400, 500, 500]);
    expect(feed.status).toBe('offline');
    expect(feed.lastError).toEqual(new Error('connection refused'));

    await sleeps.wake();
    transport.current.handlers.onOpen();
    expect(feed.status).toBe('live');
    expect(feed.lastError).toBeUndefined();
    expect(snapshots.calls).toHaveLength(1); // the stream replays; no snapshot needed
    expect(transport.connections.map((c) => c.resumeFrom)).toEqual([5, 6, 6, 6, 6, 6, 6]);

    clock.now += 10_000;
    transport.current.handlers.onClose(); // the delays start over after a connection that served well
    expect(sleeps.delays.at(-1)).toBe(50);
    expect(statuses).toEqual(['refreshing', 'live', 'live', 'refreshing', 'offline', 'live', 'refreshing']);
  });

  it('retries a connection that keeps dropping right after it opens ever more slowly, and shows it', async () => {
    const { feed, transport, sleeps } = await liveAt(5);
    const seen: string[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      transport.current.handlers.onClose();
      seen.push(feed.status);
      await sleeps.wake();
      transport.current.handlers.onOpen();
      seen.push(feed.status);
    }
    expect(sleeps.delays).toEqual([50, 100, 200, 400]);
    expect(seen).toEqual(['refreshing', 'live', 'refreshing', 'live', 'offline', 'live', 'offline', 'live']);
  });

  it('goes offline after three failed attempts in a row and recovers', async () => {
    const { feed, transport, snapshots, sleeps, statuses } = setup(true);
    feed.start();
    await snapshots.answer(new Error('503'));
    expect(feed.status).toBe('refreshing');
    await sleeps.wake();
    await snapshots.answer(new Error('503'));
    expect(feed.status).toBe('refreshing');
    await sleeps.wake();
    await snapshots.answer(new Error('503'));
    expect(feed.status).toBe('offline');
    expect(sleeps.delays).toEqual([50, 100, 200]);
    expect(transport.connections).toHaveLength(0);

    await sleeps.wake();
    await snapshots.answer(snapshot(3));
    expect(feed.status).toBe('offline'); // still offline until connected
    transport.current.handlers.onOpen();
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(3);
    expect(statuses).toEqual(['refreshing', 'offline', 'live']);
  });

  it('counts a failed re-fetch as a lost connection and reconnects with a fresh snapshot', async () => {
    const { feed, transport, snapshots, sleeps } = setup(false);
    feed.start();
    transport.current.handlers.onOpen();
    await snapshots.answer(new Error('timeout'));
    expect(transport.connections[0].closed).toBe(true);
    expect(feed.status).toBe('refreshing');
    expect(feed.version).toBeUndefined();
    await sleeps.wake();
    transport.current.handlers.onOpen();
    await snapshots.answer(snapshot(4));
    expect(feed.status).toBe('live');
    expect(feed.version).toBe(4);
  });

  it('stop() closes the connection, cancels the reconnect timer and ignores everything after', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const transport = scriptedTransport(true);
    const snapshots = scriptedSnapshots();
    const feed = new AvailabilityFeed({ fetchSnapshot: snapshots.fetchSnapshot, transport: transport.transport, random: () => 0.5 });
    feed.start();
    await snapshots.answer(snapshot(5));
    const first = transport.current;
    first.handlers.onOpen();
    first.handlers.onClose();
    expect(vi.getTimerCount()).toBe(1); // the reconnect, in 250 ms

    const seen: FeedStatus[] = [];
    feed.onChange((f) => seen.push(f.status));
    feed.stop();
    expect(vi.getTimerCount()).toBe(0);
    expect(feed.status).toBe('offline');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.connections).toHaveLength(1);
    first.handlers.onEvent(event(6));
    expect(feed.version).toBe(5);
    expect(seen).toEqual([]);
  });

  it('stop() during a snapshot fetch leaves nothing running', async () => {
    const { feed, transport, snapshots } = setup(true);
    feed.start();
    feed.stop();
    await snapshots.answer(snapshot(5));
    expect(transport.connections).toHaveLength(0);
    expect(feed.version).toBeUndefined();
    expect(feed.status).toBe('offline');
  });

  it('stop() closes a live connection, and start() begins again from a fresh snapshot', async () => {
    const { feed, transport, snapshots } = await liveAt(5);
    feed.stop();
    expect(transport.connections[0].closed).toBe(true);
    feed.start();
    await snapshots.answer(snapshot(9));
    expect(transport.connections.map((c) => c.resumeFrom)).toEqual([5, 9]);
    transport.current.handlers.onOpen();
    expect(feed.status).toBe('live');
  });

  it('uses a snapshot the transport sends itself when it is not older', () => {
    const { feed, transport, snapshots } = setup(false);
    feed.start();
    transport.current.handlers.onSnapshot?.(snapshot(4, { early: 6, late: 10 }));
    expect(feed.version).toBe(4);
    transport.current.handlers.onEvent(event(5, { remaining: 5 }));
    expect(early(feed)).toBe(5);
    transport.current.handlers.onSnapshot?.(snapshot(3));
    expect(feed.version).toBe(5);
    expect(snapshots.calls).toHaveLength(0);
  });
});
