// Venues for the engine tests, created as plain postgres and committed (concurrent connections must
// see them), each under a random slug so test files never collide; and the invariants, as SQL.
// Venues run on UTC, open around the clock every day, and book ten days ahead of the real clock,
// so the booking-window rules pass without freezing time (other connections can't see a frozen clock).
import { randomUUID } from 'node:crypto';
import type { Sql, Tx } from './db';

export interface UnitSpec {
  code: string;
  type: 'table' | 'booth' | 'section' | 'seat_option';
  mode: 'pooled' | 'exclusive';
  booking: 'slot' | 'date' | 'time';
  capacity?: number;
  minCovers?: number;
  maxCovers?: number;
}

export interface VenueSpec {
  kind: 'bar' | 'club' | 'restaurant';
  units: UnitSpec[];
  /** Named slots on every weekday, local times; a start before 06:00 falls on the next calendar day. */
  slots?: { code: string; starts: string; ends: string }[];
  holdTtl?: string;
  startGrid?: string;
  turn?: string;
  buffer?: string;
  /** How far ahead guests may book (default 180 days). A short horizon keeps a unit's out-of-service
   *  or capacity edit cheap: the engine publishes it on every date up to the horizon. */
  bookingHorizon?: string;
}

export interface Venue {
  id: string;
  slug: string;
  /** The first bookable service date used by tests: ten days after today (UTC). */
  date: string;
  /** Unit ids by code. */
  units: Record<string, string>;
  /** The instant of local time hh:mm on `date` (+ dayOffset days), as ISO 8601. */
  at(time: string, dayOffset?: number): string;
}

/** Creates and commits an operator and a venue open 24 hours a day (06:00 to 06:00, which is
 *  also the service-day cutover), with the given slots and units. */
export async function createVenue(db: Sql, spec: VenueSpec): Promise<Venue> {
  const slug = `th-${spec.kind}-${randomUUID().slice(0, 8)}`;
  return db.begin(async (tx) => {
    const [{ id, date }] = await tx`
      with operator as (
        insert into tablehold.operators (slug, name) values (${slug}, ${`Operator ${slug}`}) returning id)
      insert into tablehold.venues (operator_id, slug, name, kind, timezone, service_day_cutover,
        hold_ttl, start_grid, default_turn, buffer, booking_horizon)
      select operator.id, ${slug}, ${`Venue ${slug}`}, ${spec.kind}, 'UTC', '06:00',
        ${spec.holdTtl ?? '5 minutes'}, ${spec.startGrid ?? '15 minutes'}, ${spec.turn ?? '2 hours'}, ${spec.buffer ?? '0'},
        ${spec.bookingHorizon ?? '180 days'}
      from operator
      returning id, ((now() at time zone 'UTC')::date + 10)::text as date`;
    await tx`
      insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
      select ${id}, d, '06:00', '06:00' from generate_series(1, 7) d`;
    for (const s of spec.slots ?? []) {
      await tx`insert into tablehold.slots (venue_id, code, name, starts, ends)
               values (${id}, ${s.code}, ${s.code}, ${s.starts}, ${s.ends})`;
    }
    const units: Record<string, string> = {};
    for (const [sort, u] of spec.units.entries()) {
      const [row] = await tx`
        insert into tablehold.units (venue_id, code, name, unit_type, capacity_mode, booking_mode,
          capacity, min_covers, max_covers, sort)
        values (${id}, ${u.code}, ${u.code}, ${u.type}, ${u.mode}, ${u.booking},
          ${u.capacity ?? 1}, ${u.minCovers ?? 1}, ${u.maxCovers ?? 4}, ${sort})
        returning id`;
      units[u.code] = row.id;
    }
    const at = (time: string, dayOffset = 0): string => {
      const t = new Date(`${date}T${time}:00Z`);
      t.setUTCDate(t.getUTCDate() + dayOffset);
      return t.toISOString();
    };
    return { id, slug, date, units, at };
  }) as Promise<Venue>;
}

/** A guest's contact details for public.hold / public.book: the same n is the same returning client. */
export const guest = (n: number | string) => ({ name: `Guest ${n}`, email: `guest-${n}@example.test` });

/** Pooled units over capacity: every instant where a live (active, unexpired) allocation starts,
 *  with the sum of the live quantities covering it, where that sum exceeds the capacity. */
