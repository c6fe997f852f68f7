// Server-Sent Events for the live feeds. One hub per isolate, for every feed key with subscribers,
// reads the outbox after the lowest cursor and hands each subscriber the next row after its own
// cursor. It reads when woken: by a NOTIFY on `tablehold_events` (sent after commit by the Edge
// Functions' writes, tablehold.announce; a writer's own transaction never notifies, README
// "Announced after commit"), or by its poll of the watched feeds' heads every
// TABLEHOLD_FEED_POLL_MS (250 ms), one query for all of them, which finds what supabase-js .rpc()
// and Studio writers committed and numbers their pending staff lines.
// Cursors are gap-free and in commit order (a channel's version, a venue's staff sequence), so a
// subscriber takes only cursor + 1: a stream never skips or repeats a row, even one that joined
// during a read, and a reconnect with Last-Event-ID replays exactly what it missed. A slower poll
// (every 2 s) expires the holds whose time is up on the availability channels being watched.
import type { Caller } from './auth.ts';
import { actAs, actAsServer, db, type Sql, type Tx } from './db.ts';
import { env } from './env.ts';
import { ApiError } from './errors.ts';
import { corsHeaders, errorBody, json } from './http.ts';

/** A feed: which outbox rows, and the cursor column (availability: version; staff: id). */
export interface FeedKey {
  /** keyOf(head): 'a:<venue_id>:<date>' or 's:<venue_id>' */
  key: string;
  /** Rows after `cursor`, oldest first, at most `limit`. */
  read: (sql: Sql, cursor: number, limit: number) => Promise<Record<string, unknown>[]>;
  /** The row's cursor value. */
  cursorOf: (row: Record<string, unknown>) => number;
  /** The SSE event name for a row. */
  event: string;
  /** Optional per-subscriber filter (the staff feed's date). */
  accept?: (row: Record<string, unknown>) => boolean;
  /** Run before each poll (availability: expire the channel's lapsed holds). */
  refresh?: (sql: Sql) => Promise<void>;
  /** Where the feed's head is, for the hub's poll: a venue-night's channel, or a venue's staff feed. */
  head: FeedHead;
}

export type FeedHead = { venueId: string; date: string } | { venueId: string; staff: true };

/** A feed's key, from where its head is: 'a:<venue_id>:<date>' or 's:<venue_id>'. */
const keyOf = (head: FeedHead) => 'date' in head ? `a:${head.venueId}:${head.date}` : `s:${head.venueId}`;

export const availabilityFeed = (venueId: string, date: string): FeedKey => ({
  key: keyOf({ venueId, date }),
  event: 'availability',
  read: (sql, cursor, limit) =>
    sql`select to_jsonb(e) as row from public.availability_events e
        where e.channel = ${`${venueId}:${date}`} and e.version > ${cursor} order by e.version limit ${limit}`
      .then((rows) => rows.map((r) => r.row)),
  cursorOf: (row) => Number(row.version),
  head: { venueId, date },
  refresh: async (sql) => {
    await sql`select public.refresh_channel(${venueId}::uuid, ${date}::date)`;
  },
});

export const staffFeed = (venueId: string, date?: string): FeedKey => ({
  key: keyOf({ venueId, staff: true }),
  event: 'booking',
  read: (sql, cursor, limit) =>
    sql`select to_jsonb(e) as row from public.staff_events e
        where e.venue_id = ${venueId} and e.seq > ${cursor} order by e.seq limit ${limit}`
      .then((rows) => rows.map((r) => r.row)),
  cursorOf: (row) => Number(row.seq),
  accept: date ? (row) => row.service_date === date : undefined,
  head: { venueId, staff: true },
});

interface Subscriber {
  cursor: number;
  feed: FeedKey;
  send: (event: string, id: number, data: unknown) => void;
}

interface Topic {
  feed: FeedKey;
  subscribers: Set<Subscriber>;
  reading: boolean;
  again: boolean;
}

const BATCH = 500;
const POLL_MS = 2_000;
/** How often the hub looks at the watched feeds' heads (TABLEHOLD_FEED_POLL_MS, default 250). */
export const headPollMs = () => Math.max(20, Number(env('TABLEHOLD_FEED_POLL_MS') ?? '250'));

