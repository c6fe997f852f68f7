// How events reach the feed. A Transport opens one connection per connect() call and reports
// what happens on it; the feed owns everything else (snapshots, ordering, reconnecting).
//
// - sseTransport: GET /functions/v1/availability/v1 with Accept: text/event-stream, read as a
//   fetch body stream and parsed with eventsource-parser; resumes with Last-Event-ID.
// - realtimeTransport: Supabase Realtime postgres_changes on public.availability_events; no
//   replay, so the feed re-fetches the snapshot after every (re)subscribe.
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { normalizeEvent } from './state.ts';
import type { AvailabilityEvent, Snapshot } from './types.ts';
import { functionsUrl, query } from './url.ts';

/** What a connection reports. After onError or onClose, or once the disconnect function was
 *  called, a transport calls nothing more for that connection. */
export interface TransportHandlers {
  /** The connection is up: SSE answered 200 with an event stream; Realtime said SUBSCRIBED. */
  onOpen(): void;
  /** One availability event, numbers normalised. */
  onEvent(e: AvailabilityEvent): void;
  /** The connection failed or broke; it is over. */
  onError(err: unknown): void;
  /** The connection ended cleanly (the stream ended, the server said `bye`, the channel closed). */
  onClose(): void;
  /** A snapshot the server sent on the connection itself (SSE without a resume point). Optional:
   *  the feed fetches its own snapshots and only adopts this one if it is newer. */
  onSnapshot?(snapshot: Snapshot): void;
}

export interface Transport {
  /** Open a connection. `resumeFrom` is the version the caller already has: a resuming transport
   *  delivers every event after it. Returns a function that closes the connection (idempotent). */
  connect(handlers: TransportHandlers, resumeFrom?: number): () => void;
  /** True when connect(…, resumeFrom) replays every event after resumeFrom (SSE), so a reconnect
   *  needs no new snapshot. False or absent (Realtime): the feed re-fetches after every open. */
  readonly resumes?: boolean;
}

/** An SSE connection the server refused or that stopped making sense. */
export class StreamError extends Error {
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
    this.name = 'StreamError';
  }
}

export interface SseTransportOptions {
  /** The Supabase project URL or the functions base (`…/functions/v1`). */
  url: string;
  venueId: string;
  /** The service date, YYYY-MM-DD. */
  date: string;
  /** Passed on to the server's snapshot, as for GET /availability/v1. */
  slot?: string;
  partySize?: number;
  /** E.g. `{ apikey: <publishable key> }` or `{ Authorization: 'Bearer <token>' }` (staff see full states). */
  headers?: Record<string, string>;
  /** A fetch whose Response has a streaming body (browsers, Node 18+, Deno). Default: globalThis.fetch. */
  fetch?: typeof fetch;
  /** Give up on a connection that sends nothing (not even the 15 s `: ping`) for this long. Default
   *  45 000 ms; 0 turns it off. */
  idleTimeoutMs?: number;
}

/** Why a response is not a usable event stream, with the API's error code when it sent one. */
async function refusal(res: Response): Promise<StreamError> {
  let code: string | undefined;
  let message = `The availability stream answered ${res.status} ${res.statusText}`.trim();
  try {
    const body = await res.text();
    const error = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    code = error?.code;
    if (error?.message) message = error.message;
  } catch { /* not the API's JSON envelope */ }
  if (res.ok) message = 'The server did not answer with an event stream (content-type text/event-stream).';
  return new StreamError(message, res.status, code);
}

/** Live availability over Server-Sent Events, read from a fetch body stream (so headers such as
 *  Authorization and Last-Event-ID can be sent, which the browser's EventSource cannot).
 *  `event: availability` → onEvent; `event: snapshot` → onSnapshot, only when not resuming;
 *  `event: bye` → onClose (a clean end: reconnect); comments (`: ping`) keep it alive; anything else
 *  is ignored. A malformed availability event ends the connection with onError. */
