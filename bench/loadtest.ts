// npm run loadtest -- --venue <slug|uuid> --users N --duration S [--url <functions base>] [--db <url>] [--date D] [--think MS] [--key K]
// A sustained mixed load of virtual guests against one venue-night, over public routes only:
// each guest browses (GET availability, with If-None-Match), picks something bookable from the
// snapshot (a slot or date unit, or a start time from /availability/v1/times for tables), holds it,
// then confirms it (80%) or abandons it, reads the booking back, and cancels it, with think times in
// between. Everything a guest books is cancelled again, so a rehearsal leaves only cancelled bookings.
// Bounded: at most 2000 users and 600 s; each request times out after 10 s; requests go only to --url.
// The API has no public slug lookup, so a --venue slug is read once from the database at --db
// (default the local npm start one); a venue id needs no database.
// Also used by `npm run bench -- mixed` against the bench stack.
import { closePools, ms, percentiles, pool, round, type Table } from './support.ts';

export interface LoadOptions {
  /** Functions base URL, e.g. http://127.0.0.1:54321 (requests go to <url>/functions/v1/…). */
  url: string;
  venueId: string;
  /** Service date; default: the first open date 20 to 60 days ahead with something bookable. */
  date?: string;
  users: number;
  durationS: number;
  /** Mean think time between a guest's steps (uniform 0.5x to 1.5x). */
  thinkMs: number;
  /** A publishable (anon) key, sent as the apikey header; none is needed locally. */
  key?: string;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
}

const MAX_USERS = 2000;
const MAX_DURATION_S = 600;
const TIMEOUT_MS = 10_000;
const CONFIRM_SHARE = 0.8;

/** The database `npm start` serves, where a --venue slug is looked up unless --db says otherwise. */
const LOCAL_DB = 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// deno-lint-ignore no-explicit-any
type Json = any;

interface RouteStats {
  latencies: number[];
  statuses: Record<string, number>;
}

interface Reply {
  status: number;
  body: Json;
  etag: string | null;
}

class Client {
  readonly routes = new Map<string, RouteStats>();
  constructor(private o: LoadOptions) {}

  /** One request, timed and tallied under `route` ("200", "409 SECTION_NOT_AVAILABLE", "timeout"…). */
  async call(route: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
    const stats = this.routes.get(route) ?? { latencies: [], statuses: {} };
    this.routes.set(route, stats);
    const t0 = performance.now();
    let reply: Reply, label: string;
    try {
      const res = await fetch(`${this.o.url}/functions/v1/${path}`, {
        method,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(this.o.key ? { apikey: this.o.key } : {}),
          ...headers,
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      let parsed: Json = null;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch { /* not JSON: the status says enough */ }
      reply = { status: res.status, body: parsed, etag: res.headers.get('etag') };
      label = parsed?.error?.code ? `${res.status} ${parsed.error.code}` : String(res.status);
    } catch (e) {
      reply = { status: 0, body: null, etag: null };
      label = (e as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
    }
    stats.latencies.push(performance.now() - t0);
    stats.statuses[label] = (stats.statuses[label] ?? 0) + 1;
    return reply;
  }
}

/** What a guest may try to book, from a snapshot: slot/date units with an available key, or tables by time. */
interface Option {
  body: Record<string, unknown>;
}

const partyFor = (u: Json) => Math.min(Math.max(2, u.min_covers), u.max_covers);

function optionsOf(snapshot: Json): { keyed: Option[]; tables: boolean } {
  const keyed: Option[] = [];
  let tables = false;
  for (const u of snapshot.units ?? []) {
    if (u.out_of_service) continue;
    if (u.booking_mode === 'time') {
      tables = true;
      continue;
    }
    for (const k of u.keys ?? []) {
      if (k.state !== 'available') continue;
      keyed.push({ body: { party_size: partyFor(u), unit_ids: [u.unit_id], ...(k.slot ? { slot: k.slot } : {}) } });
    }
  }
  return { keyed, tables };
}

const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)];

async function findDate(client: Client, venueId: string): Promise<{ date: string; snapshot: Json }> {
  for (let days = 20; days <= 60; days++) {
    const d = new Date();
    d.setUTCDate(d.getUTCDate() + days);
    const date = d.toISOString().slice(0, 10);
    const r = await client.call('GET availability (setup)', 'GET', `availability/v1?venue_id=${venueId}&date=${date}`);
    if (r.status !== 200) throw new Error(`the availability API answered ${r.status}: ${JSON.stringify(r.body?.error ?? r.body)}`);
    const { keyed, tables } = optionsOf(r.body.data);
    if (r.body.data.open && (keyed.length || tables)) return { date, snapshot: r.body.data };
  }
  throw new Error('no open date with anything bookable between 20 and 60 days ahead; pass --date');
}

export interface LoadReport {
  venue: string;
  date: string;
  users: number;
  durationS: number;
  thinkMs: number;
  elapsedS: number;
  requests: number;
  requestsPerS: number;
  confirmed: number;
  confirmedPerS: number;
  serverErrors: number;
  failures: number;
  latency: ReturnType<typeof percentiles>;
  sustained: boolean;
  routes: Record<string, { statuses: Record<string, number>; latency: ReturnType<typeof percentiles> }>;
}

export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  if (!(o.users >= 1 && o.users <= MAX_USERS)) throw new Error(`--users must be 1 to ${MAX_USERS}`);
  if (!(o.durationS >= 1 && o.durationS <= MAX_DURATION_S)) throw new Error(`--duration must be 1 to ${MAX_DURATION_S} seconds`);
  const log = o.log ?? ((line: string) => console.error(`[loadtest] ${line}`));
  const client = new Client(o);
  const found = o.date ? undefined : await findDate(client, o.venueId);
  const date = o.date ?? found!.date;
  const think = () => new Promise((r) => setTimeout(r, o.thinkMs * (0.5 + Math.random())));
  const runId = crypto.randomUUID().slice(0, 8);
  const deadline = performance.now() + o.durationS * 1000;
  let confirmed = 0;
  let venueSlug = found?.snapshot.venue ?? o.venueId;
  log(`${o.users} guests for ${o.durationS} s on venue ${venueSlug} ${date} at ${o.url} (think ~${o.thinkMs} ms)`);

