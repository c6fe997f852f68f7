// A refused attempt is counted after its transaction rolled back (public.record_refusal). Each
// connection counts into its own shard of the (venue, day, code) counter (its backend pid modulo
// 16), so a flash crowd's refusals, counted on the pool's connections, do not queue behind each
// other's row lock; a venue's metrics sum the shards. Named sessions held open with deferred
// promises; two connections on one shard are shown waiting, so the test can tell the difference.
import { afterAll, describe, expect, it } from 'vitest';
import { blockedBy, closeAll, deferred, session, sql } from '../support/db';
import { createVenue } from '../support/fixtures';

const db = sql();
afterAll(closeAll);

const SHARDS = 16;
type Session = Awaited<ReturnType<typeof session>>;

/** 17 sessions: by the pigeonhole, two of them share a shard; the first and some other do not
 *  (unless all 17 pids share one, which the error names). */
async function seventeenSessions(): Promise<{ onOtherShards: [Session, Session]; onOneShard: [Session, Session] }> {
  const opened: Session[] = [];
  for (let i = 0; i <= SHARDS; i++) opened.push(await session());
  const shard = (s: Session) => s.pid % SHARDS;
  const other = opened.find((s) => shard(s) !== shard(opened[0]));
  const pairs = opened.flatMap((x, i) => opened.slice(i + 1).map((y) => [x, y] as [Session, Session]));
  const same = pairs.find(([x, y]) => shard(x) === shard(y))!;
  if (!other) throw new Error(`every session landed on one shard: pids ${opened.map((s) => s.pid)}`);
  return { onOtherShards: [opened[0], other], onOneShard: same };
}

const refusalsCounted = async (venueId: string) => {
  const [{ count }] = await db`select coalesce(sum(count), 0)::int as count from tablehold.refusals where venue_id = ${venueId}`;
  return count as number;
};

const bar = () => createVenue(db, { kind: 'bar', units: [{ code: 'bar', type: 'section', mode: 'pooled', booking: 'date', capacity: 2 }] });

/** `s` counts a refusal and keeps its transaction (and its counter row's lock) open until commit(). */
async function countAndStayOpen(s: Session, venueId: string) {
  const counted = deferred();
  const mayCommit = deferred();
  const open = s.db.begin(async (tx) => {
    await tx`select public.record_refusal(${venueId}, 'SECTION_NOT_AVAILABLE')`;
    counted.resolve();
    await mayCommit.promise;
  });
  await counted.promise;
  return { commit: () => (mayCommit.resolve(), open) };
}

describe('refusals counted on different connections never wait for each other', () => {
  it('a refusal counted while another connection still holds its own count does not wait', async () => {
    const venue = await bar();
    const { onOtherShards: [first, otherShard] } = await seventeenSessions();

    // step 1: the first session counts a refusal and stays open
    const holding = await countAndStayOpen(first, venue.id);

    // step 2: a session on another shard counts the same code meanwhile, and is never blocked: a
    // lock wait would end in lock_timeout's error instead
    await otherShard.db.begin(async (tx) => {
      await tx`set local lock_timeout = '5s'`;
      await tx`select public.record_refusal(${venue.id}, 'SECTION_NOT_AVAILABLE')`;
    });
    expect(await refusalsCounted(venue.id)).toBe(1);

    await holding.commit();
    expect(await refusalsCounted(venue.id)).toBe(2);
  });

  it('two sessions on one shard do queue: the second waits for the first to commit, and both count', async () => {
    const venue = await bar();
    const { onOneShard: [a, b] } = await seventeenSessions();
    const holding = await countAndStayOpen(a, venue.id);
    const waiting = b.db`select public.record_refusal(${venue.id}, 'SECTION_NOT_AVAILABLE')`.execute();
    await blockedBy(db, b.pid, a.pid);
    await Promise.all([holding.commit(), waiting]);
    expect(await refusalsCounted(venue.id)).toBe(2);
  });
});
