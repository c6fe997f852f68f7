-- With 19:00 already at nora-kitchen's 16-cover pace, the manager may still seat a couple there by
-- overriding; the host may not. The override is written on the booking's audit row.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select is(count(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => n, p_start => '2026-11-27 19:00 America/New_York')),
  3::bigint, 'parties of 6, 6 and 4 fill 19:00') from unnest(array[6, 6, 4]) n;

select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select throws_ok(
  $$select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_override => true)$$,
  'TH011', 'You are not allowed to do that.', 'the host cannot override');

select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York', p_override => true) ->> 'id' as overridden \gset
select tests.clear_authentication();

select is((select status::text || ' ' || party_size from tablehold.bookings where id = :'overridden'), 'confirmed 2',
  'the manager''s override books an 18th cover at 19:00');
select is(
  (select array_agg(distinct entity || ':' || override::text || ':' || actor_role) from tablehold.audit_log
    where entity_id = :'overridden' or after ->> 'booking_id' = :'overridden'),
  array['bookings:true:authenticated'],
  'the booking''s one audit row (its allocations inside) is marked override, by an authenticated user');
select is((select count(*) from tablehold.audit_log where override and entity_id <> :'overridden' and coalesce(after ->> 'booking_id', '') <> :'overridden'),
  0::bigint, 'no other audit row is marked override');

select * from finish();
rollback;
