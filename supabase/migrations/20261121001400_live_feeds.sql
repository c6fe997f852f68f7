-- The live feeds: a NOTIFY as each event commits (what the Server-Sent Events stream listens to),
-- and the staff feed of booking changes with who made them (staff of the venue only).

/** Wake the SSE streams: one notification per committed event, on channel tablehold_events.
 *  Payload {"t":"a","c":<channel>,"v":<version>}; NOTIFY is delivered only if the transaction commits. */
create function tablehold.tg_availability_events__notify()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform pg_notify('tablehold_events', json_build_object('t', 'a', 'c', new.channel, 'v', new.version)::text);
  return null;
end;
$$;

create trigger tg_availability_events__notify
after insert on public.availability_events
for each row execute function tablehold.tg_availability_events__notify();

create table tablehold.staff_feeds (
  venue_id uuid primary key references tablehold.venues (id) on delete cascade,
  seq      bigint not null default 0
);
comment on table tablehold.staff_feeds is 'The staff feed''s sequence per venue, taken at commit under this row''s lock so that sequence order is commit order (a reader never skips an event that commits late).';

create table public.staff_events (
  id              bigint primary key generated always as identity,
  venue_id        uuid not null references tablehold.venues (id) on delete cascade,
  seq             bigint not null,
  service_date    date not null,
  booking_id      uuid not null,
  reference       text not null,
  kind            tablehold.booking_kind not null,
  previous_status tablehold.booking_status,
  status          tablehold.booking_status not null,
  party_size      int not null,
  starts_at       timestamptz not null,
  ends_at         timestamptz not null,
  guest_name      text,
  units           text[] not null default '{}',
  actor_user_id   uuid,
  actor_role      text not null,
  api_key_id      uuid,
  reason          text,
  occurred_at     timestamptz not null default now(),
  unique (venue_id, seq)
);
comment on table public.staff_events is 'Booking changes for the staff view (new, status changes, moves), one row per booking per transaction, with who made them. Staff of the venue only (RLS); in the supabase_realtime publication. Erasing a client blanks guest_name here too.';
comment on column public.staff_events.seq is 'The venue''s feed cursor: 1, 2, 3 … per venue, in commit order (SSE id, Last-Event-ID, ?after=).';
comment on column public.staff_events.actor_role is 'Who made the change: owner, manager, host (staff of the venue), assistant (an API key), customer, guest, service, or database (Studio, psql, cron).';

/** Who made a change, for the staff view. */
create function tablehold.actor_label(p_venue_id uuid)
returns text
language sql
stable
set search_path = ''
as $$
  select case
    when auth.jwt() ->> 'api_key_id' is not null then 'assistant'
    when auth.role() is null then 'database'
    when auth.role() = 'service_role' then 'service'
    else case tablehold.caller_rank(p_venue_id)
      when 3 then 'owner' when 2 then 'manager' when 1 then 'host'
      else case when tablehold.actor_id() is not null then 'customer' else 'guest' end end
  end;
$$;

/** Append one staff event per booking per commit (a deferred trigger). Firings of a booking whose
 *  row has changed again since (a hold confirmed in the same transaction) only remember the status
 *  the booking started from; the firing that matches the committed row writes the event, with that
 *  status as previous_status (null when new). The venue's feed sequence is taken here, under its
 *  row lock, so sequence order is commit order. */
create function tablehold.tg_bookings__staff_event()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_now tablehold.bookings;
  v_started_key text := 'tablehold.staff_started_' || replace(new.id::text, '-', '');
  v_started text := nullif(current_setting(v_started_key, true), '');
  v_seq bigint;
