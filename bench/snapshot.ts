// npm run bench -- snapshot
// The availability snapshot of a large venue: 200 units (100 tables on a 30-minute turn, 100 pooled
// sections over four slots) and 10 000 bookings on the night, all made through public.book. Timed
// in the database (public.availability as anon, server-side clock: after the first call, the night
// comes from tablehold.snapshot_cache) and over local HTTP (GET /availability/v1), p50/p95, and again
// with If-None-Match (a 304); the night computed afresh (what a cache miss costs) and narrowed to a
// party; public.available_times on the same night, both ways. When a snapshot goal is missed the section profiles the snapshot: per-function
// time (track_functions), statements (pg_stat_statements), the slowest nested statements (auto_explain).
import { createVenue, type UnitSpec } from '../tests/support/fixtures.ts';
import { bulkBook } from './bulk.ts';
import { goal } from './goals.ts';
import { countStatements, profileFunctions, profileTable } from './profile.ts';
import {
  actAsAnon, addDays, ms, percentiles, pool, progress, round, type SectionContext, type SectionResult, type Sql, type Table,
} from './support.ts';

const TABLES = 100;
const SECTIONS = 100;
const PER_TABLE = 40; // 30-minute bookings from 06:00 to 02:00
const PER_SECTION_SLOT = 15; // of 20, in each of 4 slots
const SLOTS = [
  { code: 'morning', starts: '06:00', ends: '12:00' },
  { code: 'afternoon', starts: '12:00', ends: '18:00' },
  { code: 'evening', starts: '18:00', ends: '00:00' },
  { code: 'night', starts: '00:00', ends: '06:00' },
];

/** The venue and its night's bookings (bench/bulk.ts: through the engine's triggers, set-based). */
async function largeVenue(db: Sql, quick: boolean) {
  const tables = quick ? 20 : TABLES, sections = quick ? 20 : SECTIONS;
  const units: UnitSpec[] = [
    ...Array.from({ length: tables }, (_, i): UnitSpec => ({ code: `t${i}`, type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 6 })),
    ...Array.from({ length: sections }, (_, i): UnitSpec => ({ code: `s${i}`, type: 'section', mode: 'pooled', booking: 'slot', capacity: 20, maxCovers: 6 })),
  ];
  const venue = await createVenue(db as never, { kind: 'club', units, slots: SLOTS, turn: '30 minutes', startGrid: '15 minutes' });
  // a night of its own, 60 days out: its 10 000 references do not crowd the other sections' dates
  const date = addDays(venue.date, 50);
  const t0 = performance.now();
  const day = `(select tablehold.service_window(v, '${date}') as w from tablehold.venues v where v.id = '${venue.id}')`;
  let bookings = await bulkBook(db, venue.id, date, `
    select u.id as unit_id, null::uuid as slot_id,
           tstzrange(lower(d.w) + k * interval '30 minutes', lower(d.w) + (k + 1) * interval '30 minutes') as during
    from tablehold.units u, ${day} d, generate_series(0, ${PER_TABLE - 1}) k
    where u.venue_id = '${venue.id}' and u.capacity_mode = 'exclusive'`, { status: 'confirmed' });
  bookings += await bulkBook(db, venue.id, date, `
    select u.id as unit_id, s.id as slot_id, tablehold.slot_window(v, s, '${date}') as during
    from tablehold.units u join tablehold.venues v on v.id = u.venue_id join tablehold.slots s on s.venue_id = v.id,
         generate_series(1, ${PER_SECTION_SLOT}) n
    where u.venue_id = '${venue.id}' and u.capacity_mode = 'pooled'`, { status: 'confirmed' });
  // steady state, as autovacuum soon has it: fresh statistics for every table the snapshot reads
  await db`analyze`;
  const fillS = round((performance.now() - t0) / 1000);
  progress(`snapshot: ${units.length} units, ${bookings} bookings made in ${fillS} s`);
  return { venue, date, units: units.length, bookings, fillS };
}

/** The SELECTs the database timings run, as supabase-js .rpc() would call them. */
const snapshotQuery = (venueId: string, date: string) => `select public.availability('${venueId}'::uuid, '${date}'::date)`;
const timesQuery = (venueId: string, date: string) => `select public.available_times('${venueId}'::uuid, '${date}'::date, 2)`;
/** What the Edge route reads: the same snapshot as JSON text (its octet length, to stay a jsonb for bench.time_query). */
const textQuery = (venueId: string, date: string) =>
  `select to_jsonb(octet_length(t.snapshot)) from public.availability_text('${venueId}'::uuid, '${date}'::date) t`;
const partyQuery = (venueId: string, date: string) => `select public.availability('${venueId}'::uuid, '${date}'::date, p_party_size => 4)`;
/** The guest snapshot computed without the cache, as a miss computes it (run as postgres: the function is private). */
const missQuery = (venueId: string, date: string) =>
  `select tablehold.night_snapshot(v, '${date}'::date, false) from tablehold.venues v where v.id = '${venueId}'::uuid`;

