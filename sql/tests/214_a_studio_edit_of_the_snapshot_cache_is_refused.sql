-- Only the engine writes the snapshot cache and the venues' configuration versions: a staff member
-- editing them in Studio (as postgres) is refused with DIRECT_EDIT_REFUSED, whether inserting a
-- forged snapshot, rewriting or deleting a cached one, truncating, or moving a configuration
-- version back. Guests keep reading the true availability afterwards.
begin;
select plan(9);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset

select tests.authenticate_as_anon();
select from public.availability(:'copper', '2026-11-27');
select tests.clear_authentication();

select throws_ok(format($$ insert into tablehold.snapshot_cache (venue_id, service_date, version, config_version, computed_at, snapshot)
    values (%L, '2026-11-28', 0, 0, now(), '{"units": []}') $$, :'copper'),
  'TH017', 'This change must go through tablehold''s functions.', 'inserting a snapshot is refused');
select throws_ok($$ update tablehold.snapshot_cache set snapshot = jsonb_set(snapshot, '{units}', '[]') $$,
  'TH017', 'This change must go through tablehold''s functions.', 'rewriting a cached snapshot is refused');
select throws_ok($$ delete from tablehold.snapshot_cache $$,
  'TH017', 'This change must go through tablehold''s functions.', 'deleting one is refused');
select throws_ok($$ truncate tablehold.snapshot_cache $$,
  'TH017', 'This change must go through tablehold''s functions.', 'truncating the cache is refused');
select throws_ok(format($$ update tablehold.config_versions set version = version - 1 where venue_id = %L $$, :'copper'),
  'TH017', 'This change must go through tablehold''s functions.', 'moving a configuration version back is refused');
select throws_ok($$ truncate tablehold.config_versions $$,
  'TH017', 'This change must go through tablehold''s functions.', 'and so is truncating the configuration versions');
select is(tests.error_detail($$ delete from tablehold.snapshot_cache $$) ->> 'problem',
  'only the engine writes this table: it is the availability snapshot cache', 'the refusal says what the table is');

select tests.authenticate_as_anon();
select is(jsonb_path_query_first(public.availability(:'copper', '2026-11-27'), '$.units[*] ? (@.code == "vip").keys[0].remaining'), '3',
  'guests still read the true availability');
select tests.clear_authentication();
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'copper'), 1::bigint, 'from the one cached row');

select * from finish();
rollback;
