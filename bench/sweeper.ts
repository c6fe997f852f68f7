// npm run bench -- sweeper
// 10 000 holds (20 pooled units x 5 nights x 100), made as if ten minutes ago so they expired five
// minutes ago, then swept two ways: one call of public.sweep_expired_holds(10000), one transaction
// (also over 1 000 holds, x 10, for the scaling), and what the pg_cron job runs,
// CALL tablehold.sweep_expired_holds_in_batches(), which commits after each batch. For each: its
// time, the hold_expired events it emits, and a guest booking one of the swept nights while the
// sweep runs (goals, on the pg_cron way: the sweep under 1 s, the booking waiting under 100 ms).
// The pg_cron sweeper job is paused meanwhile so that it cannot sweep them first.
import { createVenue, guest, type UnitSpec } from '../tests/support/fixtures.ts';
import { bulkBook } from './bulk.ts';
import { goal } from './goals.ts';
import {
  addDays, bookAsGuest, ms, pool, progress, round, type SectionContext, type SectionResult, sleep, type Sql, withSweeperPaused,
} from './support.ts';

const UNITS = 20;
const DATES = 5;
/** The guest's booking starts this long after the sweep was sent, so it meets even a fast sweep. */
const PROBE_AFTER_MS = 50;

/** How the holds are swept: one function call (one transaction), or the pg_cron job's procedure. */
type How = 'one call' | 'in batches';
const SWEEP: Record<How, string> = {
  'one call': 'select public.sweep_expired_holds(10000)',
  'in batches': 'call tablehold.sweep_expired_holds_in_batches()',
};

interface Sweep {
  how: How;
  holds: number;
  swept: number;
  elapsedMs: number;
  eventsEmitted: number;
  stillHeld: number;
  /** A guest booking on the first swept night, started 50 ms into the sweep: how long it took. */
  probeMs?: number;
  /** Whether the sweep was still running when that booking started (a fast sweep may be over first). */
  probeOverlapped?: boolean;
}

/** `perKey` expired holds on each of 20 pooled units x 5 nights of a fresh venue, then one sweep. */
async function sweep(db: Sql, probe: Sql | undefined, perKey: number, how: How): Promise<Sweep> {
  const units: UnitSpec[] = Array.from({ length: UNITS }, (_, i) => ({
    code: `floor-${i}`, type: 'section', mode: 'pooled', booking: 'date', capacity: perKey, maxCovers: 6,
  }));
  const venue = await createVenue(db as never, { kind: 'bar', units });
  // nights of their own, 70 days out: their references do not crowd the other sections' dates
  const dates = Array.from({ length: DATES }, (_, i) => addDays(venue.date, 60 + i));
  const [{ tenMinutesAgo }] = await db`select (now() - interval '10 minutes')::text as "tenMinutesAgo"`;
  progress(`sweeper: making ${UNITS * DATES * perKey} holds that expired 5 minutes ago`);
  let holds = 0;
  for (const date of dates) {
    holds += await bulkBook(db, venue.id, date, `
      select u.id as unit_id, null::uuid as slot_id, tablehold.service_window(v, '${date}') as during
      from tablehold.units u join tablehold.venues v on v.id = u.venue_id, generate_series(1, ${perKey}) n
      where u.venue_id = '${venue.id}'`, { status: 'held', frozenNow: tenMinutesAgo });
  }
  progress(`sweeper: ${SWEEP[how]} over ${holds} expired holds`);
  const [{ before }] = await db`
    select count(*)::int as before from tablehold.bookings where venue_id = ${venue.id} and status = 'expired'`;
  const t0 = performance.now();
  let sweepDone = Infinity;
  // the simple query protocol (no parameters), as pg_cron sends it: a procedure may COMMIT only at top level
  const sweeping = db.unsafe(SWEEP[how]).then(() => (sweepDone = performance.now()));
  const probing = probe && sleep(PROBE_AFTER_MS).then(async () => {
    const p0 = performance.now();
    await probe.begin((tx) => bookAsGuest(tx as unknown as Sql, venue.id, dates[0], venue.units['floor-0'], guest('during-sweep')));
    return { ms: performance.now() - p0, overlapped: p0 < sweepDone };
  });
  await sweeping;
  const elapsedMs = round(sweepDone - t0);
  const probed = probing ? await probing : undefined;
  const probeMs = probed && round(probed.ms);
  // expired when the sweep returned, by it or by the probe's booking (which expires the lapsed holds on its key)
  const [{ held, expired, emitted }] = await db`
    select (select count(*)::int from tablehold.bookings where venue_id = ${venue.id} and status = 'held') as held,
           (select count(*)::int from tablehold.bookings where venue_id = ${venue.id} and status = 'expired') as expired,
           (select count(*)::int from public.availability_events where venue_id = ${venue.id} and reason = 'hold_expired') as emitted`;
  const swept = (expired as number) - (before as number);
  const eventsEmitted = emitted as number;
  progress(`sweeper: ${swept} expired ${how} in ${ms(elapsedMs)} ms, ${eventsEmitted} events${probeMs ? `; a booking during it took ${ms(probeMs)} ms` : ''}`);
  return { how, holds, swept, elapsedMs, eventsEmitted, stillHeld: held, probeMs, probeOverlapped: probed?.overlapped };
}

export async function sweeper(ctx: SectionContext): Promise<SectionResult> {
  const db = pool(ctx.stack.dbUrl, 1);
  const probe = pool(ctx.stack.dbUrl, 1);
  return await withSweeperPaused(ctx.stack.adminUrl, async () => {
    const sweeps = [
      await sweep(db, undefined, ctx.quick ? 1 : 10, 'one call'),
      await sweep(db, probe, ctx.quick ? 10 : 100, 'one call'),
      await sweep(db, probe, ctx.quick ? 10 : 100, 'in batches'),
    ];
    const big = sweeps[2];
    const during = (w: Sweep) => w.probeMs === undefined ? '' : `waited ${ms(w.probeMs)} ms${w.probeOverlapped ? '' : ' (the sweep was over first)'}`;
    return {
      tables: [{
        title: 'Sweeper: expired holds on 20 pooled units x 5 nights, one sweep each',
        columns: ['sweep', 'holds', 'expired after it', 'time ms', 'holds/s', 'hold_expired events', 'still held',
          'a booking on a swept night meanwhile'],
        rows: sweeps.map((w) => [w.how, w.holds, w.swept, ms(w.elapsedMs), round((w.swept * 1000) / w.elapsedMs),
          w.eventsEmitted, w.stillHeld, during(w)]),
        note: `one call = ${SWEEP['one call']}, one transaction; in batches = ${SWEEP['in batches']} (the pg_cron job), `
          + 'which commits after each batch. Both as the trusted postgres session; time includes the commits. '
          + 'One event per key, not per hold: a lapsed hold already counts as free, so each key is published once in its final state. '
          + `The booking starts ${PROBE_AFTER_MS} ms into the sweep, on the first night swept; it expires the lapsed holds `
          + 'on its own key itself if the sweep has not reached them (those count among the expired).',
      }],
      goals: [
        goal('sweep', `${big.holds} holds in ${ms(big.elapsedMs)} ms (pg_cron's batches)`, big.elapsedMs < 1000),
        goal('bookingDuringSweep', during(big), big.probeMs !== undefined && big.probeMs < 100),
      ],
      data: { sweeps },
    };
  });
}
