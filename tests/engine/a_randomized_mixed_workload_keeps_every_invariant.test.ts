// Forty clients run a random mix of holds, bookings, confirmations, cancellations, changes, staff
// blocks, hold expiries and direct Studio edits against one venue, at mixed isolation levels, as
// guests, as trusted server code and as a person editing rows. Afterwards the database must still
// keep every promise: nothing over capacity, bookings and allocations in agreement, every channel's
// versions 1..n, and the event feed, replayed, says what the availability snapshot says.
// The workload and the checks live in tests/support/workload.ts (`npm run bench -- soak` runs the
// same at scale). The PRNG seed is printed; run again with TABLEHOLD_SEED=<seed> to replay each
// client's choices (the interleaving itself is up to the scheduler).
import { afterAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { finalState, replay, runWorkload, workloadVenue, worldOf } from '../support/workload';

const SEED = Number(process.env.TABLEHOLD_SEED ?? Math.floor(Math.random() * 2 ** 31));
const WORKERS = 40;
const OPS_PER_WORKER = 30;
const workers = sql(WORKERS);
const db = sql();
afterAll(closeAll);

describe('a randomized mixed workload keeps every invariant', () => {
  it(`${WORKERS} clients x ${OPS_PER_WORKER} random operations leave no unit over capacity, bookings and allocations in agreement, gap-free channels, and an event feed that replays to the availability snapshot`, async () => {
    console.log(`randomized workload seed: ${SEED} (TABLEHOLD_SEED=${SEED} to replay)`);
    const venue = await workloadVenue(db);
    const log = await runWorkload({
      pool: workers, worlds: [worldOf(venue)], clients: WORKERS, operationsPerClient: OPS_PER_WORKER, seed: SEED,
    });
    console.log(`seed ${SEED} outcomes: ${JSON.stringify(log.outcomes)}\nre-runs after 40001/40P01 by isolation: ${JSON.stringify(log.retries)}`);
    if (log.readCommittedRetries.length) console.log(`re-runs at READ COMMITTED:\n${log.readCommittedRetries.join('\n')}`);

    expect(log.unexpected, `only domain and retryable errors (seed ${SEED})`).toEqual([]);
    for (const kind of ['hold', 'book', 'confirm', 'cancel', 'modify', 'block', 'unblock', 'sweep']) {
      expect(log.outcomes[kind]?.ok ?? 0, `some ${kind} succeeded, so the run did real work (seed ${SEED})`).toBeGreaterThan(0);
    }

    const state = await finalState(db, venue);
    // (a) no unit over capacity at any instant
    expect(state.overCapacity, `pooled units within capacity (seed ${SEED})`).toEqual([]);
    expect(state.overlaps, `no overlapping allocations of one exclusive unit (seed ${SEED})`).toEqual([]);
    // (b) bookings that hold inventory have active allocations covering their window and party, and only they do
    expect(state.inventory, `bookings and allocations agree (seed ${SEED})`).toEqual([]);
    // (c) every channel's versions are exactly 1..n, each event continuing from the one before it
    expect(state.gaps, `gap-free channels (seed ${SEED})`).toEqual([]);
    expect(state.brokenChains, `each event starts from the state the previous one left (seed ${SEED})`).toEqual([]);
    // (d) the feed, replayed, equals the availability snapshot
    expect(state.lastEvents.length, `the run wrote events (seed ${SEED})`).toBeGreaterThan(0);
    const { feed, snapshot } = replay(venue, state);
    expect(feed.remaining, `pooled: the last event per key has the snapshot's remaining (seed ${SEED})`).toEqual(snapshot.remaining);
    expect(feed.busy, `exclusive: the windows the feed says are taken are the busy ones (seed ${SEED})`).toEqual(snapshot.busy);
  }, 180_000);
});
