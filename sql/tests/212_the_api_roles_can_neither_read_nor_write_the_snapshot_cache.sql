-- The snapshot cache and the venues' configuration versions are the engine's: guests (anon) and
-- signed-in users can neither read nor write them, even though a guest's availability read fills
-- the cache (public.availability writes it as its owner). Only the service role may read them.
begin;
select plan(12);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset

select tests.authenticate_as_anon();
select ok(public.availability(:'copper', '2026-11-27') is not null, 'a guest reads availability');
select throws_ok($$ select * from tablehold.snapshot_cache $$, '42501', 'permission denied for schema tablehold',
  'but cannot read the cache it filled');
select throws_ok(format($$ insert into tablehold.snapshot_cache (venue_id, service_date, version, config_version, computed_at, snapshot)
    values (%L, '2026-11-28', 0, 0, now(), '{"units": []}') $$, :'copper'), '42501', 'permission denied for schema tablehold',
  'nor plant a snapshot in it');
select throws_ok($$ update tablehold.config_versions set version = 0 $$, '42501', 'permission denied for schema tablehold',
  'nor touch the configuration versions');

select tests.clear_authentication();
select from tests.create_supabase_user('snooper');
select tests.authenticate_as('snooper');
select throws_ok($$ select * from tablehold.snapshot_cache $$, '42501', 'permission denied for table snapshot_cache',
  'a signed-in user cannot read the cache');
select throws_ok($$ update tablehold.snapshot_cache set snapshot = '{}' $$, '42501', 'permission denied for table snapshot_cache',
  'nor rewrite it');
select throws_ok($$ delete from tablehold.snapshot_cache $$, '42501', 'permission denied for table snapshot_cache',
  'nor empty it');
select throws_ok($$ select * from tablehold.config_versions $$, '42501', 'permission denied for table config_versions',
  'nor read the configuration versions');
select throws_ok($$ select tablehold.cached_night_snapshot(v, '2026-11-27') from tablehold.venues v $$, '42501',
  'permission denied for function cached_night_snapshot', 'nor call the cache''s writer directly');

select tests.authenticate_as_service_role();
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'copper' and service_date = '2026-11-27'), 1::bigint,
  'the service role reads the cache: the guest''s read is in it');
select tests.clear_authentication();

select ok(not has_table_privilege('anon', 'tablehold.snapshot_cache', 'select, insert, update, delete, truncate')
      and not has_table_privilege('authenticated', 'tablehold.snapshot_cache', 'select, insert, update, delete, truncate'),
  'no API role holds any privilege on the cache');
select policies_are('tablehold', 'snapshot_cache', array['only the server reads the snapshot cache'],
  'its one policy is for the server');

select * from finish();
rollback;
