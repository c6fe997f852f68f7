// npm run bench -- mixed
// The sustained mixed load (bench/loadtest.ts) against the bench stack: 500 guests for 60 s browsing,
// holding, confirming and cancelling on a club night with a standing section over two slots, a bar
// counted per date, six booths and eight tables. When this machine cannot sustain 500 guests, the
// section scales down (250, 100, 50 guests, 30 s each) and reports the highest level it sustained.
// Each level gets a fresh venue (holds left by timed-out requests must not weigh on the next), and
// starts only once the server has worked off the previous level's queue: requests whose clients
// gave up still run.
import { createVenue, type UnitSpec } from '../tests/support/fixtures.ts';
import { type LoadReport, routeTable, runLoad, summaryTable } from './loadtest.ts';
import { goal } from './goals.ts';
import { ms, pool, progress, type SectionContext, type SectionResult } from './support.ts';

const LEVELS = [500, 250, 100, 50];

async function clubNight(ctx: SectionContext) {
  const units: UnitSpec[] = [
    { code: 'floor', type: 'section', mode: 'pooled', booking: 'slot', capacity: 40, maxCovers: 6 },
    { code: 'bar', type: 'seat_option', mode: 'pooled', booking: 'date', capacity: 60, maxCovers: 4 },
    ...Array.from({ length: 6 }, (_, i): UnitSpec => ({ code: `booth-${i + 1}`, type: 'booth', mode: 'exclusive', booking: 'slot', maxCovers: 8 })),
    ...Array.from({ length: 8 }, (_, i): UnitSpec => ({ code: `t${i + 1}`, type: 'table', mode: 'exclusive', booking: 'time', maxCovers: 4 })),
  ];
  return await createVenue(pool(ctx.stack.dbUrl, 1) as never, {
    kind: 'club',
    units,
    slots: [{ code: 'early', starts: '22:00', ends: '01:00' }, { code: 'late', starts: '01:00', ends: '04:00' }],
  });
}

/** Wait (at most 3 minutes) until a write queued behind everything the last level left on the
 *  server comes back: a hold of a unit that does not exist, refused with 404 once its turn comes. */
async function drain(ctx: SectionContext, venueId: string, date: string): Promise<void> {
  progress('mixed: waiting for the server to work off the previous level');
  const t0 = performance.now();
  const res = await fetch(`${ctx.stack.functionsUrl}/functions/v1/hold/v1`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ venue_id: venueId, party_size: 2, date, unit_ids: [crypto.randomUUID()], guest: { name: 'Drain', email: 'drain@example.test' } }),
    signal: AbortSignal.timeout(180_000),
  });
  await res.arrayBuffer();
  progress(`mixed: drained in ${Math.round((performance.now() - t0) / 1000)} s (${res.status})`);
}

export async function mixed(ctx: SectionContext): Promise<SectionResult> {
  const levels = ctx.quick ? [50, 20] : LEVELS;
  const reports: LoadReport[] = [];
  for (const [i, users] of levels.entries()) {
    const venue = await clubNight(ctx);
    const report = await runLoad({
      url: ctx.stack.functionsUrl, venueId: venue.id, date: venue.date, users,
      durationS: ctx.quick ? 10 : i === 0 ? 60 : 30, thinkMs: 1000,
      log: (line) => progress(`mixed: ${line}`),
    });
    reports.push(report);
    if (report.sustained) break;
    await drain(ctx, venue.id, venue.date);
  }
  const first = reports[0], sustained = reports.find((r) => r.sustained);
  return {
    tables: [
      summaryTable(`Mixed load: guests browsing, holding, confirming and cancelling on one club night (think ~1 s)`, reports),
      routeTable(first),
      ...(sustained && sustained !== first ? [routeTable(sustained)] : []),
    ],
    notes: first.sustained ? [] : [
      `${first.users} guests were not sustained on this machine (${first.serverErrors} 5xx, ${first.failures} timeouts/errors, p95 ${Math.round(first.latency.p95)} ms); `
      + (sustained ? `${sustained.users} guests were.` : `not even ${levels.at(-1)} were.`),
    ],
    goals: [goal('loadtest',
      `${first.users} guests for ${first.durationS} s: p95 ${ms(first.latency.p95)} ms, ${first.serverErrors} 5xx, ${first.failures} timeouts/errors`,
      first.users >= 500 && first.durationS >= 60 && first.sustained)],
    data: { reports, sustainedUsers: sustained?.users ?? null },
  };
}