/** A uuid[] or date[] literal of values that need no quoting. */
const arrayLiteral = (values: string[]) => `{${values.join(',')}}`;

class Hub {
  private topics = new Map<string, Topic>();
  private listening?: Promise<unknown>;
  private timer?: ReturnType<typeof setInterval>;
  private heads?: ReturnType<typeof setInterval>;
  private checking = false;

  constructor(private sql: () => Sql) {}

  add(sub: Subscriber): () => void {
    let topic = this.topics.get(sub.feed.key);
    if (!topic) {
      topic = { feed: sub.feed, subscribers: new Set(), reading: false, again: false };
      this.topics.set(sub.feed.key, topic);
    }
    topic.subscribers.add(sub);
    this.start();
    void this.pump(topic); // catch up from the subscriber's cursor at once
    return () => {
      topic!.subscribers.delete(sub);
      if (topic!.subscribers.size === 0) this.topics.delete(sub.feed.key);
      if (this.topics.size === 0) this.stop();
    };
  }

  private start() {
    this.listening ??= this.sql().listen('tablehold_events', (payload) => this.notified(payload), () => {
      // (re)connected: anything committed while the listener was away is read now
      for (const topic of this.topics.values()) void this.pump(topic);
    }).catch((e) => {
      console.error(JSON.stringify({ level: 'warn', message: 'LISTEN failed; polling only', error: String(e) }));
    });
    this.timer ??= setInterval(() => {
      for (const topic of this.topics.values()) void this.poll(topic);
    }, POLL_MS);
    this.heads ??= setInterval(() => void this.checkHeads(), headPollMs());
  }

  private stop() {
    if (this.timer) clearInterval(this.timer);
    if (this.heads) clearInterval(this.heads);
    this.timer = this.heads = undefined;
  }

  /** One query for every watched feed's head; wake the topics that moved past their subscribers,
   *  and number (tablehold.announce) the staff lines writers left pending. */
  private async checkHeads() {
    if (this.checking || this.topics.size === 0) return;
    this.checking = true;
    try {
      const heads = [...this.topics.values()].map((t) => t.feed.head);
      const nights = heads.filter((h): h is { venueId: string; date: string } => 'date' in h);
      const staff = heads.filter((h) => 'staff' in h).map((h) => h.venueId);
      const rows = await this.sql()`
        select c.venue_id::text as venue_id, c.service_date::text as date, c.version as head, false as pending
          from unnest(${arrayLiteral(nights.map((h) => h.venueId))}::uuid[], ${arrayLiteral(nights.map((h) => h.date))}::date[])
                 as w(venue_id, service_date)
          join tablehold.channels c on c.venue_id = w.venue_id and c.service_date = w.service_date
        union all
        select w.venue_id::text, null, coalesce(f.seq, 0),
               exists (select 1 from tablehold.staff_events_pending p where p.venue_id = w.venue_id)
          from unnest(${arrayLiteral(staff)}::uuid[]) as w(venue_id)
          left join tablehold.staff_feeds f on f.venue_id = w.venue_id`;
      for (const row of rows) {
        const topic = this.topics.get(keyOf(row.date === null ? { venueId: row.venue_id, staff: true } : { venueId: row.venue_id, date: row.date }));
        if (row.pending) await this.sql()`select tablehold.announce(${row.venue_id}::uuid)`;
        if (topic && topic.subscribers.size && Number(row.head) > Math.min(...[...topic.subscribers].map((s) => s.cursor))) {
          void this.pump(topic);
        }
      }
    } catch (e) {
      console.error(JSON.stringify({ level: 'warn', message: 'feed head poll failed', error: String(e) }));
    } finally {
      this.checking = false;
    }
  }

  private notified(payload: string) {
    let note: { t?: string; venue?: string };
    try {
      note = JSON.parse(payload);
    } catch {
      return;
    }
    // a venue's change (v), its staff lines numbered (s), or anything (*)
    for (const topic of this.topics.values()) {
      const venue = topic.feed.head.venueId;
      if (note.t === '*' || (note.t === 'v' && note.venue === venue) || (note.t === 's' && note.venue === venue && 'staff' in topic.feed.head)) {
        void this.pump(topic);
      }
    }
  }