/** Server-side times of `query` as anon (or as postgres), bench.time_query, after 5 warm-up runs on the same connection. */
function timeInDatabase(db: Sql, query: string, runs: number, asAnon = true) {
  return db.begin(async (tx) => {
    if (asAnon) await actAsAnon(tx as unknown as Sql);
    await tx`select bench.time_query(${query}, 5)`;
    const [row] = await tx`select times_ms, bytes from bench.time_query(${query}, ${runs}::int)`;
    return { times: (row.times_ms as number[]).map(Number), bytes: row.bytes as number };
  });
}

/** Sequential GETs of `path` (after 5 warm-ups); with `etag`, If-None-Match (a 304 when unchanged). */
async function timeOverHttp(functionsUrl: string, path: string, runs: number, etag?: string) {
  const url = `${functionsUrl}/functions/v1/${path}`;
  const headers: Record<string, string> = etag ? { 'if-none-match': etag } : {};
  const times: number[] = [];
  let status = 0, bytes = 0, tag = '';
  for (let i = 0; i < runs + 5; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = await res.arrayBuffer();
    if (i >= 5) times.push(performance.now() - t0);
    status = res.status;
    bytes = body.byteLength;
    tag = res.headers.get('etag') ?? '';
  }
  return { times, status, bytes, etag: tag };
}

/** Where the time goes: per-function time and the statements one snapshot runs (bench/profile.ts),
 *  the slowest nested statements of one snapshot (auto_explain, which a superuser may load per
 *  session; at NOTICE level the plans come back to this client), and the statements that take the
 *  most time (pg_stat_statements, which the bench cluster preloads). */
async function profile(adminUrl: string, venueId: string, date: string, runs: number) {
  const snapshots = (runsNow: number) => (session: Sql) =>
    session.begin(async (tx) => {
      await actAsAnon(tx as unknown as Sql);
      await tx`select bench.time_query(${snapshotQuery(venueId, date)}, ${runsNow}::int)`;
    }).then(() => {});
  const byFunction = await profileFunctions(adminUrl, runs, snapshots(runs));
  const reader = pool(adminUrl, 1);
  const { statements } = await countStatements(adminUrl, () =>
    reader.begin(async (tx) => {
      await actAsAnon(tx as unknown as Sql);
      await tx`select public.availability(${venueId}::uuid, ${date}::date) is not null`;
    }));
  await reader.end();

  const notices: string[] = [];
  const session = pool(adminUrl, 1, (message) => notices.push(message));
  await session.begin(async (tx) => {
    await tx.unsafe(`load 'auto_explain'`);
    for (const [k, v] of Object.entries({ log_min_duration: '1', log_nested_statements: 'on', log_analyze: 'on', log_buffers: 'on', log_level: 'notice' })) {
      await tx.unsafe(`set local auto_explain.${k} = '${v}'`);
    }
    await actAsAnon(tx as unknown as Sql);
    await tx`select bench.time_query(${snapshotQuery(venueId, date)}, 1)`;
  });
  // the plan without the statement's text (which can be longer than the plan)
  const planOf = (n: string) => n.replace(/Query Text:[\s\S]*?\n(?=\S.*\(cost=)/, '').slice(0, 8000);
  const slowestStatements = notices
    .filter((n) => !n.includes('bench.time_query'))
    .map((n) => ({ ms: Number(/duration: ([\d.]+) ms/.exec(n)?.[1] ?? 0), plan: planOf(n) }))
    .filter((p) => p.ms > 0)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 4);

  await session`select extensions.pg_stat_statements_reset()`;
  await snapshots(runs)(session);
  const pgStatStatements = [...await session`
    select round(total_exec_time::numeric / ${runs}, 3) as ms_per_snapshot, calls / ${runs} as calls_per_snapshot, left(query, 300) as query
    from extensions.pg_stat_statements order by total_exec_time desc limit 8`];
  await session.end();
  return { byFunction, statements, slowestStatements, pgStatStatements };
}