  const guestFlow = async (vu: number) => {
    let etag: string | null = null;
    let snapshot: Json = found?.snapshot;
    await new Promise((r) => setTimeout(r, Math.random() * Math.min(o.thinkMs, 2000))); // arrivals spread out
    for (let iteration = 0; performance.now() < deadline; iteration++) {
      const browse = await client.call('GET availability', 'GET', `availability/v1?venue_id=${o.venueId}&date=${date}`, undefined,
        etag ? { 'if-none-match': etag } : {});
      if (browse.status === 200) [snapshot, etag] = [browse.body.data, browse.etag];
      if (!snapshot) {
        await think();
        continue;
      }
      venueSlug = snapshot.venue;
      const { keyed, tables } = optionsOf(snapshot);
      // a third of the guests at a venue with tables want a table at a time, the rest what the snapshot offers
      const wantsTable = tables && (!keyed.length || Math.random() < 1 / 3);
      let choice: Record<string, unknown> | undefined = wantsTable ? undefined : pick(keyed)?.body;
      if (wantsTable) {
        const times = await client.call('GET times', 'GET', `availability/v1/times?venue_id=${o.venueId}&date=${date}&party_size=2`);
        const starts: Json[] = (times.body?.data ?? []).filter((t: Json) => t.bookable);
        const start = pick<Json>(starts)?.starts_at;
        if (start) choice = { party_size: 2, start };
      }
      await think();
      if (!choice) continue; // sold out for now: browse again later
      const guest = { name: `Load guest ${vu}`, email: `loadtest-${runId}-${vu}-${iteration}@example.test`, date_of_birth: '1990-04-01' };
      const held = await client.call('POST hold', 'POST', 'hold/v1', { venue_id: o.venueId, date, guest, ...choice },
        { 'idempotency-key': crypto.randomUUID() }); // anonymous guests send random UUID keys
      if (held.status !== 201) continue;
      const { id, manage_token: token } = held.body.data;
      await think();
      if (Math.random() < CONFIRM_SHARE) {
        const done = await client.call('POST confirm', 'POST', `hold/v1/${id}/confirm`, { manage_token: token });
        if (done.status === 200) confirmed++;
        await think();
        await client.call('GET booking', 'GET', `book/v1/${id}?manage_token=${token}`);
      }
      // cancel what was made (a confirmed booking, or the abandoned hold), so the night stays bookable
      await client.call('POST cancel', 'POST', `cancel/v1/${id}`, { manage_token: token, reason: 'load test' });
      await think();
    }
  };

  const t0 = performance.now();
  const ticker = setInterval(() => {
    const n = [...client.routes.values()].reduce((s, r) => s + r.latencies.length, 0);
    log(`${Math.round((performance.now() - t0) / 1000)} s: ${n} requests, ${confirmed} confirmed`);
  }, 10_000);
  try {
    await Promise.all(Array.from({ length: o.users }, (_, vu) => guestFlow(vu)));
  } finally {
    clearInterval(ticker);
  }
  const elapsedS = (performance.now() - t0) / 1000;