export function sseTransport(options: SseTransportOptions): Transport {
  const url = `${functionsUrl(options.url)}/availability/v1?${
    query({ venue_id: options.venueId, date: options.date, slot: options.slot, party_size: options.partySize })
  }`;
  const idleMs = options.idleTimeoutMs ?? 45_000;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));

  return {
    resumes: true,
    connect(handlers, resumeFrom) {
      const controller = new AbortController();
      let ended = false;
      let idle: ReturnType<typeof setTimeout> | undefined;

      const end = (report?: () => void) => {
        if (ended) return;
        ended = true;
        if (idle !== undefined) clearTimeout(idle);
        controller.abort();
        report?.();
      };
      const fail = (err: unknown) => end(() => handlers.onError(err));
      const touch = () => {
        if (idleMs <= 0 || ended) return;
        if (idle !== undefined) clearTimeout(idle);
        idle = setTimeout(() => fail(new StreamError(`The availability stream sent nothing for ${idleMs} ms.`)), idleMs);
      };

      const dispatch = (message: EventSourceMessage) => {
        if (ended) return;
        switch (message.event) {
          case 'availability': {
            let event: AvailabilityEvent;
            try {
              event = normalizeEvent(JSON.parse(message.data));
            } catch (err) {
              return fail(err);
            }
            return handlers.onEvent(event);
          }
          case 'snapshot': {
            // resuming: the server sends none, and one would be older than what the caller has
            if (resumeFrom !== undefined || !handlers.onSnapshot) return;
            let snapshot: Snapshot;
            try {
              snapshot = JSON.parse(message.data) as Snapshot;
            } catch (err) {
              return fail(err);
            }
            return handlers.onSnapshot(snapshot);
          }
          case 'bye':
            return end(() => handlers.onClose());
          default:
            return; // events this version does not know
        }
      };
      const parser = createParser({
        onEvent: dispatch,
        // one event (a large venue's snapshot) stays far below this; past it the stream is broken
        maxBufferSize: 8 * 1024 * 1024,
        onError: (err) => {
          if (err.type === 'max-buffer-size-exceeded') fail(err);
        },
      });

      const headers = new Headers(options.headers);
      headers.set('accept', 'text/event-stream');
      if (resumeFrom !== undefined) headers.set('last-event-id', String(resumeFrom));

      void (async () => {
        try {
          touch();
          const res = await doFetch(url, { headers, signal: controller.signal });
          if (ended) return;
          const type = res.headers.get('content-type') ?? '';
          if (!res.ok || !res.body || !/^text\/event-stream\b/i.test(type)) return fail(await refusal(res));
          touch();
          handlers.onOpen();
          const reader = res.body.getReader();
          const decoder = new TextDecoder();
          while (!ended) {
            const { value, done } = await reader.read();
            if (done) break;
            touch();
            parser.feed(decoder.decode(value, { stream: true }));
          }
          end(() => handlers.onClose());
        } catch (err) {
          fail(err); // after end() (disconnect, bye) the abort lands here and is ignored
        }
      })();

      return () => end();
    },
  };
}

/** The part of a supabase-js RealtimeChannel the transport uses. */
export interface RealtimeChannelLike {
  on(
    type: 'postgres_changes',
    filter: { event: 'INSERT'; schema: string; table: string; filter: string },
    callback: (payload: { new: unknown }) => void,
  ): RealtimeChannelLike;
  subscribe(callback: (status: string, err?: Error) => void): unknown;
}

/** The part of a supabase-js SupabaseClient the transport uses. */
export interface RealtimeClientLike {
  channel(name: string): RealtimeChannelLike;
  removeChannel(channel: RealtimeChannelLike): unknown;
}

export interface RealtimeTransportOptions {
  /** A supabase-js client (createClient(url, publishableKey)). */
  supabase: RealtimeClientLike;
  venueId: string;
  /** The service date, YYYY-MM-DD. */
  date: string;
}

/** Live availability over Supabase Realtime: INSERTs into public.availability_events for the
 *  channel `<venue_id>:<date>`. SUBSCRIBED → onOpen, CHANNEL_ERROR / TIMED_OUT → onError, CLOSED →
 *  onClose. Realtime does not replay what happened while unsubscribed, so `resumes` is false and
 *  the feed re-fetches the snapshot after every subscribe. */
export function realtimeTransport(options: RealtimeTransportOptions): Transport {
  const key = `${options.venueId}:${options.date}`;
  const { supabase } = options;
  // supabase-js hands back an existing channel of the same name, so a new subscription waits
  // until the previous one is removed
  let removed: Promise<unknown> = Promise.resolve();
  return {
    resumes: false,
    connect(handlers) {
      let ended = false;
      let channel: RealtimeChannelLike | undefined;
      const end = (report: () => void) => {
        if (ended) return;
        ended = true;
        report();
        if (channel) {
          const leaving = channel;
          let removal: unknown;
          try {
            removal = supabase.removeChannel(leaving);
          } catch { /* removing is best effort */ }
          removed = Promise.resolve(removal).catch(() => {});
        }
      };
      void removed.then(() => {
        if (ended) return;
        channel = supabase.channel(`availability:${key}`).on(
          'postgres_changes',
          { event: 'INSERT', schema: 'public', table: 'availability_events', filter: `channel=eq.${key}` },
          (payload) => {
            if (ended) return;
            let event: AvailabilityEvent;
            try {
              event = normalizeEvent(payload.new);
            } catch (err) {
              return end(() => handlers.onError(err));
            }
            handlers.onEvent(event);
          },
        );
        channel.subscribe((status, err) => {
          if (ended) return;
          if (status === 'SUBSCRIBED') handlers.onOpen();
          else if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') {
            end(() => handlers.onError(err ?? new Error(`Realtime channel availability:${key}: ${status}`)));
          } else if (status === 'CLOSED') end(() => handlers.onClose());
        });
      });
      return () => end(() => {});
    },
  };
}
