// The SSE transport against a real HTTP server (node:http on 127.0.0.1) writing scripted event
// streams: events split across chunks mid-line, heartbeats, bye, refusals, resuming with
// Last-Event-ID, and a feed riding it through a reconnect.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AvailabilityFeed, type AvailabilityEvent, type Snapshot, sseTransport, StreamError } from '../../sdk/src/index.ts';
import { DATE, event, snapshot, STANDING, VENUE } from './fixtures.ts';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the server does with one request: write, wait, maybe end. */
type Script = (res: ServerResponse) => Promise<void> | void;

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  /** The client went away (or the response ended). */
  closed: boolean;
}

const servers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of servers.splice(0)) await stop();
});

/** Serve the n-th request with scripts[n] (the last one for any after). */
async function serve(...scripts: Script[]) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const record: Seen = { url: req.url ?? '', headers: req.headers, closed: false };
    seen.push(record);
    res.on('close', () => {
      record.closed = true;
    });
    void scripts[Math.min(seen.length, scripts.length) - 1](res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** An event stream: each chunk written separately, `gap` ms apart; ends the response when `end`. */
const stream = (chunks: string[], end = false, gap = 15): Script => async (res) => {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  res.flushHeaders();
  for (const chunk of chunks) {
    await pause(gap);
    if (res.destroyed) return;
    res.write(chunk);
  }
  if (end) res.end();
};

const frame = (name: string, id: number, data: unknown) => `event: ${name}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;

/** Connect and record, in order, what the transport reports. */
function record(url: string, resumeFrom?: number, extra: { idleTimeoutMs?: number } = {}) {
  const reports: string[] = [];
  const events: AvailabilityEvent[] = [];
  const snapshots: Snapshot[] = [];
  const errors: unknown[] = [];
  const transport = sseTransport({ url, venueId: VENUE, date: DATE, headers: { apikey: 'sb_publishable_abc' }, ...extra });
  const disconnect = transport.connect({
    onOpen: () => reports.push('open'),
    onEvent: (e) => {
      reports.push(`event ${e.version}`);
      events.push(e);
    },
    onSnapshot: (s) => {
      reports.push(`snapshot ${s.version}`);
      snapshots.push(s);
    },
    onError: (err) => {
      reports.push('error');
      errors.push(err);
    },
    onClose: () => reports.push('close'),
  }, resumeFrom);
  servers.push(() => Promise.resolve(disconnect()));
  return { reports, events, snapshots, errors, disconnect, transport };
}

describe('the SSE transport reads a real stream', () => {
  it('parses snapshot, events split mid-line, a ping, unknown events and bye, then closes the connection', async () => {
    const snap = JSON.stringify(snapshot(5));
    const e6 = JSON.stringify(event(6, { remaining: 4 }));
    const server = await serve(stream([
      'retry: 1000\n\n',
      `event: snapshot\nid: 5\ndata: ${snap.slice(0, 40)}`, // split inside the data line
      `${snap.slice(40)}\n\n: ping\n\nevent: availa`, // and inside a field name
      `bility\nid: 6\ndata: ${e6.slice(0, 10)}`,
      `${e6.slice(10)}\n`,
      '\n',
      `event: availability\r\nid: 7\r\ndata: ${JSON.stringify(event(7, { remaining: 3 }))}\r\n\r\n`, // CRLF lines
      'event: future_kind\nid: 8\ndata: {}\n\ndata: a plain message\n\n',
      frame('bye', 7, { reconnect: true }),
      ': ping\n\n', // the client has gone by now
    ]));
    const { reports, events, snapshots } = record(server.url);
    await vi.waitFor(() => expect(reports).toContain('close'), { timeout: 3000 });
    expect(reports).toEqual(['open', 'snapshot 5', 'event 6', 'event 7', 'close']);
    expect(snapshots).toEqual([snapshot(5)]);
    expect(events).toEqual([event(6, { remaining: 4 }), event(7, { remaining: 3 })]);
    expect(server.seen).toHaveLength(1);
    expect(server.seen[0].url).toBe(`/functions/v1/availability/v1?venue_id=${VENUE}&date=${DATE}`);
    expect(server.seen[0].headers.accept).toBe('text/event-stream');
    expect(server.seen[0].headers.apikey).toBe('sb_publishable_abc');
    expect(server.seen[0].headers['last-event-id']).toBeUndefined();
    await vi.waitFor(() => expect(server.seen[0].closed).toBe(true), { timeout: 3000 }); // bye: the client hung up
  });

  it('resumes with Last-Event-ID and ignores a snapshot sent anyway', async () => {
    const server = await serve(stream([frame('snapshot', 9, snapshot(9)), frame('availability', 10, event(10)), frame('bye', 10, {})]));
    const { reports } = record(server.url, 9);
    await vi.waitFor(() => expect(reports).toContain('close'), { timeout: 3000 });
    expect(reports).toEqual(['open', 'event 10', 'close']);
    expect(server.seen[0].headers['last-event-id']).toBe('9');
  });

  it('sends Last-Event-ID 0 for a channel with no events yet', async () => {
    const server = await serve(stream([frame('bye', 0, {})]));
    const { reports } = record(server.url, 0);
    await vi.waitFor(() => expect(reports).toEqual(['open', 'close']), { timeout: 3000 });
    expect(server.seen[0].headers['last-event-id']).toBe('0');
  });

  it('reports a stream that ends without bye as a close', async () => {
    const server = await serve(stream([frame('availability', 6, event(6))], true));
    const { reports } = record(server.url, 5);
    await vi.waitFor(() => expect(reports).toEqual(['open', 'event 6', 'close']), { timeout: 3000 });
  });

  it('reports a refusal as an error with the API\'s status and code, never as open', async () => {
    const server = await serve((res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: "We couldn't find that.", details: { entity: 'venue' } } }));
    });
    const { reports, errors } = record(server.url);
    await vi.waitFor(() => expect(reports).toEqual(['error']), { timeout: 3000 });
    expect(errors[0]).toBeInstanceOf(StreamError);
    expect(errors[0]).toMatchObject({ status: 404, code: 'NOT_FOUND', message: "We couldn't find that." });
  });

  it('reports a 200 that is not an event stream (a server without SSE) as an error', async () => {
    const server = await serve((res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: snapshot(5) }));
    });
    const { reports, errors } = record(server.url);
    await vi.waitFor(() => expect(reports).toEqual(['error']), { timeout: 3000 });
    expect(errors[0]).toMatchObject({ status: 200, message: 'The server did not answer with an event stream (content-type text/event-stream).' });
  });

  it('reports a refused connection as an error', async () => {
    const server = await serve(stream([]));
    await servers.pop()!(); // nobody listens there any more
    const { reports, errors } = record(server.url);
    await vi.waitFor(() => expect(reports).toEqual(['error']), { timeout: 3000 });
    expect(errors[0]).toBeInstanceOf(TypeError); // fetch failed
  });

  it('ends the connection with an error on a malformed availability event', async () => {
    const server = await serve(stream([frame('availability', 6, event(6)), 'event: availability\nid: 7\ndata: {"version":\n\n', frame('availability', 8, event(8))]));
    const { reports, errors } = record(server.url, 5);
    await vi.waitFor(() => expect(reports).toEqual(['open', 'event 6', 'error']), { timeout: 3000 });
    expect(errors[0]).toBeInstanceOf(SyntaxError);
    await vi.waitFor(() => expect(server.seen[0].closed).toBe(true), { timeout: 3000 });
    await pause(100);
    expect(reports).toEqual(['open', 'event 6', 'error']);
  });

  it('gives up on a stream that sends nothing, not even a ping, for idleTimeoutMs', async () => {
    const server = await serve(stream([': ping\n\n', ': ping\n\n', ': ping\n\n', ': ping\n\n'], false, 150));
    const started = Date.now();
    const { reports, errors } = record(server.url, 5, { idleTimeoutMs: 400 });
    await vi.waitFor(() => expect(reports).toEqual(['open', 'error']), { timeout: 3000, interval: 20 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // the pings until 600 ms kept it alive
    expect(errors[0]).toEqual(new StreamError('The availability stream sent nothing for 400 ms.'));
    await vi.waitFor(() => expect(server.seen[0].closed).toBe(true), { timeout: 3000 });
  });

  it('disconnect hangs up and reports nothing more', async () => {
    const server = await serve(stream([frame('availability', 6, event(6)), ': ping\n\n', frame('availability', 7, event(7))], false, 150));
    const { reports, disconnect } = record(server.url, 5);
    await vi.waitFor(() => expect(reports).toEqual(['open', 'event 6']), { timeout: 3000, interval: 10 });
    disconnect();
    await vi.waitFor(() => expect(server.seen[0].closed).toBe(true), { timeout: 3000 });
    await pause(400);
    expect(reports).toEqual(['open', 'event 6']);
  });

  it('carries a feed through bye: it reconnects with the Last-Event-ID it reached and misses nothing', async () => {
    const server = await serve(
      stream([frame('availability', 6, event(6, { remaining: 4 })), ': ping\n\n', frame('availability', 7, event(7, { remaining: 3 })), frame('bye', 7, { reconnect: true })]),
      stream([frame('availability', 8, event(8, { remaining: 2 }))]),
    );
    const feed = new AvailabilityFeed({
      fetchSnapshot: () => Promise.resolve(snapshot(5, { early: 5, late: 10 })),
      transport: sseTransport({ url: `${server.url}/functions/v1`, venueId: VENUE, date: DATE }),
      random: () => 0,
    });
    servers.push(() => Promise.resolve(feed.stop()));
    feed.start();
    await vi.waitFor(() => expect(feed.version).toBe(8), { timeout: 3000 });
    expect(feed.status).toBe('live');
    expect(feed.remaining(STANDING, 'early')).toBe(2);
    expect(server.seen.map((s) => s.headers['last-event-id'])).toEqual(['5', '7']);
    expect(server.seen[0].closed).toBe(true);
    feed.stop();
    await vi.waitFor(() => expect(server.seen[1].closed).toBe(true), { timeout: 3000 });
  });
});