export async function snapshot(ctx: SectionContext): Promise<SectionResult> {
  const db = pool(ctx.stack.dbUrl, 1);
  const built = await largeVenue(db, ctx.quick);
  const { venue, date } = built;
  const runs = ctx.quick ? 30 : 200;
  progress(`snapshot: ${runs} x public.availability and public.available_times in the database`);
  const inDb = await timeInDatabase(db, snapshotQuery(venue.id, date), runs);
  const timesInDb = await timeInDatabase(db, timesQuery(venue.id, date), runs);
  const textInDb = await timeInDatabase(db, textQuery(venue.id, date), runs);
  const missInDb = await timeInDatabase(db, missQuery(venue.id, date), ctx.quick ? 10 : 50, false);
  const partyInDb = await timeInDatabase(db, partyQuery(venue.id, date), runs);
  progress(`snapshot: the same over local HTTP`);
  const snapshotPath = `availability/v1?venue_id=${venue.id}&date=${date}`;
  const http = await timeOverHttp(ctx.stack.functionsUrl, snapshotPath, runs);
  const notModified = await timeOverHttp(ctx.stack.functionsUrl, snapshotPath, runs, http.etag);
  const timesHttp = await timeOverHttp(ctx.stack.functionsUrl, `availability/v1/times?venue_id=${venue.id}&date=${date}&party_size=2`, runs);
  const dbP = percentiles(inDb.times), httpP = percentiles(http.times), cachedP = percentiles(notModified.times);
  const timesDbP = percentiles(timesInDb.times), timesHttpP = percentiles(timesHttp.times);
  const missP = percentiles(missInDb.times), partyP = percentiles(partyInDb.times), textP = percentiles(textInDb.times);
  const missed = dbP.p95 >= 5 || httpP.p95 >= 20;
  progress(`snapshot: database p95 ${ms(dbP.p95)} ms, HTTP p95 ${ms(httpP.p95)} ms${missed ? '; profiling' : ''}`);
  const prof = missed ? await profile(ctx.stack.adminUrl, venue.id, date, ctx.quick ? 5 : 20) : undefined;

  const tables: Table[] = [{
    title: `Availability snapshot: ${built.units} units, ${built.bookings} bookings on the night (guest view)`,
    columns: ['path', 'runs', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'body', 'goal'],
    rows: [
      ['database: public.availability as anon', dbP.n, ms(dbP.p50), ms(dbP.p95), ms(dbP.p99), ms(dbP.max), `${round(inDb.bytes / 1024)} KiB json`, 'p95 < 5 ms'],
      ['HTTP: GET /availability/v1', httpP.n, ms(httpP.p50), ms(httpP.p95), ms(httpP.p99), ms(httpP.max), `${round(http.bytes / 1024)} KiB`, 'p95 < 20 ms'],
      [`HTTP: same, If-None-Match (${notModified.status})`, cachedP.n, ms(cachedP.p50), ms(cachedP.p95), ms(cachedP.p99), ms(cachedP.max), `${notModified.bytes} B`, 'p95 < 2 ms'],
      ["database: public.availability_text as anon (the route's read)", textP.n, ms(textP.p50), ms(textP.p95), ms(textP.p99), ms(textP.max), '-', '-'],
      ['database: the night computed afresh (a cache miss)', missP.n, ms(missP.p50), ms(missP.p95), ms(missP.p99), ms(missP.max), `${round(missInDb.bytes / 1024)} KiB json`, '-'],
      ['database: public.availability as anon, party of 4', partyP.n, ms(partyP.p50), ms(partyP.p95), ms(partyP.p99), ms(partyP.max), `${round(partyInDb.bytes / 1024)} KiB json`, '-'],
      ['database: public.available_times, party of 2', timesDbP.n, ms(timesDbP.p50), ms(timesDbP.p95), ms(timesDbP.p99), ms(timesDbP.max), `${round(timesInDb.bytes / 1024)} KiB json`, 'p50 < 20 ms'],
      ['HTTP: GET /availability/v1/times', timesHttpP.n, ms(timesHttpP.p50), ms(timesHttpP.p95), ms(timesHttpP.p99), ms(timesHttpP.max), `${round(timesHttp.bytes / 1024)} KiB`, 'p50 < 20 ms'],
    ],
    note: 'Database times are server-side (clock_timestamp around each call, same connection, plans warm; the guest snapshot is cached by the first call); HTTP times are whole requests, one at a time.',
  }];
  if (prof) {
    tables.push(profileTable('Where a snapshot spends its time (per snapshot)', prof.byFunction,
      `track_functions = all; per snapshot; ${prof.statements} statements executed for one snapshot (pg_stat_statements). The statements taking the most time (pg_stat_statements) and the slowest nested statements' plans (auto_explain) are in the JSON.`));
  }
  return {
    tables,
    goals: [
      goal('snapshotDatabase', `p95 ${ms(dbP.p95)} ms`, dbP.p95 < 5),
      goal('snapshotHttp', `p95 ${ms(httpP.p95)} ms`, httpP.p95 < 20),
      goal('snapshotNotModified', `p95 ${ms(cachedP.p95)} ms (status ${notModified.status})`, notModified.status === 304 && cachedP.p95 < 2),
      goal('availableTimes', `p50 ${ms(timesDbP.p50)} ms in the database, ${ms(timesHttpP.p50)} ms over HTTP`, timesDbP.p50 < 20 && timesHttpP.p50 < 20),
    ],
    data: {
      venue: { id: venue.id, date, units: built.units, bookings: built.bookings, fillS: built.fillS },
      database: { ...dbP, bytes: inDb.bytes }, http: { ...httpP, bytes: http.bytes },
      databaseText: textP, databaseMiss: { ...missP, bytes: missInDb.bytes }, databaseParty: { ...partyP, bytes: partyInDb.bytes },
      httpNotModified: { ...cachedP, status: notModified.status },
      availableTimes: { database: { ...timesDbP, bytes: timesInDb.bytes }, http: { ...timesHttpP, bytes: timesHttp.bytes } }, profile: prof,
    },
  };
}
