// Issue 9's attack, over real HTTP: one anonymous client asks for every unit of the demo club's night
// at once (26: two VIP booths, the mezzanine and ten standing tables, early and late), each under
// another name, as it did when it took the whole night in one second. The functions run with the
// shipped settings (rate limits on, one trusted proxy: x-forwarded-for says who the client is), so
// both layers answer: the rate limit per address and the-vault's cap of 4 live bookings per address
// per night, in the engine. The attacker ends with 4 holds; other guests still book the night; one
// guest's email from many addresses is capped at 4 too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAll, sql } from '../support/db';
import { demoSeed } from '../support/demo';
import { type FunctionsServer, startFunctionsServer } from '../support/server';

const db = sql(2);
const seed = await demoSeed(db);
const V = seed.vault;
let server: FunctionsServer;

beforeAll(async () => {
  server = await startFunctionsServer({ TABLEHOLD_RATE_LIMITS: 'on', TABLEHOLD_TRUSTED_PROXY_HOPS: '1' });
}, 150_000);
afterAll(async () => {
  await server?.stop();
  await closeAll();
});

interface Reply {
  status: number;
  code?: string;
  details?: Record<string, unknown>;
  retryAfter: string | null;
}

/** POST /functions/v1/<path> as an anonymous client at `address` (what the proxy in front writes). */
async function post(path: string, body: unknown, address: string): Promise<Reply> {
  const res = await fetch(`${server.url}/functions/v1/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  return { status: res.status, code: json?.error?.code, details: json?.error?.details, retryAfter: res.headers.get('retry-after') };
}

/** A service date of the-vault, open and with nothing booked, some months ahead (other files use
 *  the next two months), not among `skip`. */
async function emptyNight(skip: string[] = []): Promise<string> {
  const [row] = await db`
    select d::date::text as date
    from generate_series(current_date + 90, current_date + 170, interval '1 day') d, tablehold.venues v
    where v.id = ${V.id} and exists (select 1 from tablehold.opening_spans(v, d::date))
      and not exists (select 1 from tablehold.bookings b where b.venue_id = v.id and b.service_date = d::date)
      and not (d::date::text = any (${skip}::text[]))
    order by d limit 1`;
  return row.date as string;
}

const guest = (n: string) => ({ name: `Guest ${n}`, email: `${n}@blackout.example.test`, date_of_birth: '1990-04-01' });

/** Every unit of a night as a request body: booths for 4, the mezzanine for 10, ten standing tables for 2. */
function wholeNight(date: string, tag: string) {
  const units = [[V.booth1, 4], [V.booth2, 4], [V.mezzanine, 10], ...Array.from({ length: 10 }, () => [V.standing, 2])] as const;
  return ['early', 'late'].flatMap((slot) =>
    units.map(([unit, party], i) => ({
      venue_id: V.id, party_size: party, date, slot, unit_ids: [unit], guest: guest(`${tag}-${slot}-${i}`),
    })));
}

const liveFrom = (date: string, address: string) => db`
  select count(*)::int as n from tablehold.booking_origins o join tablehold.bookings b on b.id = o.booking_id
  where b.venue_id = ${V.id} and b.service_date = ${date} and o.ip = ${address}
    and b.status in ('held', 'pending_approval', 'confirmed')`;

describe('one anonymous client cannot black out the demo club', () => {
  let night: string;

  it('26 holds of the whole night at once from one address, each under another name, take 4 units', async () => {
    night = await emptyNight();
    const attacker = '203.0.113.66';
    const replies = await Promise.all(wholeNight(night, 'attack').map((body) => post('hold/v1', body, attacker)));

    expect(replies.filter((r) => r.status === 201)).toHaveLength(4);
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(22);
    // each refused by one of the two layers, with a wait to respect
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(['HOLD_LIMIT_REACHED', 'RATE_LIMITED']).toContain(r.code);
      if (r.code === 'RATE_LIMITED') expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(refused.filter((r) => r.code === 'HOLD_LIMIT_REACHED').every((r) => r.details?.per === 'ip' && r.details?.limit === 4)).toBe(true);
    expect(await liveFrom(night, attacker)).toEqual([{ n: 4 }]);
    const [{ bookings }] = await db`select count(*)::int as bookings from tablehold.bookings where venue_id = ${V.id} and service_date = ${night}`;
    expect(bookings).toBe(4);
  });

  it('book cannot make more of them permanent: the cap counts confirmed bookings too', async () => {
    const reply = await post('book/v1', wholeNight(night, 'again')[5], '203.0.113.66');
    expect(reply.status).toBe(429);
    expect(['HOLD_LIMIT_REACHED', 'RATE_LIMITED']).toContain(reply.code);
    expect(await liveFrom(night, '203.0.113.66')).toEqual([{ n: 4 }]);
  });

  it('other guests, each from their own address, still book that night', async () => {
    // the units the attack left: every standing table it did not take, early and late
    const free = await db`
      select s.code as slot, u.capacity - tablehold.used_at_peak(u.id, tablehold.slot_window(v, s, ${night}::date)) as left
      from tablehold.units u join tablehold.venues v on v.id = u.venue_id
      join tablehold.slots s on s.venue_id = v.id
      where u.id = ${V.standing} order by s.code`;
    const bodies = free.flatMap((f) => Array.from({ length: Math.min(Number(f.left), 5) }, (_, i) => ({
      venue_id: V.id, party_size: 2, date: night, slot: f.slot, unit_ids: [V.standing], guest: guest(`guest-${f.slot}-${i}`),
    })));
    expect(bodies.length).toBeGreaterThanOrEqual(8);
    const replies = await Promise.all(bodies.map((body, i) => post(i % 2 ? 'book/v1' : 'hold/v1', body, `198.51.100.${10 + i}`)));
    expect(replies.map((r) => r.status)).toEqual(bodies.map(() => 201));
  });

  it('one guest email from many addresses holds at most 4 live bookings of a night', async () => {
    const other = await emptyNight([night]);
    const body = (i: number) => ({
      venue_id: V.id, party_size: 2, date: other, slot: i % 2 ? 'late' : 'early', unit_ids: [V.standing], guest: guest('the-same-guest'),
    });
    const replies: Reply[] = [];
    for (let i = 0; i < 6; i++) replies.push(await post('hold/v1', body(i), `192.0.2.${100 + i}`));
    expect(replies.map((r) => `${r.status} ${r.code ?? ''}`.trim())).toEqual(
      ['201', '201', '201', '201', '429 HOLD_LIMIT_REACHED', '429 HOLD_LIMIT_REACHED']);
    expect(replies[4].details).toMatchObject({ per: 'guest', limit: 4, retry_after: expect.any(Number) });
    expect(Number(replies[4].retryAfter)).toBe(replies[4].details?.retry_after);
  });
});
