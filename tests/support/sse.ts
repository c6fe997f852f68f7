// A small Server-Sent Events client for the live-feed tests: fetch streaming + eventsource-parser,
// every event kept in arrival order with its id, the `retry:` and comment lines counted, waits with
// deadlines that fail with what was received, and abort. It reads the body of any Response, so the
// same reader serves the functions server over HTTP and a handler called in-process.
import { createParser } from 'eventsource-parser';

export interface SseEvent {
  /** The `event:` field ('snapshot', 'availability', 'booking', 'bye'); 'message' when absent. */
  event: string;
  /** The `id:` field of this event, if it had one. */
  id?: string;
  data: string;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Every event, in arrival order. */
  events: SseEvent[];
  /** Comment lines (`: ping`), without the colon. */
  comments: string[];
  /** The last `retry:` value, in ms. */
  retry?: number;
  /** Parse errors (unknown fields, bad retry values) and a failed read: a well-formed stream has none. */
  problems: string[];
  /** The body text of a response that is not an event stream (an error envelope). */
  text?: string;
  /** Settles when the body ends: 'ended' (the server closed it) or 'aborted' (close() was called). */
  finished: Promise<'ended' | 'aborted'>;
  /** Set once the body has ended or been aborted. */
  end?: 'ended' | 'aborted';
  /** The parsed data of the events of one name. */
  data(event: string): any[];
  /** Resolves when `ready(stream)` holds; fails after `ms` naming `what` and the last events. */
  waitFor(what: string, ready: (s: SseStream) => boolean, ms?: number): Promise<void>;
  /** Aborts the request (the client going away mid-stream). */
  close(): void;
}

const isEventStream = (r: Response) => (r.headers.get('content-type') ?? '').startsWith('text/event-stream');

/** Reads a Response as an event stream (abort: how close() ends it; in-process, the body is cancelled). */
export function readSse(response: Response, abort?: AbortController): SseStream {
  const waiters = new Set<() => void>();
  let closing = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  const wake = () => waiters.forEach((w) => w());
  const stream: SseStream = {
    status: response.status,
    headers: response.headers,
    events: [],
    comments: [],
    problems: [],
    finished: undefined as never,
    data: (event) => stream.events.filter((e) => e.event === event).map((e) => JSON.parse(e.data)),
    waitFor: (what, ready, ms = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (ready(stream)) {
            done();
            resolve();
          } else if (stream.end) {
            done();
            reject(new Error(`waiting for ${what}: the stream ${stream.end} first; it had ${describe(stream)}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`waiting for ${what}: not within ${ms} ms; the stream had ${describe(stream)}`));
        }, ms);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      }),
    close: () => {
      closing = true;
      if (abort) abort.abort();
      else void reader?.cancel().catch(() => {});
    },
  };
  const parser = createParser({
    onEvent: (e) => {
      stream.events.push({ event: e.event ?? 'message', id: e.id, data: e.data });
      wake();
    },
    onRetry: (ms) => (stream.retry = ms),
    onComment: (c) => stream.comments.push(c.trim()),
    onError: (e) => stream.problems.push(e.message),
  });
  stream.finished = (async () => {
    const decoder = new TextDecoder();
    try {
      if (!isEventStream(response) || !response.body) {
        stream.text = await response.text();
        return 'ended' as const;
      }
      reader = response.body.getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch (e) {
      if (!closing) throw e;
    }
    return closing ? ('aborted' as const) : ('ended' as const);
  })().then(
    (how) => {
      stream.end = how;
      wake();
      return how;
    },
    (e) => {
      // a broken connection: the stream ended without the server's bye, which the waits report
      stream.problems.push(`read failed: ${String(e)}`);
      stream.end = 'ended';
      wake();
      return 'ended' as const;
    },
  );
  return stream;
}

/** Opens an event stream over HTTP (GET with Accept: text/event-stream, and Last-Event-ID if given). */
export async function openSse(url: string, { headers = {}, lastEventId }: { headers?: Record<string, string>; lastEventId?: string } = {}): Promise<SseStream> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}), ...headers },
    signal: abort.signal,
  });
  return readSse(response, abort);
}

/** The ids of the events of one name, as numbers. */
export const idsOf = (s: SseStream, event: string): number[] => s.events.filter((e) => e.event === event).map((e) => Number(e.id));

/** The highest id the stream has seen (any event), or undefined. */
export const lastId = (s: SseStream): number | undefined => {
  const ids = s.events.filter((e) => e.id !== undefined && e.id !== '').map((e) => Number(e.id));
  return ids.length ? Math.max(...ids) : undefined;
};

function describe(s: SseStream): string {
  const tail = s.events.slice(-5).map((e) => `${e.event}#${e.id ?? '-'}`).join(', ');
  return `${s.events.length} event(s)${tail ? ` (last: ${tail})` : ''}, status ${s.status}`
    + `${s.text ? `, body ${s.text.slice(0, 200)}` : ''}${s.problems.length ? `, problems: ${s.problems.join('; ')}` : ''}`;
}

/** Closes every stream and waits (at most `ms`) until each body has ended: for afterAll / afterEach. */
export async function closeStreams(streams: Iterable<SseStream>, ms = 5_000): Promise<void> {
  const all = [...streams];
  all.forEach((s) => s.close());
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(all.map((s) => s.finished)),
    new Promise((r) => (timer = setTimeout(r, ms))),
  ]);
  clearTimeout(timer);
}

/** Polls `probe` (every 50 ms) until it answers true; fails after `ms` naming `what`. For the
 *  database side of the live tests (a hold expired, a read waiting on a lock), never a fixed sleep. */
export async function until(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + ms; !(await probe());) {
    if (Date.now() > deadline) throw new Error(`waiting for ${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