  const routes: LoadReport['routes'] = {};
  const all: number[] = [];
  let serverErrors = 0, failures = 0;
  for (const [route, s] of client.routes) {
    if (route.endsWith('(setup)')) continue;
    routes[route] = { statuses: s.statuses, latency: percentiles(s.latencies) };
    all.push(...s.latencies);
    for (const [label, n] of Object.entries(s.statuses)) {
      if (/^5\d\d/.test(label)) serverErrors += n;
      if (label === 'timeout' || label === 'network error') failures += n;
    }
  }
  const latency = percentiles(all);
  return {
    venue: venueSlug, date, users: o.users, durationS: o.durationS, thinkMs: o.thinkMs, elapsedS: round(elapsedS),
    requests: all.length, requestsPerS: round(all.length / elapsedS), confirmed, confirmedPerS: round(confirmed / elapsedS, 2),
    serverErrors, failures, latency, routes,
    // sustained: every request answered (no 5xx, no timeouts or dropped connections) and p95 under a second
    sustained: serverErrors === 0 && failures === 0 && latency.p95 < 1000,
  };
}

const SUMMARY_COLUMNS = ['guests', 'seconds', 'requests', 'req/s', 'confirmed', 'confirmed/s', '5xx', 'timeouts+errors', 'p50 ms', 'p95 ms', 'p99 ms', 'sustained'];

export const summaryRow = (r: LoadReport) => [r.users, r.durationS, r.requests, r.requestsPerS, r.confirmed, r.confirmedPerS,
  r.serverErrors, r.failures, ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99), r.sustained ? 'yes' : 'no'];

/** The guests' totals for several runs in one table. */
export function summaryTable(title: string, reports: LoadReport[]): Table {
  return {
    title,
    columns: SUMMARY_COLUMNS,
    rows: reports.map(summaryRow),
    note: 'Guests finish their current step after the duration; req/s over the whole elapsed time. Sustained = no 5xx, no timeouts (10 s) or dropped connections, p95 < 1 s.',
  };
}

export function routeTable(r: LoadReport): Table {
  return {
    title: `By route, ${r.users} guests`,
    columns: ['route', 'requests', 'outcomes', 'p50 ms', 'p95 ms', 'p99 ms'],
    rows: Object.entries(r.routes).map(([route, s]) => [route, s.latency.n,
      Object.entries(s.statuses).map(([k, v]) => `${v} x ${k}`).join(', '), ms(s.latency.p50), ms(s.latency.p95), ms(s.latency.p99)]),
  };
}

/** The report as tables. */
export function loadTables(r: LoadReport): Table[] {
  return [summaryTable(`Mixed load on ${r.venue} ${r.date} (think ~${r.thinkMs} ms)`, [r]), routeTable(r)];
}

/** The id of the venue with this slug, read from the database at `dbUrl`. */
async function venueIdOfSlug(slug: string, dbUrl: string): Promise<string> {
  const db = pool(dbUrl);
  try {
    const [row] = await db`select id from tablehold.venues where slug = ${slug}`;
    if (!row) throw new Error(`no venue has the slug ${slug} in the database at --db: pass the venue's id`);
    return row.id as string;
  } finally {
    await closePools();
  }
}

async function parseCli(args: string[]): Promise<LoadOptions> {
  const get = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const venue = get('venue');
  if (!venue) {
    throw new Error('usage: npm run loadtest -- --venue <slug|uuid> --users N --duration S [--url <functions base>] [--db <url>] [--date YYYY-MM-DD] [--think MS] [--key <publishable key>]');
  }
  const venueId = UUID.test(venue) ? venue : await venueIdOfSlug(venue, get('db') ?? LOCAL_DB);
  const url = (get('url') ?? 'http://127.0.0.1:54321').replace(/\/+$/, '').replace(/\/functions\/v1$/, '');
  return {
    url, venueId, date: get('date'), key: get('key'),
    users: Number(get('users') ?? 50), durationS: Number(get('duration') ?? 30), thinkMs: Number(get('think') ?? 1000),
  };
}

if (import.meta.main) {
  const { renderTable } = await import('./support.ts');
  try {
    const report = await runLoad(await parseCli(Deno.args));
    for (const t of loadTables(report)) console.log(renderTable(t) + '\n');
    Deno.exit(report.sustained ? 0 : 1);
  } catch (e) {
    console.error(`[loadtest] ${(e as Error).message}`);
    Deno.exit(2);
  }
}
