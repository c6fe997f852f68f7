// npm run bench -- soak (only when named: it takes several minutes)
// The randomized workload of tests/engine/a_randomized_mixed_workload_keeps_every_invariant.test.ts at
// scale: 10 000 operations (holds, bookings, confirmations, cancellations, changes, blocks, holds left to
// lapse, sweeps, reads, and direct Studio edits of bookings and units) from 48 connections on 8 venues,
// then every invariant on every venue: no unit over capacity at any instant, bookings and allocations in
// agreement, gap-free channels whose events continue one from the other, and the feed replayed equal to
// the availability snapshot. The workload and the checks are tests/support/workload.ts; operations are
// added there. Set TABLEHOLD_SEED to replay each client's choices.
import type { Venue } from '../tests/support/fixtures.ts';
import {
  finalState, replay, replayDifferences, runWorkload, workloadVenue, type World, worldOf,
} from '../tests/support/workload.ts';
import { ms, percentiles, pool, progress, round, type SectionContext, type SectionResult } from './support.ts';

const OPERATIONS = 10_000;
const CLIENTS = 48;
const VENUES = 8;

/** Violations of each invariant on one venue, as lines a person can read. */
async function violations(db: ReturnType<typeof pool>, venue: Venue): Promise<Record<string, string[]>> {
  const state = await finalState(db, venue);
  const lines = (rows: Record<string, unknown>[]) => rows.map((r) => `${venue.slug}: ${JSON.stringify(r)}`);
  return {
    'no pooled unit over capacity at any instant': lines(state.overCapacity),
    'no two active allocations of one exclusive unit overlap': lines(state.overlaps),
    'bookings and allocations agree': lines(state.inventory),
    'every channel has exactly versions 1..n': lines(state.gaps),
    'each event continues from the state the one before left': lines(state.brokenChains),
    'the feed, replayed, equals the availability snapshot': replayDifferences(replay(venue, state)).map((d) => `${venue.slug}: ${d}`),
  };
}

export async function soak(ctx: SectionContext): Promise<SectionResult> {
  const operations = ctx.quick ? 1000 : OPERATIONS, clients = ctx.quick ? 24 : CLIENTS, venues = ctx.quick ? 3 : VENUES;
  const seed = Number(Deno.env.get('TABLEHOLD_SEED') ?? Math.floor(Math.random() * 2 ** 31));
  const db = pool(ctx.stack.dbUrl, 1);
  const crowd = pool(ctx.stack.dbUrl, clients);
  const worlds: World[] = [];
  for (let i = 0; i < venues; i++) worlds.push(worldOf(await workloadVenue(db)));
  progress(`soak: ${operations} operations from ${clients} connections on ${venues} venues (TABLEHOLD_SEED=${seed})`);
  const log = await runWorkload({
    pool: crowd, worlds, clients, operationsPerClient: Math.ceil(operations / clients), seed,
    progress: { every: 500, report: (done) => progress(`soak: ${done} operations`) },
  });
  progress(`soak: ${log.operations} operations in ${round(log.elapsedMs / 1000)} s; checking the invariants`);
  const found: Record<string, string[]> = {};
  for (const w of worlds) {
    for (const [invariant, lines] of Object.entries(await violations(db, w.venue))) (found[invariant] ??= []).push(...lines);
  }

  const tally = Object.values(log.outcomes).flatMap((o) => Object.entries(o));
  const sum = (pred: (outcome: string) => boolean) => tally.filter(([o]) => pred(o)).reduce((n, [, c]) => n + c, 0);
  const isRefusal = (o: string) => !['ok', 'gave up', 'unexpected'].includes(o);
  const broken = Object.entries(found).filter(([, lines]) => lines.length);
  return {
    tables: [
      {
        title: `Soak: ${log.operations} random operations from ${clients} connections on ${venues} venues`,
        columns: ['operations', 'seconds', 'operations/s', 'ok', 'refused (domain codes)', 'gave up (40001/40P01)', 'unexpected errors',
          're-runs RC / RR / SERIALIZABLE', 'invariants broken'],
        rows: [[log.operations, round(log.elapsedMs / 1000), round((log.operations * 1000) / log.elapsedMs), sum((o) => o === 'ok'),
          sum(isRefusal), sum((o) => o === 'gave up'), sum((o) => o === 'unexpected'),
          ['read committed', 'repeatable read', 'serializable'].map((i) => log.retries[i] ?? 0).join(' / '), broken.length]],
        note: `Seed ${seed} (TABLEHOLD_SEED=${seed} replays each client's choices; the interleaving is the scheduler's). `
          + 'Each operation is one transaction at a random isolation level (Studio edits at READ COMMITTED), re-run on 40001/40P01; '
          + 'holds lapse after 2 s of real time.',
      },
      {
        title: 'Operations by kind',
        columns: ['operation', 'runs', 'outcomes', 'p50 ms', 'p95 ms'],
        rows: Object.entries(log.outcomes).sort(([a], [b]) => a.localeCompare(b)).map(([kind, outcomes]) => {
          const p = percentiles(log.latencies[kind] ?? []);
          return [kind, p.n, Object.entries(outcomes).sort(([, a], [, b]) => b - a).map(([o, c]) => `${c} ${o}`).join(', '), ms(p.p50), ms(p.p95)];
        }),
        note: 'Outcomes: ok, a refusal by its domain code (a TH*** SQLSTATE: expected, Studio edits included), gave up, unexpected.',
      },
      {
        title: 'Invariants after the run (all venues)',
        columns: ['invariant', 'violations', 'first'],
        rows: Object.entries(found).map(([invariant, lines]) => [invariant, lines.length, (lines[0] ?? '').slice(0, 240)]),
        note: 'Checked after a final sweep, in one REPEATABLE READ transaction per venue (one snapshot, one clock).',
      },
    ],
    notes: [
      ...(log.unexpected.length ? [`Unexpected errors (${log.unexpected.length}), the first: ${log.unexpected.slice(0, 5).join(' | ')}`] : []),
      ...(log.readCommittedRetries.length
        ? [`Re-runs at READ COMMITTED (${log.readCommittedRetries.length}), the first: ${log.readCommittedRetries.slice(0, 5).join(' | ')}`]
        : []),
      broken.length ? `BROKEN: ${broken.map(([i, l]) => `${i} (${l.length})`).join('; ')}` : 'Every invariant held.',
    ],
    data: {
      seed, operations: log.operations, clients, venues, elapsedMs: round(log.elapsedMs), outcomes: log.outcomes, retries: log.retries,
      latency: Object.fromEntries(Object.entries(log.latencies).map(([k, t]) => [k, percentiles(t)])),
      unexpected: log.unexpected.slice(0, 50), readCommittedRetries: log.readCommittedRetries.slice(0, 50),
      violations: Object.fromEntries(Object.entries(found).map(([k, lines]) => [k, { count: lines.length, first: lines.slice(0, 20) }])),
    },
  };
}
