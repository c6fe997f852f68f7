// The Realtime transport subscribes to INSERTs of public.availability_events for one channel,
// reports the channel's statuses, and removes the channel when it is done with it. Against a
// stand-in for supabase-js that records what is asked of it.
import { afterEach, describe, expect, it } from 'vitest';
import { AvailabilityFeed, realtimeTransport, type RealtimeChannelLike, type RealtimeClientLike } from '../../sdk/src/index.ts';
import { CHANNEL, DATE, deferred, event, settle, snapshot, STANDING, VENUE } from './fixtures.ts';

type Status = 'SUBSCRIBED' | 'CHANNEL_ERROR' | 'TIMED_OUT' | 'CLOSED';

interface FakeChannel extends RealtimeChannelLike {
  name: string;
  bindings: { type: string; filter: unknown; callback: (payload: { new: unknown }) => void }[];
  /** What subscribe() was given, to play statuses back. */
  status?: (status: Status, err?: Error) => void;
  /** Send an INSERT payload to the bindings. */
  insert(row: unknown): void;
}

/** A supabase client stand-in: records channel(), on(), subscribe() and removeChannel(). */
function fakeSupabase() {
  const channels: FakeChannel[] = [];
  const removed: FakeChannel[] = [];
  let removal: Promise<unknown> = Promise.resolve('ok');
  const client: RealtimeClientLike = {
    channel(name) {
      const channel: FakeChannel = {
        name,
        bindings: [],
        on(type, filter, callback) {
          channel.bindings.push({ type, filter, callback });
          return channel;
        },
        subscribe(callback) {
          channel.status = callback;
          return channel;
        },
        insert(row) {
          for (const b of channel.bindings) b.callback({ new: row });
        },
      };
      channels.push(channel);
      return channel;
    },
    removeChannel(channel) {
      removed.push(channel as FakeChannel);
      return removal;
    },
  };
  return {
    client,
    channels,
    removed,
    /** Make the next removals resolve only when the test says. */
    slowRemoval() {
      const pending = deferred<string>();
      removal = pending.promise;
      return pending;
    },
  };
}

