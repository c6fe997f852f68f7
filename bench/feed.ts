// npm run bench -- feed
// Live feed latency: 100 Server-Sent Events subscribers (GET /availability/v1 with Accept:
// text/event-stream) on one venue-night; bookings commit one at a time, each emitting one event.
// Latency = when a subscriber's parser hands over the event, minus clock_timestamp() read in the
// booking's transaction right before COMMIT (the server and this process share the machine's clock).
import { createParser } from 'eventsource-parser';
import { createVenue, guest } from '../tests/support/fixtures.ts';
import {
  bookAsGuest, ms, percentiles, pool, progress, type SectionContext, type SectionResult, sleep, type Sql, wallClockMs,
} from './support.ts';

const SUBSCRIBERS = 100;

interface Subscriber {
  /** version -> wall-clock ms when the event arrived */
  received: Map<number, number>;
  duplicates: number;
  snapshotVersion?: number;
  /** Ends the stream (cancels the body reader). */
  close: () => void;
  done: Promise<void>;
}

function subscribe(url: string): Subscriber {
  const abort = new AbortController();
  const sub: Subscriber = { received: new Map(), duplicates: 0, close: () => abort.abort(), done: Promise.resolve() };
  const parser = createParser({
    onEvent: (e) => {
      const at = wallClockMs();
      const version = Number(e.id);
      if (e.event === 'snapshot') sub.snapshotVersion = version;
      else if (e.event === 'availability') {
        if (sub.received.has(version)) sub.duplicates++;
        else sub.received.set(version, at);
      }
    },
  });
  sub.done = (async () => {
    const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    const reader = res.body.getReader();
    sub.close = () => {
      abort.abort();
      reader.cancel().catch(() => {});
    };
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      parser.feed(decoder.decode(value, { stream: true }));
    }
  })().catch((e) => {
    if (!abort.signal.aborted) progress(`feed: a stream failed: ${e}`);
  });
  return sub;
}

/** Poll (bounded) until check() holds. */
async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  for (const end = performance.now() + timeoutMs; performance.now() < end;) {
    if (check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** One booking as an anonymous guest; returns [channel version of its event, commit time in ms]. */
async function bookAndStamp(db: Sql, venueId: string, unitId: string, date: string, i: number): Promise<[number, number]> {
  return await db.begin(async (tx) => {
    const booking = await bookAsGuest(tx as unknown as Sql, venueId, date, unitId, guest(`feed-${i}`));
    const [{ at }] = await tx`select extract(epoch from clock_timestamp())::float8 * 1000 as at`;
    return [Number(booking.version), Number(at)];
  }) as [number, number];
}

export async function feed(ctx: SectionContext): Promise<SectionResult> {
  const db = pool(ctx.stack.dbUrl, 1);
  const bookings = ctx.quick ? 20 : 100;
  const venue = await createVenue(db as never, {
    kind: 'club',
    units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'date', capacity: 1000, maxCovers: 6 }],
  });
  const url = `${ctx.stack.functionsUrl}/functions/v1/availability/v1?venue_id=${venue.id}&date=${venue.date}`;
  progress(`feed: opening ${SUBSCRIBERS} SSE streams`);
  const subs = Array.from({ length: SUBSCRIBERS }, () => subscribe(url));
  const commits = new Map<number, number>();
  try {
    await until('every subscriber has its snapshot', () => subs.every((s) => s.snapshotVersion !== undefined), 60_000);
    progress(`feed: ${bookings} bookings, one every 50 ms`);
    for (let i = 0; i < bookings; i++) {
      const [version, at] = await bookAndStamp(db, venue.id, venue.units.floor, venue.date, i);
      commits.set(version, at);
      await sleep(50);
    }
    const last = Math.max(...commits.keys());
    await until('every subscriber has the last event', () => subs.every((s) => s.received.has(last)), 15_000)
      .catch((e) => progress(`feed: ${e.message}`));
  } finally {
    for (const s of subs) s.close();
    await Promise.race([Promise.allSettled(subs.map((s) => s.done)), sleep(5000)]);
  }

  const latencies: number[] = [];
  let missed = 0;
  for (const s of subs) {
    for (const [version, committedAt] of commits) {
      const at = s.received.get(version);
      if (at === undefined) missed++;
      else latencies.push(at - committedAt);
    }
  }
  const p = percentiles(latencies);
  const duplicates = subs.reduce((n, s) => n + s.duplicates, 0);
  return {
    tables: [{
      title: `Feed latency: commit to receipt, ${SUBSCRIBERS} SSE subscribers, ${bookings} bookings`,
      columns: ['deliveries', 'missed', 'duplicates', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
      rows: [[p.n, missed, duplicates, ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max)]],
      note: 'From clock_timestamp() just before each booking\'s COMMIT to the moment each subscriber\'s parser has the event. '
        + 'The earlier goal, p95 < 100 ms with none missed, is not among issue 8\'s goals: reported here only.',
    }],
    data: { subscribers: SUBSCRIBERS, bookings, latency: p, missed, duplicates },
  };
}
