// npm run bench -- isolation
// The Edge layer's isolation level, side by side: POST /book/v1 through the book function's own
// handler (functions/book/routes.ts: parsing, the transaction at the level, its re-runs on
// 40001/40P01, the refusal count), called in this process so that one run can compare levels, on
// the strategies section's two workloads (hot: capacity 50, 1000 attempts; spread: 200 units x 30
// dates for --duration seconds), 64 requests in flight on a pool of 64 connections. Re-runs per
// attempt are the x-retries headers summed over the attempts.
import { useDb, useIsolationLevel, type IsolationLevel, ISOLATION_LEVELS } from '../functions/_shared/db.ts';
import { book } from '../functions/book/routes.ts';
import {
  attemptOf, bookRequest, engineAudit, engineVenues, hotWorkload, measure, spreadWorkload, type Strategy, type StrategyRow, WORKERS,
} from './strategies.ts';
import { ms, pool, round, type SectionContext, type SectionResult } from './support.ts';

/** POST /functions/v1/book/v1 as an anonymous guest, answered by the handler in this process. */
function edgeHandler(level: IsolationLevel): Strategy {
  return {
    key: level,
    name: `POST /book/v1 handler, ${level.toUpperCase()}`,
    async setup(db, units, dates) {
      useIsolationLevel(level);
      return { dates, units, venues: await engineVenues(db, units) };
    },
    async attempt(t, pick, i) {
      const t0 = performance.now();
      return attemptOf(await book.handler(bookRequest('http://bench.invalid', t, pick, i)), t0);
    },
    audit: engineAudit,
  };
}

export async function isolation(ctx: SectionContext): Promise<SectionResult> {
  const db = pool(ctx.stack.dbUrl, 2);
  useDb(pool(ctx.stack.dbUrl, WORKERS));
  const variants = ISOLATION_LEVELS.map(edgeHandler);
  const rows: StrategyRow[] = [];
  // the handler logs one JSON line per request: not here, where it would be thousands
  const log = console.log;
  console.log = () => {};
  try {
    for (const w of [hotWorkload(ctx), spreadWorkload(ctx)]) {
      for (const v of variants) rows.push(await measure(db, v, w));
    }
  } finally {
    console.log = log;
  }
  const perAttempt = (r: StrategyRow) => (r.attempts ? round(r.retries / r.attempts, 3) : 0);
  return {
    tables: [{
      title: `The Edge layer's isolation level: POST /book/v1 in-process, ${WORKERS} in flight`,
      columns: ['workload', 'level', 'attempts', 'won', 'refused', 'errors', 'overbooked keys', 're-runs', 're-runs/attempt',
        'attempts/s', 'bookings/s', 'p50 ms', 'p95 ms', 'p99 ms'],
      rows: rows.map((r) => [r.workload, r.strategy.replace('POST /book/v1 handler, ', ''), r.attempts, r.won, r.refused, r.errors,
        `${r.overbookedKeys} (+${r.excess})`, r.retries, perAttempt(r), r.attemptsPerS, r.bookingsPerS,
        ms(r.latency.p50), ms(r.latency.p95), ms(r.latency.p99)]),
      note: `hot: one section of 50, ${hotWorkload(ctx).limit.total} attempts; spread: 20 venues x 10 units x 30 dates for ${ctx.durationS} s. `
        + 'Re-runs: the x-retries headers summed; latency per request, re-runs and backoff included.',
    }],
    data: { workers: WORKERS, rows },
  };
}
