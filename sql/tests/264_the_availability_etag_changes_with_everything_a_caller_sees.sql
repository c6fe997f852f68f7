-- The availability ETag (migration 20261202186400) changes whenever anything a caller sees changes:
-- a booking, a unit's name or price, a turn time, for guests and staff alike; a confirmed hold,
-- which guests see no differently, changes the staff ETag only. Guests and staff never share one.
-- availability_etag (the conditional GET's question) and availability_text (the answer) agree.
begin;
select plan(16);
select tests.freeze_time('2026-11-25 12:00Z');

select tests.venue_id('the-vault') as vault, tests.venue_id('nora-kitchen') as nora \gset
create function pg_temp.guest_etag(p_venue uuid, p_date date, p_party int default null, p_start timestamptz default null)
returns text language plpgsql as $$
declare
  v_etag text;
begin
  perform tests.authenticate_as_anon();
  v_etag := public.availability_etag(p_venue, p_date, p_party_size => p_party, p_start => p_start);
  perform tests.clear_authentication();
  return v_etag;
end $$;
create function pg_temp.staff_etag(p_venue uuid, p_date date) returns text language plpgsql as $$
declare
  v_etag text;
begin
  perform tests.authenticate_as_seed_user('host@the-vault.test');
  v_etag := public.availability_etag(p_venue, p_date);
  perform tests.clear_authentication();
  return v_etag;
end $$;

select pg_temp.guest_etag(:'vault', '2026-11-27') as g0, pg_temp.staff_etag(:'vault', '2026-11-27') as s0 \gset
select matches(:'g0'::text, '^"g0\.[0-9]+"$', 'a guest''s ETag names the channel version and the configuration version');
select matches(:'s0'::text, '^"s[0-9a-f]{32}"$', 'a host''s ETag is a digest of the staff view');

-- a hold: both views change
select public.hold(p_venue_id => :'vault', p_party_size => 2, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[tests.unit_id('the-vault', 'standing-tables')],
  p_guest => '{"name": "Ada", "email": "ada@example.com", "date_of_birth": "1990-01-01"}') ->> 'id' as held \gset
select pg_temp.guest_etag(:'vault', '2026-11-27') as g1, pg_temp.staff_etag(:'vault', '2026-11-27') as s1 \gset
select isnt(:'g1'::text, :'g0'::text, 'a hold changes the guest ETag');
select isnt(:'s1'::text, :'s0'::text, 'and the staff ETag');

-- confirming it: guests see the same, staff do not
select from public.confirm(:'held');
select is(pg_temp.guest_etag(:'vault', '2026-11-27'), :'g1'::text, 'confirming the hold leaves the guest ETag as it was');
select pg_temp.staff_etag(:'vault', '2026-11-27') as s2 \gset
select isnt(:'s2'::text, :'s1'::text, 'but changes the staff ETag: staff see it confirmed');

-- edits of the set-up, which no event announces
update tablehold.units set deposit = deposit + 10 where id = tests.unit_id('the-vault', 'standing-tables');
select pg_temp.guest_etag(:'vault', '2026-11-27') as g3, pg_temp.staff_etag(:'vault', '2026-11-27') as s3 \gset
select isnt(:'g3'::text, :'g1'::text, 'a price edit changes the guest ETag');
select isnt(:'s3'::text, :'s2'::text, 'and the staff ETag');
update tablehold.units set name = 'Standing tables by the bar' where id = tests.unit_id('the-vault', 'standing-tables');
select isnt(pg_temp.guest_etag(:'vault', '2026-11-27'), :'g3'::text, 'so does renaming a unit');

select pg_temp.guest_etag(:'nora', '2026-11-27', 4, '2026-11-27 19:00-05') as t0 \gset
update tablehold.turn_times set duration = duration + interval '30 minutes' where venue_id = :'nora';
select isnt(pg_temp.guest_etag(:'nora', '2026-11-27', 4, '2026-11-27 19:00-05'), :'t0'::text,
  'and a turn time edit, which decides whether a table is free for the party at that start');

-- the two views never share an ETag, and the conditional GET asks what the answer sends
select isnt(pg_temp.guest_etag(:'vault', '2026-11-27'), pg_temp.staff_etag(:'vault', '2026-11-27'),
  'guests and staff get different ETags for the same night');
select tests.authenticate_as_anon();
select is((select t.etag from public.availability_text(:'vault', '2026-11-27') t), public.availability_etag(:'vault', '2026-11-27'),
  'a guest''s snapshot carries the ETag availability_etag answers');
select is((select t.etag from public.availability_text(:'vault', '2026-11-27', 'early', 2) t),
  public.availability_etag(:'vault', '2026-11-27', 'early', 2), 'also narrowed to a slot and a party');
select tests.authenticate_as_seed_user('host@the-vault.test');
select is((select t.etag from public.availability_text(:'vault', '2026-11-27') t), public.availability_etag(:'vault', '2026-11-27'),
  'and so does a host''s');
select is((select t.etag from public.availability_text(:'vault', '2026-11-27', 'early', 2) t),
  public.availability_etag(:'vault', '2026-11-27', 'early', 2), 'narrowed too');
select tests.clear_authentication();
select is((select t.version from public.availability_text(:'vault', '2026-11-27') t),
  (select version from tablehold.channels where venue_id = :'vault' and service_date = '2026-11-27'),
  'the snapshot still says which channel version it reflects');

select * from finish();
rollback;
