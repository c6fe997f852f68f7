// Shared by the SDK unit tests: a small snapshot shaped like the demo club (the-vault) plus a table,
// event rows, and scripted stand-ins for the network (a transport, snapshot fetches, sleeps) that the
// tests drive step by step. No network, no database: the ids are made up afresh on every run.
import { AvailabilityFeed, type FeedStatus } from '../../sdk/src/index.ts';
import type { AvailabilityEvent, Snapshot, SnapshotUnit, Transport, TransportHandlers } from '../../sdk/src/index.ts';

export const VENUE = crypto.randomUUID();
export const DATE = '2026-12-04';
export const CHANNEL = `${VENUE}:${DATE}`;

/** pooled, slot mode: 10 standing tables of up to 6 */
export const STANDING = crypto.randomUUID();
/** exclusive, slot mode: a booth for 4 to 10 */
export const BOOTH = crypto.randomUUID();
/** exclusive, time mode: a table for 2 to 4 */
export const TABLE = crypto.randomUUID();

export const EARLY = { starts_at: '2026-12-04T22:00:00+00:00', ends_at: '2026-12-05T01:00:00+00:00' };
export const LATE = { starts_at: '2026-12-05T01:00:00+00:00', ends_at: '2026-12-05T04:00:00+00:00' };

const unit = (u: Partial<SnapshotUnit> & Pick<SnapshotUnit, 'unit_id' | 'code' | 'capacity_mode' | 'booking_mode'>): SnapshotUnit => ({
  name: u.code, unit_type: 'table', area: null, capacity: 1, min_covers: 1, max_covers: 1, premium: false,
  min_spend: 0, deposit: 0, requires_approval: false, out_of_service: false, fits_party: true, keys: [],
  busy: u.capacity_mode === 'exclusive' ? [] : null, ...u,
});

const key = (slot: string, window: { starts_at: string; ends_at: string }, remaining: number) => ({
  slot, ...window, remaining, state: remaining > 0 ? 'available' as const : 'unavailable' as const,
});

/** The club on 2026-12-04 at `version`, everything free unless `standing` says otherwise. */
export function snapshot(version: number, standing = { early: 10, late: 10 }): Snapshot {
  return {
    venue_id: VENUE, venue: 'the-vault', timezone: 'Europe/London', service_date: DATE, version,
    as_of: '2026-11-21T12:00:00+00:00', open: true,
    slots: [{ code: 'early', name: 'Early', ...EARLY }, { code: 'late', name: 'Late', ...LATE }],
    units: [
      unit({
        unit_id: BOOTH, code: 'vip-booth-1', unit_type: 'booth', capacity_mode: 'exclusive', booking_mode: 'slot',
        min_covers: 4, max_covers: 10, keys: [key('early', EARLY, 1), key('late', LATE, 1)],
      }),
      unit({
        unit_id: STANDING, code: 'standing-tables', capacity_mode: 'pooled', booking_mode: 'slot', capacity: 10,
        min_covers: 1, max_covers: 6, keys: [key('early', EARLY, standing.early), key('late', LATE, standing.late)],
      }),
      unit({ unit_id: TABLE, code: 't3', capacity_mode: 'exclusive', booking_mode: 'time', min_covers: 2, max_covers: 4 }),
    ],
  };
}

/** An availability event row: standing tables' early slot down to `remaining` unless told otherwise. */
export function event(version: number, e: Partial<AvailabilityEvent> = {}): AvailabilityEvent {
  const remaining = e.remaining ?? 10 - version;
  return {
    id: 1000 + version, channel: CHANNEL, venue_id: VENUE, service_date: DATE, version, unit_id: STANDING, slot_id: null,
    ...EARLY, capacity_mode: 'pooled', previous_state: 'available', new_state: remaining > 0 ? 'available' : 'unavailable',
    remaining, capacity: 10, reason: 'booking_requested', occurred_at: '2026-11-21T12:00:00+00:00', ...e,
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let every pending promise callback run. */
export const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface ScriptedConnection {
  resumeFrom?: number;
  handlers: TransportHandlers;
  closed: boolean;
}

/** A transport whose connections the test opens, feeds and breaks by hand. */
export function scriptedTransport(resumes: boolean) {
  const connections: ScriptedConnection[] = [];
  const transport: Transport = {
    resumes,
    connect(handlers, resumeFrom) {
      const connection: ScriptedConnection = { resumeFrom, handlers, closed: false };
      connections.push(connection);
      return () => {
        connection.closed = true;
      };
    },
  };
  return {
    transport,
    connections,
    /** The newest connection. */
    get current(): ScriptedConnection {
      const last = connections.at(-1);
      if (!last) throw new Error('the feed has not connected');
      return last;
    },
  };
}

/** Snapshot fetches the test answers one by one. */
export function scriptedSnapshots() {
  const calls: Deferred<Snapshot>[] = [];
  return {
    calls,
    fetchSnapshot: () => {
      const call = deferred<Snapshot>();
      calls.push(call);
      return call.promise;
    },
    /** Answer the newest fetch. */
    async answer(s: Snapshot | Error) {
      const call = calls.at(-1);
      if (!call) throw new Error('no snapshot fetch is waiting');
      if (s instanceof Error) call.reject(s);
      else call.resolve(s);
      await settle();
    },
  };
}

/** Sleeps that record their delay and end when the test says so. */
export function scriptedSleeps() {
  const sleeps: { ms: number; wake: () => void }[] = [];
  return {
    sleeps,
    sleep: (ms: number) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
    get delays() {
      return sleeps.map((s) => s.ms);
    },
    /** End the newest sleep. */
    async wake() {
      const last = sleeps.at(-1);
      if (!last) throw new Error('nothing is sleeping');
      last.wake();
      await settle();
    },
  };
}

const started: AvailabilityFeed[] = [];

/** Stop every feed a test made (call in afterEach). */
export function stopFeeds() {
  for (const feed of started.splice(0)) feed.stop();
}

/** A feed over scripted parts: delays are half of min(1000, 100 * 2^n) (random = 0.5); a
 *  connection is healthy after 10 s of the test's `clock`. `statuses` records the status at every
 *  notification. */
export function scriptedFeed(resumes: boolean) {
  const transport = scriptedTransport(resumes);
  const snapshots = scriptedSnapshots();
  const sleeps = scriptedSleeps();
  const clock = { now: 1_700_000_000_000 };
  const feed = new AvailabilityFeed({
    fetchSnapshot: snapshots.fetchSnapshot,
    transport: transport.transport,
    backoff: { initialMs: 100, maxMs: 1000, factor: 2 },
    random: () => 0.5,
    now: () => clock.now,
    sleep: sleeps.sleep,
    healthyAfterMs: 10_000,
  });
  started.push(feed);
  const statuses: FeedStatus[] = [];
  feed.onChange((f) => statuses.push(f.status));
  return { feed, transport, snapshots, sleeps, statuses, clock };
}

/** A resuming (SSE-like) scripted feed, live on `initial`. */
export async function liveFeed(initial: Snapshot) {
  const s = scriptedFeed(true);
  s.feed.start();
  await s.snapshots.answer(initial);
  s.transport.current.handlers.onOpen();
  return s;
}