export function pooledOverCapacity(db: Sql | Tx, venueId: string) {
  return db`
    with live as (
      select a.unit_id, a.during, a.quantity
      from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
      where a.venue_id = ${venueId} and u.capacity_mode = 'pooled' and a.active
        and (a.expires_at is null or a.expires_at > now())
    ), instants as (select distinct l.unit_id, lower(l.during) as at from live l)
    select u.code, i.at, sum(l.quantity)::int as used, u.capacity
    from instants i
    join live l on l.unit_id = i.unit_id and l.during @> i.at
    join tablehold.units u on u.id = i.unit_id
    group by u.code, u.capacity, i.at
    having sum(l.quantity) > u.capacity`;
}

/** Pairs of active allocations of one exclusive unit whose windows overlap. */
export function exclusiveOverlaps(db: Sql | Tx, venueId: string) {
  return db`
    select u.code, a.id as first, b.id as second, a.during::text as first_during, b.during::text as second_during
    from tablehold.allocations a
    join tablehold.allocations b on b.unit_id = a.unit_id and b.id > a.id and b.during && a.during and b.active
    join tablehold.units u on u.id = a.unit_id
    where a.venue_id = ${venueId} and u.capacity_mode = 'exclusive' and a.active`;
}

/** Channels of the venue whose events are not exactly versions 1..n with n = the channel's version. */
export function channelGaps(db: Sql | Tx, venueId: string) {
  return db`
    with channels as (
      select c.service_date, c.version from tablehold.channels c where c.venue_id = ${venueId}
    ), events as (
      select e.service_date, count(*)::int as n, count(distinct e.version)::int as distinct_versions,
             min(e.version)::int as lowest, max(e.version)::int as highest
      from public.availability_events e where e.venue_id = ${venueId}
      group by e.service_date
    )
    select coalesce(c.service_date, e.service_date)::text as service_date, c.version::int as channel_version,
           e.n as events, e.distinct_versions, e.lowest, e.highest
    from channels c full join events e on e.service_date = c.service_date
    where c.version is distinct from e.n or e.distinct_versions is distinct from e.n
       or e.lowest is distinct from 1 or e.highest is distinct from e.n`;
}

/** Bookings and allocations that disagree: a booking that holds inventory (held and unexpired,
 *  pending_approval, confirmed, seated) without active allocations, with an active allocation on another
 *  service date or not covering its window, or whose active allocations do not seat its party (pooled:
 *  quantity x max covers; exclusive: the units' max covers, or a combination that takes the party);
 *  and active allocations of a booking that holds no inventory. Blocks need no party cover. */
export function inventoryMismatches(db: Sql | Tx, venueId: string) {
  return db`
    with holding as (
      select b.id, b.reference, b.kind, b.status, b.party_size, b.during, b.service_date
      from tablehold.bookings b
      where b.venue_id = ${venueId} and tablehold.status_holds_inventory(b.status)
        and not (b.status = 'held' and b.hold_expires_at <= now())
    ), live as (
      select a.id, a.booking_id, a.unit_id, a.quantity, a.during, a.service_date, u.capacity_mode, u.max_covers
      from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
      where a.venue_id = ${venueId} and a.active and (a.expires_at is null or a.expires_at > now())
    ), covered as (
      select h.id,
             count(l.id) as allocations,
             bool_and(l.during @> h.during and l.service_date = h.service_date) as in_window,
             coalesce(sum(case when l.capacity_mode = 'pooled' then l.quantity * l.max_covers else l.max_covers end), 0) as seats,
             array_agg(l.unit_id order by l.unit_id) filter (where l.capacity_mode = 'exclusive') as tables
      from holding h left join live l on l.booking_id = h.id
      group by h.id
    )
    select h.reference, h.status::text, h.party_size, null::bigint as allocation_id,
           case when c.allocations = 0 then 'holds inventory but has no active allocation'
                when not c.in_window then 'an active allocation is on another date or misses part of the window'
                else 'its active allocations do not seat the party' end as problem
    from holding h join covered c on c.id = h.id
    where c.allocations = 0 or not c.in_window
       or (h.kind = 'booking' and c.seats < h.party_size and not exists (
             select 1 from tablehold.combinations cb
             where cb.venue_id = ${venueId} and h.party_size between cb.min_party and cb.max_party
               and (select array_agg(cu.unit_id order by cu.unit_id) from tablehold.combination_units cu
                    where cu.combination_id = cb.id) = c.tables))
    union all
    select b.reference, b.status::text, b.party_size, a.id, 'an active allocation of a booking that holds no inventory'
    from tablehold.allocations a join tablehold.bookings b on b.id = a.booking_id
    where a.venue_id = ${venueId} and a.active and (a.expires_at is null or a.expires_at > now())
      and not tablehold.status_holds_inventory(b.status)`;
}
