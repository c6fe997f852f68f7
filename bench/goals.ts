// Issue 8's goals: one list, in the order every run reports them, with the section that measures
// each and the target as printed. Sections report a goal with `goal(id, measured, met)`; the summary
// lists every goal, those a run did not measure as such. Reported, never asserted.
import type { Goal } from './support.ts';

export const GOALS = {
  spreadVsPgbench: {
    section: 'ceiling',
    goal: 'spread load: bookings/s through public.book (.rpc(): READ COMMITTED, anon) vs pgbench tpcb-like, same clients',
    target: '>= 0.8 x pgbench tps',
  },
  hotExactlyCapacity: {
    section: 'strategies',
    goal: 'hot section (capacity 50, 1000 attempts, 64 connections): exactly 50 won',
    target: "50 won, 0 overbooked, 0 errors for (e), (e') and (f)",
  },
  hotThroughput: {
    section: 'strategies',
    goal: 'hot section: tablehold (e) attempts/s vs the best sql/bench strategy that did not oversell',
    target: '>= 1.0 x',
  },
  bookingStatements: {
    section: 'statements',
    goal: 'one guest booking on an idle venue: statements executed',
    target: '<= 20',
  },
  bookingLatency: {
    section: 'statements',
    goal: "one guest booking on an idle venue: median latency vs seed 000's count-then-insert",
    target: '<= 3 x',
  },
  bookingAmidHolds: {
    section: 'statements',
    goal: 'the same booking with 1000 live holds on the unit: statements executed',
    target: 'the same as on the idle venue',
  },
  refusalIsFree: {
    section: 'statements',
    goal: 'a refused attempt on a sold-out key',
    target: 'locks no row, writes nothing but its refusal count, never waits on an open booking',
  },
  flashCrowd: {
    section: 'flash-crowd',
    goal: 'HTTP flash crowd: 1000 concurrent POST /book/v1 on a section of 50',
    target: 'exactly 50 confirmed, p50 <= 0.5 s, every answer <= 2 s, 0 5xx',
  },
  loadtest: {
    section: 'mixed',
    goal: 'npm run loadtest: 500 virtual guests for 60 s',
    target: 'p95 < 1 s, 0 5xx, no timeouts',
  },
  snapshotDatabase: {
    section: 'snapshot',
    goal: 'snapshot of 200 units / 10000 bookings in the database',
    target: 'p95 < 5 ms',
  },
  snapshotHttp: {
    section: 'snapshot',
    goal: 'the same snapshot over HTTP',
    target: 'p95 < 20 ms',
  },
  snapshotNotModified: {
    section: 'snapshot',
    goal: 'the same snapshot over HTTP, unchanged (304)',
    target: 'p95 < 2 ms',
  },
  availableTimes: {
    section: 'snapshot',
    goal: 'available_times on that venue (database and HTTP)',
    target: 'p50 < 20 ms',
  },
  sweep: {
    section: 'sweeper',
    goal: 'sweeping 10000 expired holds',
    target: '< 1 s',
  },
  bookingDuringSweep: {
    section: 'sweeper',
    goal: 'a booking of a swept night during that sweep',
    target: 'waits < 100 ms',
  },
  serializableHot: {
    section: 'strategies',
    goal: "re-runs at SERIALIZABLE (the Edge layer's level), hot section",
    target: "<= 0.05 per attempt, (f) and (e')",
  },
  serializableSpread: {
    section: 'strategies',
    goal: "re-runs at SERIALIZABLE (the Edge layer's level), spread load",
    target: "<= 0.05 per attempt, (f) and (e')",
  },
  connectionAge: {
    section: 'statements',
    goal: 'a pooled connection that has made 30000 bookings vs a fresh one',
    target: 'as fast: >= 0.9 x the bookings/s',
  },
  unitHistory: {
    section: 'statements',
    goal: 'a unit with 50000 past allocations vs a new one',
    target: 'as fast: median latency <= 1.1 x',
  },
} as const satisfies Record<string, { section: string; goal: string; target: string }>;

export type GoalId = keyof typeof GOALS;

/** A measured goal, with its text and target from the list. */
export function goal(id: GoalId, measured: string, met: boolean): Goal {
  return { id, goal: GOALS[id].goal, target: GOALS[id].target, measured, met };
}