/** Connect and record what the transport reports. */
async function connect(supabase: RealtimeClientLike) {
  const reports: string[] = [];
  const events: unknown[] = [];
  const errors: unknown[] = [];
  const disconnect = realtimeTransport({ supabase, venueId: VENUE, date: DATE }).connect({
    onOpen: () => reports.push('open'),
    onEvent: (e) => {
      reports.push('event');
      events.push(e);
    },
    onError: (err) => {
      reports.push('error');
      errors.push(err);
    },
    onClose: () => reports.push('close'),
  });
  await settle();
  return { reports, events, errors, disconnect };
}

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe('the Realtime transport', () => {
  it('subscribes to INSERTs of public.availability_events filtered to the channel', async () => {
    const supabase = fakeSupabase();
    const { disconnect } = await connect(supabase.client);
    cleanup.push(disconnect);
    expect(supabase.channels).toHaveLength(1);
    const [channel] = supabase.channels;
    expect(channel.name).toBe(`availability:${VENUE}:${DATE}`);
    expect(channel.bindings.map((b) => [b.type, b.filter])).toEqual([[
      'postgres_changes',
      { event: 'INSERT', schema: 'public', table: 'availability_events', filter: `channel=eq.${CHANNEL}` },
    ]]);
    expect(channel.status).toBeTypeOf('function');
    expect(supabase.removed).toEqual([]);
  });

  it('hands payload.new to onEvent with its numbers as numbers, and opens at SUBSCRIBED', async () => {
    const supabase = fakeSupabase();
    const { reports, events, disconnect } = await connect(supabase.client);
    cleanup.push(disconnect);
    const [channel] = supabase.channels;
    channel.status!('SUBSCRIBED');
    channel.insert({ ...event(7, { remaining: 3 }), version: '7', remaining: '3', capacity: '10' });
    expect(reports).toEqual(['open', 'event']);
    expect(events).toEqual([event(7, { remaining: 3 })]);
  });

  it.each([['CHANNEL_ERROR'], ['TIMED_OUT']] as const)('reports %s as an error, removes the channel and reports nothing more', async (status) => {
    const supabase = fakeSupabase();
    const { reports, errors } = await connect(supabase.client);
    const [channel] = supabase.channels;
    channel.status!('SUBSCRIBED');
    const cause = new Error('socket gone');
    channel.status!(status, status === 'CHANNEL_ERROR' ? cause : undefined);
    expect(reports).toEqual(['open', 'error']);
    expect(errors[0]).toEqual(status === 'CHANNEL_ERROR' ? cause : new Error(`Realtime channel availability:${CHANNEL}: TIMED_OUT`));
    expect(supabase.removed).toEqual([channel]);
    channel.status!('CLOSED');
    channel.insert(event(8));
    expect(reports).toEqual(['open', 'error']);
  });

  it('reports CLOSED as a clean close', async () => {
    const supabase = fakeSupabase();
    const { reports } = await connect(supabase.client);
    supabase.channels[0].status!('CLOSED');
    expect(reports).toEqual(['close']);
    expect(supabase.removed).toEqual([supabase.channels[0]]);
  });

  it('disconnect removes the channel, once, and silences it', async () => {
    const supabase = fakeSupabase();
    const { reports, disconnect } = await connect(supabase.client);
    const [channel] = supabase.channels;
    channel.status!('SUBSCRIBED');
    disconnect();
    disconnect();
    expect(supabase.removed).toEqual([channel]);
    channel.status!('CLOSED'); // supabase-js says CLOSED as it removes the channel
    channel.insert(event(8));
    expect(reports).toEqual(['open']);
  });

  it('disconnecting before the channel exists creates none', async () => {
    const supabase = fakeSupabase();
    const transport = realtimeTransport({ supabase: supabase.client, venueId: VENUE, date: DATE });
    const disconnect = transport.connect({ onOpen() {}, onEvent() {}, onError() {}, onClose() {} });
    disconnect();
    await settle();
    expect(supabase.channels).toEqual([]);
  });

  it('a new subscription waits until the previous channel of the same name is removed', async () => {
    const supabase = fakeSupabase();
    const transport = realtimeTransport({ supabase: supabase.client, venueId: VENUE, date: DATE });
    const handlers = { onOpen() {}, onEvent() {}, onError() {}, onClose() {} };
    const removal = supabase.slowRemoval();
    transport.connect(handlers)();
    await settle();
    expect(supabase.channels).toHaveLength(0); // never created: disconnected first
    const disconnect = transport.connect(handlers);
    await settle();
    expect(supabase.channels).toHaveLength(1);
    disconnect();
    const third = transport.connect(handlers);
    cleanup.push(third);
    await settle();
    expect(supabase.channels).toHaveLength(1); // supabase-js would hand back the leaving channel
    removal.resolve('ok');
    await settle();
    expect(supabase.channels).toHaveLength(2);
  });

  it('drives a feed: subscribe, then fetch the snapshot, then apply inserts', async () => {
    const supabase = fakeSupabase();
    let fetches = 0;
    const feed = new AvailabilityFeed({
      fetchSnapshot: () => {
        fetches++;
        return Promise.resolve(snapshot(5));
      },
      transport: realtimeTransport({ supabase: supabase.client, venueId: VENUE, date: DATE }),
    });
    cleanup.push(() => feed.stop());
    feed.start();
    await settle();
    expect(fetches).toBe(0);
    supabase.channels[0].status!('SUBSCRIBED');
    supabase.channels[0].insert(event(6, { remaining: 4 })); // during the fetch
    await settle();
    expect(fetches).toBe(1);
    expect(feed.status).toBe('live');
    expect(feed.remaining(STANDING, 'early')).toBe(4);
    // timestamps as PostgreSQL writes them, not as ISO 8601: the same instants, the same key
    supabase.channels[0].insert(event(7, { remaining: 3, starts_at: '2026-12-04 22:00:00+00', ends_at: '2026-12-05 01:00:00+00' }));
    expect(feed.version).toBe(7);
    expect(feed.remaining(STANDING, 'early')).toBe(3);
    feed.stop();
    expect(supabase.removed).toEqual([supabase.channels[0]]);
  });
});
