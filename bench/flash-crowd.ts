// npm run bench -- flash-crowd
// Through the Edge Functions: 1000 guests press "Book" at once (fetch, Promise.all) on one club
// section of capacity 50 (pooled, slot 'night'), while autocannon keeps a steady background of
// availability reads on the same venue-night. Zero overbooking, zero 5xx, and the latencies (goal:
// exactly 50 confirmed, p50 <= 0.5 s, every answer within 2 s).
import { createVenue, pooledOverCapacity } from '../tests/support/fixtures.ts';
import { goal } from './goals.ts';
import { ms, percentiles, pool, progress, round, type SectionContext, type SectionResult, sleep } from './support.ts';

const CROWD = 1000;
const CAPACITY = 50;
const READERS = 8; // autocannon connections

interface Reply {
  status: number;
  code?: string;
  ms: number;
}

/** The parts of autocannon's result shown here. */
interface AutocannonResult {
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  '2xx': number;
  '5xx': number;
  non2xx: number;
  errors: number;
}

/** autocannon (bench/background-reads.mjs) reading `url` until stopped; resolves to its result. */
function backgroundReads(url: string): { stop: () => Promise<AutocannonResult> } {
  const script = new URL('./background-reads.mjs', import.meta.url).pathname;
  const child = new Deno.Command('node', { args: [script, url, String(READERS)], stdin: 'piped', stdout: 'piped', stderr: 'piped' }).spawn();
  const output = child.output();
  return {
    stop: async () => {
      await child.stdin.close(); // the helper stops autocannon and prints the result
      const out = await output;
      const text = new TextDecoder().decode(out.stdout);
      try {
        return JSON.parse(text);
      } catch {
        throw new Error(`autocannon gave no result: ${new TextDecoder().decode(out.stderr).slice(0, 500)}`);
      }
    },
  };
}

/** Guest i's address, as the proxy in front writes it (x-forwarded-for): each guest is a client of
 *  its own, so every request is counted by the rate limits per address and per email (limits.ts). */
const addressOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

async function book(url: string, body: unknown, address: string): Promise<Reply> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': address }, body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => null);
    return { status: res.status, code: json?.error?.code, ms: performance.now() - t0 };
  } catch (e) {
    return { status: 0, code: String(e).slice(0, 80), ms: performance.now() - t0 };
  }
}

export async function flashCrowd(ctx: SectionContext): Promise<SectionResult> {
  const db = pool(ctx.stack.dbUrl, 1);
  const crowd = ctx.quick ? 200 : CROWD;
  const venue = await createVenue(db as never, {
    kind: 'club',
    slots: [{ code: 'night', starts: '22:00', ends: '04:00' }],
    units: [{ code: 'floor', type: 'section', mode: 'pooled', booking: 'slot', capacity: CAPACITY, maxCovers: 6 }],
  });
  const base = `${ctx.stack.functionsUrl}/functions/v1`;
  const reads = backgroundReads(`${base}/availability/v1?venue_id=${venue.id}&date=${venue.date}&slot=night`);
  await sleep(2000); // the reads are steady before the crowd arrives
  progress(`flash-crowd: ${crowd} concurrent POST /book/v1 over ${READERS} autocannon readers`);
  const t0 = performance.now();
  const replies = await Promise.all(Array.from({ length: crowd }, (_, i) =>
    book(`${base}/book/v1`, {
      venue_id: venue.id, party_size: 2, date: venue.date, slot: 'night', unit_ids: [venue.units.floor],
      guest: { name: `Guest ${i}`, email: `crowd-${i}@${venue.slug}.example.test`, date_of_birth: '1990-04-01' },
    }, addressOf(i))));
  const wallMs = performance.now() - t0;
  await sleep(1000);
  const background = await reads.stop();

  const tally: Record<string, number> = {};
  for (const r of replies) {
    const label = r.code ? `${r.status} ${r.code}` : String(r.status);
    tally[label] = (tally[label] ?? 0) + 1;
  }
  const serverErrors = replies.filter((r) => r.status >= 500 || r.status === 0).length;
  const [{ confirmed }] = await db`
    select count(*)::int as confirmed from tablehold.bookings where venue_id = ${venue.id} and status = 'confirmed'`;
  const over = await pooledOverCapacity(db as never, venue.id);
  const p = percentiles(replies.map((r) => r.ms));
  const readLatency = background.latency;
  progress(`flash-crowd: ${JSON.stringify(tally)} in ${round(wallMs / 1000)} s; reads ${background.requests.total} (${background['5xx']} 5xx)`);
  return {
    tables: [
      {
        title: `Flash crowd over HTTP: ${crowd} concurrent bookings of a club section of ${CAPACITY}`,
        columns: ['outcome', 'confirmed in db', 'overbooked', '5xx', 'wall s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'],
        rows: [[Object.entries(tally).map(([k, v]) => `${v} x ${k}`).join(', '), confirmed, over.length, serverErrors,
          round(wallMs / 1000), ms(p.p50), ms(p.p95), ms(p.p99), ms(p.max)]],
        note: 'All requests start in the same tick (fetch + Promise.all); latency is each request\'s whole round trip.',
      },
      {
        title: `Background availability reads during the crowd (autocannon, ${READERS} connections)`,
        columns: ['requests', 'req/s', '2xx', 'non-2xx', '5xx', 'errors', 'p50 ms', 'p90 ms', 'p97.5 ms', 'p99 ms', 'max ms'],
        rows: [[background.requests.total, round(background.requests.average), background['2xx'], background.non2xx,
          background['5xx'], background.errors, readLatency.p50, readLatency.p90, readLatency.p97_5, readLatency.p99, readLatency.max]],
        note: 'autocannon reports p97.5 rather than p95. Reads run from 2 s before the crowd to 1 s after it.',
      },
    ],
    goals: [goal('flashCrowd',
      `${confirmed} confirmed, ${over.length} overbooked, p50 ${ms(p.p50)} ms, slowest ${ms(p.max)} ms, ${serverErrors} + ${background['5xx']} 5xx (crowd + reads)`,
      confirmed === CAPACITY && over.length === 0 && p.p50 <= 500 && p.max <= 2000 && serverErrors === 0 && background['5xx'] === 0)],
    data: { crowd, capacity: CAPACITY, tally, confirmed, overbooked: over.length, serverErrors, wallMs: round(wallMs), latency: p, background },
  };
}
