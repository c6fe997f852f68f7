-- Clients: the venue's guest CRM. A client is created by staff or found (by email) or created for a
-- guest booking, linked to a customer's auth user when they book signed in, and erased on request:
-- erasure anonymises the personal data (the client row, their bookings' free text, the audit trail
-- and the staff feed) and keeps the booking history and the counts.

create table tablehold.clients (
  id            uuid primary key default gen_random_uuid(),
  venue_id      uuid not null references tablehold.venues (id) on delete cascade,
  user_id       uuid references auth.users (id) on delete set null,
  name          text not null check (length(name) between 1 and 200),
  email         text check (email ~* '^[^@\s]+@[^@\s]+\.[^@\s]+$' and length(email) <= 320),
  phone         text check (phone ~ '^\+?[0-9 ()-]{5,32}$'),
  date_of_birth date check (date_of_birth > '1900-01-01'),
  notes         text check (length(notes) <= 4000),
  tags          text[] not null default '{}',
  visit_count   int not null default 0 check (visit_count >= 0),
  no_show_count int not null default 0 check (no_show_count >= 0),
  erased_at     timestamptz,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  unique (id, venue_id)
);
comment on table tablehold.clients is 'A venue''s guests. Erasing a client anonymises the personal data and keeps the booking history.';
create unique index clients_venue_email_key on tablehold.clients (venue_id, lower(email)) where email is not null;
create index clients_user_idx on tablehold.clients (user_id) where user_id is not null;

/** A client as the API shows it. */
create function tablehold.client_json(p_client tablehold.clients)
returns jsonb
language sql
stable
set search_path = ''
as $$
  select to_jsonb(p_client) - 'user_id' || jsonb_build_object('linked_user', p_client.user_id is not null);
$$;

/** Run a client write, turning constraint violations into domain errors. */
create function tablehold.client_write_error(p_state text, p_message text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if p_state = '23505' then
    perform tablehold.fail('CLIENT_EMAIL_TAKEN');
  end if;
  perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('problem', p_message));
end;
$$;

/** Load a client the caller may see: staff of its venue (p_min_rank), or the linked customer. */
create function tablehold.client_for(p_client_id uuid, p_min_rank int, p_self_allowed boolean)
returns tablehold.clients
language plpgsql
set search_path = ''
as $$
declare
  v_client tablehold.clients;
begin
  select * into v_client from tablehold.clients c where c.id = p_client_id for update;
  if not found
     or (tablehold.caller_rank(v_client.venue_id) < 1
         and not (p_self_allowed and v_client.user_id is not null and v_client.user_id = tablehold.actor_id())) then
    perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'client'));
  end if;
  if tablehold.caller_rank(v_client.venue_id) < p_min_rank
     and not (p_self_allowed and v_client.user_id is not null and v_client.user_id = tablehold.actor_id()) then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('required_rank', p_min_rank));
  end if;
  return v_client;
end;
$$;

/** Find or create the booking's client. Staff may name any client of the venue (or none, for a
 *  walk-in); a customer books as their own client; guests give contact details. An existing
 *  client found by email is linked, never overwritten, by a guest. */
create function tablehold.resolve_client(p_venue_id uuid, p_rank int, p_client_id uuid, p_guest jsonb)
returns tablehold.clients
language plpgsql
set search_path = ''
as $$
declare
  v_client tablehold.clients;
  v_uid uuid := tablehold.actor_id();
  v_email text := nullif(trim(p_guest ->> 'email'), '');
begin
  if p_client_id is not null then
    select * into v_client from tablehold.clients c where c.id = p_client_id and c.venue_id = p_venue_id;
    -- guests may name only their own linked client record
    if not found or (p_rank < 1 and (v_uid is null or v_client.user_id is distinct from v_uid)) then
      perform tablehold.fail('NOT_FOUND', jsonb_build_object('entity', 'client'));
    end if;
    return v_client;
  end if;

  if p_guest is null and v_uid is not null and p_rank < 1 then
    select * into v_client from tablehold.clients c where c.venue_id = p_venue_id and c.user_id = v_uid;
    if found then
      return v_client;
    end if;
  end if;

  if p_guest is null then
    if p_rank >= 1 then
      return null;  -- a walk-in or phone booking staff make without details
    end if;
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', 'name and email are required'));
  end if;
  if nullif(trim(p_guest ->> 'name'), '') is null or (v_email is null and p_rank < 1) then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', 'name and email are required'));
  end if;

  begin
    insert into tablehold.clients (venue_id, user_id, name, email, phone, date_of_birth)
    values (p_venue_id, case when p_rank < 1 then v_uid end, trim(p_guest ->> 'name'), v_email,
            nullif(trim(p_guest ->> 'phone'), ''), (p_guest ->> 'date_of_birth')::date)
    on conflict (venue_id, lower(email)) where email is not null do nothing
    returning * into v_client;
  exception
    when check_violation or invalid_datetime_format or datetime_field_overflow then
      perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'guest', 'problem', sqlerrm));
  end;
  if v_client.id is null then
    select * into v_client from tablehold.clients c
    where c.venue_id = p_venue_id and lower(c.email) = lower(v_email);
  end if;
  return v_client;
end;
$$;

