// A flash crowd behind one address (a venue's own Wi-Fi, a mobile carrier's NAT) is one hot rate
// limit bucket. tablehold.rate_limit spreads its hits over shard rows by connection, so requests on
// different connections do not queue on one row lock, and still loses none: 300 concurrent calls on
// 50 connections leave exactly 300 hits, on at most 8 rows, and the limit is kept to within what
// was in flight at once (each call reads the other shards' committed hits).
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';

const CALLS = 300;
const CONNECTIONS = 50;
const LIMIT = 100;
const pool = sql(CONNECTIONS);
const db = sql();
afterAll(closeAll);

const bucket = `test:ip:hot-${Date.now()}`;

describe('a hot rate limit bucket counts every request across its shards', () => {
  it(`${CALLS} concurrent requests on ${CONNECTIONS} connections are all counted, on at most 8 rows`, async () => {
    const answers = await Promise.all(Array.from({ length: CALLS }, () =>
      pool`select hits, retry_after from tablehold.rate_limit(${[bucket]}::text[], ${[LIMIT]}::int[], ${[3600]}::int[])`
        .then(([r]) => r as { hits: number; retry_after: number })));
    const [{ hits, rows }] = await db`
      select coalesce(sum(hits), 0)::int as hits, count(*)::int as rows
      from tablehold.rate_counters where bucket = md5(${bucket})::uuid`;
    expect(hits).toBe(CALLS);
    expect(rows).toBeGreaterThan(1);
    expect(rows).toBeLessThanOrEqual(8);

    const allowed = answers.filter((a) => a.retry_after === 0).length;
    console.log(`[hot bucket] ${allowed} of ${CALLS} allowed under a limit of ${LIMIT}, over ${rows} shard rows`);
    expect(allowed).toBeGreaterThanOrEqual(LIMIT);
    expect(allowed).toBeLessThanOrEqual(LIMIT + CONNECTIONS);
    const [next] = await db`select hits, retry_after from tablehold.rate_limit(${[bucket]}::text[], ${[LIMIT]}::int[], ${[3600]}::int[])`;
    expect(next.retry_after).toBeGreaterThan(0);
  }, 60_000);
});