  private async poll(topic: Topic) {
    try {
      await topic.feed.refresh?.(this.sql());
    } catch (e) {
      console.error(JSON.stringify({ level: 'warn', message: 'refresh failed', key: topic.feed.key, error: String(e) }));
    }
    await this.pump(topic);
  }

  /** Read past the lowest cursor and deliver; one read at a time per topic, re-run if woken meanwhile. */
  private async pump(topic: Topic): Promise<void> {
    if (topic.reading) {
      topic.again = true;
      return;
    }
    topic.reading = true;
    try {
      do {
        topic.again = false;
        if (topic.subscribers.size === 0) break;
        const from = Math.min(...[...topic.subscribers].map((s) => s.cursor));
        const rows = await topic.feed.read(this.sql(), from, BATCH);
        let delivered = false;
        for (const row of rows) {
          const cursor = topic.feed.cursorOf(row);
          for (const sub of topic.subscribers) {
            if (cursor !== sub.cursor + 1) {
              if (cursor > sub.cursor + 1) topic.again = true; // it joined behind this read: catch up next pass
              continue;
            }
            sub.cursor = cursor;
            delivered = true;
            if (!sub.feed.accept || sub.feed.accept(row)) sub.send(sub.feed.event, cursor, row);
          }
        }
        if (rows.length === BATCH) topic.again = true;
        if (!delivered) break; // nothing moved (cursors are gap-free, so nothing will): wait for the next wake-up
      } while (topic.again);
    } catch (e) {
      console.error(JSON.stringify({ level: 'warn', message: 'feed read failed', key: topic.feed.key, error: String(e) }));
    } finally {
      topic.reading = false;
    }
  }
}

let hub: Hub | undefined;

export const HEARTBEAT_MS = 15_000;

/** How long a stream stays open: under the platform's wall-clock limit (150 s on the free plan). */
export const maxStreamMs = () => Math.max(1, Number(env('TABLEHOLD_SSE_MAX_SECONDS') ?? '120')) * 1000;

// --- admitting streams ------------------------------------------------------------------------
// A stream costs its isolate memory and a share of its channel's poll, for as long as it stays
// open, whatever it was opened for. So: at most TABLEHOLD_SSE_MAX_STREAMS per isolate (503
// STREAM_CAPACITY_REACHED), at most TABLEHOLD_SSE_MAX_STREAMS_PER_IP from one client address per
// isolate (429 TOO_MANY_STREAMS), availability streams only for dates a guest could book (422
// OUTSIDE_BOOKING_WINDOW), and opening one counts against the stream rate limits (limits.ts).

