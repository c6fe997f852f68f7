// The live availability of one venue's service date, kept exact: a snapshot at channel version V,
// then every event V+1, V+2, … applied in order. Anything else — a duplicate, a stale event, a
// jump in versions, a dropped connection — is noticed and repaired, and the status says so while
// it is: the screen can be behind for a moment, but never silently wrong.
import { abortableSleep, type Backoff, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { applyEvent, type BookOptions, canBookOn, type KeySelector, remainingOf } from './state.ts';
import type { Transport } from './transports.ts';
import type { AvailabilityEvent, Snapshot } from './types.ts';

/** `live`: connected and in sync. `refreshing`: (re)connecting or re-fetching the snapshot (show
 *  "Refreshing availability…"). `offline`: several attempts in a row failed (it keeps retrying),
 *  and also before start() and after stop(). */
export type FeedStatus = 'live' | 'refreshing' | 'offline';

export interface FeedOptions {
  /** The snapshot, e.g. `() => client.availability({ venue_id, date }).then(unwrap)`. Rejects on failure. */
  fetchSnapshot: () => Promise<Snapshot>;
  transport: Transport;
  /** Reconnection delays (exponential, full jitter, capped). Defaults: 500 ms, 30 s, ×2. */
  backoff?: Partial<Backoff>;
  /** [0, 1); default Math.random. Inject for deterministic delays in tests. */
  random?: () => number;
  /** Epoch milliseconds; default Date.now. Stamps `updatedAt`. */
  now?: () => number;
  /** Waits between attempts; default a setTimeout that stop() cancels. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Failed attempts in a row after which the status is `offline`. Default 3. */
  offlineAfter?: number;
  /** A connection that stayed live this long before it ended resets the backoff; one that ends
   *  sooner counts as a failed attempt, so a server that keeps dropping (or keeps leaving a gap)
   *  right after connecting is retried ever more slowly rather than in a tight loop. Default 10 s. */
  healthyAfterMs?: number;
}

/** One call of transport.connect, and what the feed knows about it. */
interface Connection {
  close: () => void;
  ended: boolean;
  /** When it first reached `live` (per `now`). */
  liveSince?: number;
  /** A snapshot fetch is running on its behalf. */
  fetching: boolean;
  /** Events held back while there is no snapshot to apply them to, or one is being fetched. */
  buffer?: AvailabilityEvent[];
}

export class AvailabilityFeed {
  readonly #fetchSnapshot: () => Promise<Snapshot>;
  readonly #transport: Transport;
  readonly #backoff: Backoff;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly #offlineAfter: number;
  readonly #healthyAfterMs: number;
  readonly #listeners = new Set<(feed: AvailabilityFeed) => void>();

  #status: FeedStatus = 'offline';
  #snapshot: Snapshot | undefined;
  #running = false;
  /** Replaced on every start() and aborted by stop(): cancels sleeps and outdated attempts. */
  #run = new AbortController();
  #conn: Connection | undefined;
  /** The next resuming connect must be preceded by a fresh snapshot (first start, failed re-sync). */
  #needSnapshot = true;
  #failures = 0;
  #retries = 0;
  #lastError: unknown;
  #updatedAt: number | undefined;

  constructor(options: FeedOptions) {
    this.#fetchSnapshot = options.fetchSnapshot;
    this.#transport = options.transport;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#offlineAfter = options.offlineAfter ?? 3;
    this.#healthyAfterMs = options.healthyAfterMs ?? 10_000;
  }

  /** Where the feed is; see FeedStatus. */
  get status(): FeedStatus {
    return this.#status;
  }

  /** The channel version the current state reflects (undefined before the first snapshot). */
  get version(): number | undefined {
    return this.#snapshot?.version;
  }

  /** Why the last attempt failed, until the feed is live again. */
  get lastError(): unknown {
    return this.#lastError;
  }

  /** When the state was last confirmed current (live, or an event applied), per `now`. */
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }

  /** The current state: the snapshot with every applied event. Read-only: each change makes new
   *  objects for what changed (unchanged units keep their identity). */
  snapshot(): Snapshot | undefined {
    return this.#snapshot;
  }

  /** Free units of a pooled unit's key (a slot code, a `{startsAt, endsAt}` window, or nothing for
   *  the only key), or 1/0 for an exclusive unit (any window). Undefined when unknown. */
  remaining(unitId: string, key?: KeySelector): number | undefined {
    return this.#snapshot ? remainingOf(this.#snapshot, unitId, key) : undefined;
  }

  /** Whether the party could book the unit as the state stands (see canBookOn). False without a snapshot. */
  canBook(unitId: string, partySize: number, opts?: BookOptions): boolean {
    return this.#snapshot ? canBookOn(this.#snapshot, unitId, partySize, opts) : false;
  }

  /** Call `listener(feed)` after every applied change and every status change. Returns the unsubscribe. */
  onChange(listener: (feed: AvailabilityFeed) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fetch, connect and stay in sync until stop(). Calling it while running does nothing. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#run = new AbortController();
    this.#failures = 0;
    this.#retries = 0;
    this.#needSnapshot = true;
    this.#setStatus('refreshing');
    void this.#attempt();
  }

  /** Close the connection, cancel any wait, ignore whatever is still in flight. The status becomes
   *  `offline` without notifying; the last state stays readable. start() may be called again. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#run.abort();
    const conn = this.#conn;
    this.#conn = undefined;
    if (conn && !conn.ended) {
      conn.ended = true;
      conn.close();
    }
    this.#status = 'offline';
  }

  /** One attempt: a snapshot first where the transport resumes from it, then connect. */
  async #attempt(): Promise<void> {
    const run = this.#run;
    if (this.#transport.resumes && (this.#needSnapshot || !this.#snapshot)) {
      let fresh: Snapshot;
      try {
        fresh = await this.#fetchSnapshot();
      } catch (err) {
        if (run !== this.#run || !this.#running) return;
        this.#failures++;
        this.#lastError = err;
        return this.#retry();
      }
      if (run !== this.#run || !this.#running) return;
      this.#adopt(fresh);
      this.#needSnapshot = false;
    }
    this.#connect();
  }

  #connect(): void {
    const conn: Connection = { close: () => {}, ended: false, fetching: false };
    this.#conn = conn;
    const mine = () => this.#conn === conn && !conn.ended;
    let close: () => void;
    try {
      close = this.#transport.connect({
        onOpen: () => {
          if (mine()) this.#opened(conn);
        },
        onEvent: (e) => {
          if (mine()) this.#receive(conn, e);
        },
        onSnapshot: (s) => {
          if (mine()) this.#streamedSnapshot(conn, s);
        },
        onError: (err) => {
          if (mine()) this.#lost(conn, err);
        },
        onClose: () => {
          if (mine()) this.#lost(conn);
        },
      }, this.#snapshot?.version);
    } catch (err) {
      return this.#lost(conn, err);
    }
    conn.close = close;
    if (conn.ended) close(); // it ended while connecting
  }

  #opened(conn: Connection): void {
    // a resuming transport replays from our version; otherwise events may have been missed
    if (this.#transport.resumes && this.#snapshot && !conn.buffer) this.#live(conn);
    else void this.#refetch(conn);
  }

  #receive(conn: Connection, e: AvailabilityEvent): void {
    const current = this.#snapshot;
    if (conn.buffer || !current) {
      (conn.buffer ??= []).push(e);
      return;
    }
    if (e.channel !== `${current.venue_id}:${current.service_date}`) return; // not this feed's channel
    if (e.version <= current.version) return; // a duplicate or stale event
    if (e.version > current.version + 1) {
      // a gap: the missing events are somewhere; a fresh snapshot covers them
      conn.buffer = [e];
      void this.#refetch(conn);
      return;
    }
    this.#snapshot = applyEvent(current, e);
    this.#updatedAt = this.#now();
    this.#emit();
  }

  /** Re-fetch the snapshot while holding events back, then apply those after it, in order. */
  async #refetch(conn: Connection): Promise<void> {
    if (conn.fetching) return;
    conn.fetching = true;
    conn.buffer ??= [];
    this.#setStatus(this.#pendingStatus());
    let fresh: Snapshot;
    try {
      fresh = await this.#fetchSnapshot();
    } catch (err) {
      if (this.#conn !== conn || conn.ended) return;
      this.#needSnapshot = true;
      return this.#lost(conn, err);
    }
    if (this.#conn !== conn || conn.ended) return;
    conn.fetching = false;
    this.#adopt(fresh);
    this.#drain(conn);
  }

  /** Apply the held-back events above the snapshot's version; live if they join up, else start over. */
  #drain(conn: Connection): void {
    const pending = (conn.buffer ?? []).sort((a, b) => a.version - b.version);
    conn.buffer = undefined;
    let state = this.#snapshot!;
    for (const e of pending) {
      if (e.channel !== `${state.venue_id}:${state.service_date}` || e.version <= state.version) continue;
      if (e.version > state.version + 1) {
        this.#snapshot = state;
        this.#needSnapshot = true;
        return this.#lost(conn, new Error(`events ${state.version + 1} to ${e.version - 1} are missing even after a fresh snapshot`));
      }
      state = applyEvent(state, e);
    }
    this.#snapshot = state;
    this.#live(conn);
  }

  /** A snapshot the transport delivered itself: used when it is at least as new as ours. */
  #streamedSnapshot(conn: Connection, s: Snapshot): void {
    if (this.#snapshot && s.version < this.#snapshot.version) return;
    this.#snapshot = s;
    if (conn.fetching) return; // the running fetch drains the buffer
    if (conn.buffer) this.#drain(conn);
    else this.#emit();
  }

  /** Take a snapshot unless ours is newer (a lagging replica, a slow response). */
  #adopt(s: Snapshot): void {
    if (!this.#snapshot || s.version >= this.#snapshot.version) this.#snapshot = s;
  }

  #live(conn: Connection): void {
    this.#updatedAt = this.#now();
    conn.liveSince ??= this.#updatedAt;
    this.#lastError = undefined;
    this.#status = 'live';
    this.#emit();
  }

  /** The connection is over (error, close, or the feed gave up on it): reconnect after a delay. */
  #lost(conn: Connection, err?: unknown): void {
    if (conn.ended) return;
    conn.ended = true;
    if (this.#conn === conn) this.#conn = undefined;
    conn.close();
    if (err !== undefined) this.#lastError = err;
    if (conn.liveSince !== undefined && this.#now() - conn.liveSince >= this.#healthyAfterMs) {
      this.#failures = 0; // it served well: start the delays over
      this.#retries = 0;
    } else {
      this.#failures++;
    }
    void this.#retry();
  }

  /** Wait the next backoff delay, then try again. */
  async #retry(): Promise<void> {
    const run = this.#run;
    this.#setStatus(this.#pendingStatus());
    const delay = backoffDelay(this.#backoff, this.#retries++, this.#random);
    await this.#sleep(delay, run.signal).catch(() => {});
    if (run !== this.#run || !this.#running) return;
    return this.#attempt();
  }

  #pendingStatus(): FeedStatus {
    return this.#failures >= this.#offlineAfter ? 'offline' : 'refreshing';
  }

  #setStatus(status: FeedStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#emit();
  }

  #emit(): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(this);
      } catch (err) {
        queueMicrotask(() => {
          throw err; // a listener's bug surfaces, but never breaks the feed
        });
      }
    }
  }
}