-- The operations (staff of the venue; client_get and client_erase also for the linked customer).
/** Create a client (host and up). Emails are unique per venue, case-insensitively. */
create function public.client_create(
  p_venue_id uuid, p_name text, p_email text default null, p_phone text default null,
  p_date_of_birth date default null, p_notes text default null, p_tags text[] default '{}', p_user_id uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_client tablehold.clients;
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 1);
  begin
    insert into tablehold.clients (venue_id, name, email, phone, date_of_birth, notes, tags, user_id)
    values (p_venue_id, trim(p_name), nullif(trim(p_email), ''), nullif(trim(p_phone), ''), p_date_of_birth,
            p_notes, coalesce(p_tags, '{}'), p_user_id)
    returning * into v_client;
  exception when unique_violation or check_violation or not_null_violation or foreign_key_violation then
    perform tablehold.client_write_error(sqlstate, sqlerrm);
  end;
  return tablehold.client_json(v_client);
end;
$$;

/** Read a client with their booking history (staff, or the linked customer). */
create function public.client_get(p_client_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_client tablehold.clients := tablehold.client_for(p_client_id, 1, true);
begin
  return tablehold.client_json(v_client) || jsonb_build_object('bookings', coalesce((
    select jsonb_agg(jsonb_build_object('id', b.id, 'reference', b.reference, 'status', b.status,
      'service_date', b.service_date, 'starts_at', lower(b.during), 'party_size', b.party_size) order by lower(b.during) desc)
    from tablehold.bookings b where b.client_id = v_client.id), '[]'));
end;
$$;

/** Update a client (host and up). p_changes may hold name, email, phone, date_of_birth, notes, tags;
 *  any other key is refused. */
create function public.client_update(p_client_id uuid, p_changes jsonb)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_client tablehold.clients := tablehold.client_for(p_client_id, 1, false);
  v_unknown text;
begin
  if jsonb_typeof(p_changes) is distinct from 'object' then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', 'changes', 'problem', 'an object is required'));
  end if;
  select k into v_unknown from jsonb_object_keys(p_changes) k
  where k not in ('name', 'email', 'phone', 'date_of_birth', 'notes', 'tags') limit 1;
  if v_unknown is not null then
    perform tablehold.fail('INVALID_REQUEST', jsonb_build_object('field', v_unknown, 'problem', 'unknown field'));
  end if;
  if v_client.erased_at is not null then
    perform tablehold.fail('INVALID_TRANSITION', jsonb_build_object('problem', 'client was erased'));
  end if;
  begin
    update tablehold.clients c set
      name = case when p_changes ? 'name' then trim(p_changes ->> 'name') else c.name end,
      email = case when p_changes ? 'email' then nullif(trim(p_changes ->> 'email'), '') else c.email end,
      phone = case when p_changes ? 'phone' then nullif(trim(p_changes ->> 'phone'), '') else c.phone end,
      date_of_birth = case when p_changes ? 'date_of_birth' then (p_changes ->> 'date_of_birth')::date else c.date_of_birth end,
      notes = case when p_changes ? 'notes' then p_changes ->> 'notes' else c.notes end,
      tags = case when p_changes ? 'tags' then array(select jsonb_array_elements_text(p_changes -> 'tags')) else c.tags end,
      updated_at = tablehold.clock()
    where c.id = v_client.id
    returning * into v_client;
  exception when unique_violation or check_violation or not_null_violation or invalid_datetime_format
                 or datetime_field_overflow or invalid_parameter_value then
    perform tablehold.client_write_error(sqlstate, sqlerrm);
  end;
  return tablehold.client_json(v_client);
end;
$$;

/** Search a venue's clients by name, email or phone (host and up), newest first. */
create function public.clients_search(p_venue_id uuid, p_query text default null, p_limit int default 50, p_offset int default 0)
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
    select jsonb_agg(tablehold.client_json(c) order by c.created_at desc, c.id)
    from (
      select * from tablehold.clients c
      where c.venue_id = p_venue_id and c.erased_at is null
        and (nullif(trim(p_query), '') is null
             or c.name ilike '%' || trim(p_query) || '%'
             or c.email ilike '%' || trim(p_query) || '%'
             or c.phone ilike '%' || trim(p_query) || '%')
      order by c.created_at desc, c.id
      limit greatest(least(coalesce(p_limit, 50), 200), 1) offset greatest(coalesce(p_offset, 0), 0)
    ) c), '[]');
end;
$$;

/** Erase a client (manager and up, or the linked customer themselves): the personal data is
 *  anonymised, in the client row, in their bookings' free text and in the audit trail; the
 *  booking history and the counts stay. */
create function public.client_erase(p_client_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_client tablehold.clients := tablehold.client_for(p_client_id, 2, true);
  v_personal text[] := array['name', 'email', 'phone', 'date_of_birth', 'notes', 'tags', 'user_id', 'special_requests'];
begin
  perform set_config('tablehold.audit_reason', 'erased', true);
  update tablehold.clients c
     set name = 'Erased client', email = null, phone = null, date_of_birth = null, notes = null,
         tags = '{}', user_id = null, erased_at = tablehold.clock(), updated_at = tablehold.clock()
   where c.id = v_client.id
  returning * into v_client;
  update tablehold.bookings b set special_requests = null where b.client_id = v_client.id and b.special_requests is not null;
  -- WARNING: the audit trail must not keep what erasure removes
  update tablehold.audit_log l
     set before = l.before - v_personal, after = l.after - v_personal
   where (l.entity = 'clients' and l.entity_id = v_client.id::text)
      or (l.entity = 'bookings' and (l.before ->> 'client_id' = v_client.id::text or l.after ->> 'client_id' = v_client.id::text));
  perform set_config('tablehold.audit_reason', '', true);
  return tablehold.client_json(v_client);
end;
$$;
