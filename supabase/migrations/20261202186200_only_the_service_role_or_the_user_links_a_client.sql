-- Clients: only the service role (or a trusted database session) or the user themselves may link a
-- client record to an auth user (issue 9, "a host can link a client record to any user id").
--
-- A linked client record is what lets a signed-in customer read it, manage its bookings without a
-- token and erase it (tablehold.client_for, tablehold.authorize_booking). Before, any host could
-- create a client record of their venue linked to any user id, handing that user the record's
-- bookings, or taking over a user's identity at the venue. Now client_create with p_user_id refuses
-- with FORBIDDEN unless the caller is trusted or p_user_id is the caller's own user id. Guests are
-- linked by the engine itself, to their own id, when they book signed in (tablehold.resolve_client).

/** Create a client record at a venue (host and up). p_user_id links it to an auth user: only the
 *  service role (or a trusted database session) may link another user; staff may link only
 *  themselves.
 *  Example: select public.client_create(p_venue_id => '…', p_name => 'Ada Lovelace', p_email => 'ada@example.com'); */
create or replace function public.client_create(p_venue_id uuid, p_name text, p_email text default null,
  p_phone text default null, p_date_of_birth date default null, p_notes text default null,
  p_tags text[] default '{}', p_user_id uuid default null)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  c_trusted constant int := 4;  -- tablehold.caller_rank: the service role, or a trusted database session
  v_client tablehold.clients;
begin
  perform tablehold.venue(p_venue_id);
  perform tablehold.require_rank(p_venue_id, 1);
  if p_user_id is not null and p_user_id is distinct from tablehold.actor_id()
     and tablehold.caller_rank(p_venue_id) < c_trusted then
    perform tablehold.fail('FORBIDDEN', jsonb_build_object('field', 'user_id',
      'problem', 'only the service role or the user themselves may link a client to a user'));
  end if;
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