begin
  select * into v_now from tablehold.bookings b where b.id = new.id;
  if not found then
    return null;
  end if;
  if (new.status, new.during, new.party_size, new.service_date)
     is distinct from (v_now.status, v_now.during, v_now.party_size, v_now.service_date) then
    if v_started is null then
      perform set_config(v_started_key, coalesce(case when tg_op = 'UPDATE' then old.status::text end, 'new'), true);
    end if;
    return null;
  end if;
  perform set_config(v_started_key, '', true);
  insert into tablehold.staff_feeds as f (venue_id, seq) values (v_now.venue_id, 1)
  on conflict (venue_id) do update set seq = f.seq + 1
  returning f.seq into v_seq;
  insert into public.staff_events (venue_id, seq, service_date, booking_id, reference, kind, previous_status, status,
    party_size, starts_at, ends_at, guest_name, units, actor_user_id, actor_role, api_key_id, reason, occurred_at)
  values (v_now.venue_id, v_seq, v_now.service_date, v_now.id, v_now.reference, v_now.kind,
    case when v_started is not null then nullif(v_started, 'new')::tablehold.booking_status
         when tg_op = 'UPDATE' then old.status end,
    v_now.status, v_now.party_size, lower(v_now.during), upper(v_now.during),
    (select c.name from tablehold.clients c where c.id = v_now.client_id),
    array(select distinct u.code from tablehold.allocations a join tablehold.units u on u.id = a.unit_id
          where a.booking_id = v_now.id and not a.superseded order by u.code),
    tablehold.actor_id(), tablehold.actor_label(v_now.venue_id),
    case when (auth.jwt() ->> 'api_key_id') ~* '^[0-9a-f-]{36}$' then (auth.jwt() ->> 'api_key_id')::uuid end,
    coalesce(v_now.block_reason, v_now.status_reason), tablehold.clock());
  perform pg_notify('tablehold_events', json_build_object('t', 's', 'venue', v_now.venue_id)::text);
  return null;
end;
$$;

create constraint trigger tg_bookings__staff_event
after insert or update of status, during, party_size on tablehold.bookings
deferrable initially deferred
for each row execute function tablehold.tg_bookings__staff_event();

-- erasure reaches the staff feed too
create function tablehold.tg_clients__erase_staff_events()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.staff_events e set guest_name = null
   where e.booking_id in (select b.id from tablehold.bookings b where b.client_id = new.id) and e.guest_name is not null;
  return null;
end;
$$;

create trigger tg_clients__erase_staff_events
after update of erased_at on tablehold.clients
for each row when (new.erased_at is not null and old.erased_at is null)
execute function tablehold.tg_clients__erase_staff_events();

alter table tablehold.staff_feeds enable row level security;
grant all on tablehold.staff_feeds to service_role;
create policy "only the server reads feed sequences" on tablehold.staff_feeds for select to service_role using (true);
alter table public.staff_events enable row level security;
revoke all on public.staff_events from anon, authenticated;
grant select on public.staff_events to authenticated;
grant all on public.staff_events to service_role;
create policy "staff can read their venue's booking changes" on public.staff_events for select to authenticated
  using (tablehold.caller_rank(venue_id) >= 1);

do $$
begin
  if exists (select 1 from pg_publication where pubname = 'supabase_realtime')
     and not exists (select 1 from pg_publication_tables
                     where pubname = 'supabase_realtime' and schemaname = 'public' and tablename = 'staff_events') then
    alter publication supabase_realtime add table public.staff_events;
  end if;
end;
$$;

/** Staff feed catch-up (host and up): the venue's booking changes after sequence p_after, oldest
 *  first, optionally one service date. */
create function public.staff_feed(p_venue_id uuid, p_after bigint default 0, p_date date default null, p_limit int default 500)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 1);
  return coalesce((
    select jsonb_agg(to_jsonb(e) order by e.seq)
    from (
      select * from public.staff_events e
      where e.venue_id = p_venue_id and e.seq > coalesce(p_after, 0)
        and (p_date is null or e.service_date = p_date)
      order by e.seq
      limit greatest(least(coalesce(p_limit, 500), 1000), 1)
    ) e), '[]');
end;
$$;

revoke execute on function public.staff_feed from public, anon, authenticated;
grant execute on function public.staff_feed to authenticated, service_role;
revoke execute on all functions in schema tablehold from public, anon, authenticated;
grant execute on function tablehold.caller_rank(uuid) to authenticated;
grant execute on all functions in schema tablehold to service_role;