function setting(name: string, fallback: number): number {
  const raw = env(name);
  const value = raw === undefined || raw.trim() === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number >= 1 (got ${JSON.stringify(raw)})`);
  return value;
}

/** The stream caps: per isolate and per client address (in this isolate). */
export const streamCaps = () => ({
  perIsolate: setting('TABLEHOLD_SSE_MAX_STREAMS', 500),
  perAddress: setting('TABLEHOLD_SSE_MAX_STREAMS_PER_IP', 10),
});

/** Seconds a refused stream is told to wait: streams end within TABLEHOLD_SSE_MAX_SECONDS anyway. */
export const STREAM_RETRY_SECONDS = 10;

const streams = { open: 0, byAddress: new Map<string, number>() };

/** The streams open in this isolate, in all and per address (for tests and logs). */
export const openStreams = () => ({ open: streams.open, byAddress: Object.fromEntries(streams.byAddress) });

const addressOf = (caller?: Caller) => caller?.role === 'service_role' ? undefined : caller?.headers?.['x-forwarded-for'];

/** Would a stream of this caller be admitted now? Throws 503 STREAM_CAPACITY_REACHED or 429
 *  TOO_MANY_STREAMS (details `retry_after`) if not; reserves nothing (sseResponse does). */
export function checkStreamCapacity(caller?: Caller): void {
  const caps = streamCaps();
  if (streams.open >= caps.perIsolate) {
    throw new ApiError(503, 'STREAM_CAPACITY_REACHED', 'Too many live streams on this server right now: try again shortly.', {
      limit: caps.perIsolate, retry_after: STREAM_RETRY_SECONDS,
    });
  }
  const address = addressOf(caller);
  if (address !== undefined && (streams.byAddress.get(address) ?? 0) >= caps.perAddress) {
    throw new ApiError(429, 'TOO_MANY_STREAMS', 'Too many live streams from your address: close one first.', {
      limit: caps.perAddress, retry_after: STREAM_RETRY_SECONDS,
    });
  }
}

/** Take a stream's place (after checkStreamCapacity's rules, again: others may have come since);
 *  the returned function gives it back, once. */
function reserveStream(caller?: Caller): () => void {
  checkStreamCapacity(caller);
  const address = addressOf(caller);
  streams.open++;
  if (address !== undefined) streams.byAddress.set(address, (streams.byAddress.get(address) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    streams.open--;
    if (address === undefined) return;
    const left = (streams.byAddress.get(address) ?? 1) - 1;
    if (left > 0) streams.byAddress.set(address, left);
    else streams.byAddress.delete(address);
  };
}

/** An availability stream's date must be one a guest could book: from the venue's current service
 *  date (a night still under way counts) to the last date within its booking horizon. Else 422
 *  OUTSIDE_BOOKING_WINDOW (details `problem`: past or horizon, and the `first` and `last` dates);
 *  404 NOT_FOUND for an unknown venue. One query, as the connecting (trusted) role. */
export async function requireLiveDate(venueId: string, date: string, sql: Sql | Tx): Promise<void> {
  const [window] = await sql`
    select tablehold.service_date_of(v, tablehold.clock())::text as first,
           tablehold.service_date_of(v, tablehold.clock() + v.booking_horizon)::text as last
    from tablehold.venues v where v.id = ${venueId}`;
  if (!window) throw new ApiError(404, 'NOT_FOUND', "We couldn't find that.", { entity: 'venue' });
  if (date < window.first || date > window.last) {
    throw new ApiError(422, 'OUTSIDE_BOOKING_WINDOW', 'Live availability is offered only for dates that can be booked.', {
      problem: date < window.first ? 'past' : 'horizon', first: window.first, last: window.last,
    });
  }
}

/** Admit an availability stream before any work is done for it: the caps, then the date, read in
 *  the request's own transaction as the server (the venue's settings are private; a second pooled
 *  connection per request could starve the pool), which then goes on as the caller. */
export async function admitAvailabilityStream(tx: Tx, caller: Caller, venueId: string, date: string): Promise<void> {
  checkStreamCapacity(caller);
  await actAsServer(tx);
  await requireLiveDate(venueId, date, tx);
  await actAs(tx, caller);
}

/** An SSE response: an optional first event (the snapshot), then the feed from `cursor` on,
 *  heartbeats, and a clean `bye` before the wall-clock limit. The stream takes its place among the
 *  caps above as it opens (for `caller`'s address) and gives it back as it closes; refused, the
 *  answer is the error (429 or 503, with Retry-After) instead. */
export function sseResponse(feed: FeedKey, cursor: number, first?: { event: string; id: number; data: unknown }, caller?: Caller): Response {
  let release: () => void;
  try {
    release = reserveStream(caller);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    return json(e.status, errorBody(e), { 'retry-after': String(STREAM_RETRY_SECONDS) });
  }
  const encoder = new TextEncoder();
  let close = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const write = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          close();
        }
      };
      const send = (event: string, id: number, data: unknown) =>
        write(`event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`);
      write(`retry: 1000\n\n`);
      if (first) send(first.event, first.id, first.data);
      hub ??= new Hub(db);
      const subscriber: Subscriber = { cursor, feed, send };
      const remove = hub.add(subscriber);
      const heartbeat = setInterval(() => write(`: ping\n\n`), HEARTBEAT_MS);
      const deadline = setTimeout(() => {
        send('bye', subscriber.cursor, { reconnect: true });
        close();
      }, maxStreamMs());
      close = () => {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        clearTimeout(deadline);
        remove();
        release();
        try {
          controller.close();
        } catch { /* already closed by the client */ }
      };
    },
    cancel() {
      close();
    },
  });
  return new Response(stream, {
    status: 200,
    headers: {
      ...corsHeaders,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    },
  });
}

/** Does the request ask for a stream? */
export const wantsStream = (headers: Headers) => (headers.get('accept') ?? '').includes('text/event-stream');

/** A Last-Event-ID to resume from, if the client sent a sane one. */
export function lastEventId(headers: Headers): number | undefined {
  const raw = headers.get('last-event-id');
  return raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
}
