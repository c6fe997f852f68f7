// Many bookings at once, for the sections that need a venue already full of them (the snapshot's
// 10 000 bookings, the sweeper's 10 000 holds). Set-based inserts as the trusted postgres session:
// every row still passes the engine's triggers (status machine, capacity count or overlap check,
// availability events, audit, staff feed), but none of public.book's per-call work runs, so filling
// takes seconds instead of minutes.
import type { Sql } from './support.ts';

export interface BulkOptions {
  /** 'confirmed', or 'held' for holds that expire after the venue's hold TTL. */
  status: 'confirmed' | 'held';
  /** Make the rows as if the engine's clock read this (a trusted session's tablehold.frozen_now). */
  frozenNow?: string;
}

/** Books every row of `plan`, a SELECT of (unit_id uuid, slot_id uuid, during tstzrange) at the
 *  venue on `date`, party of 2, one unit each. Returns how many bookings were made. */
export async function bulkBook(db: Sql, venueId: string, date: string, plan: string, o: BulkOptions): Promise<number> {
  return await db.begin(async (tx) => {
    if (o.frozenNow) await tx`select set_config('tablehold.frozen_now', ${o.frozenNow}, true)`;
    await tx.unsafe(`create temp table bench_plan on commit drop as
      select gen_random_uuid() as booking_id, p.unit_id, p.slot_id, p.during from (${plan}) p`);
    // references are random (31^6 per date): among thousands a few collide, and get a new one
    let made = 0;
    for (let round = 0; round < 5; round++) {
      made += (await tx.unsafe(`
        insert into tablehold.bookings (id, reference, venue_id, party_size, service_date, slot_id, during, status, source)
        select p.booking_id, tablehold.new_reference('BR', $2::date), $1::uuid, 2, $2::date, p.slot_id, p.during,
               $3::tablehold.booking_status, 'staff'
        from bench_plan p where not exists (select 1 from tablehold.bookings b where b.id = p.booking_id)
        on conflict (reference) do nothing`, [venueId, date, o.status])).count;
    }
    await tx.unsafe(`
      insert into tablehold.allocations (booking_id, unit_id, during, quantity)
      select p.booking_id, p.unit_id, p.during, 1 from bench_plan p order by p.unit_id, lower(p.during)`);
    return made;
  }) as number;
}
