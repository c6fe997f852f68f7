-- Nothing on the booking path touches the snapshot cache: a cached night is served while its
-- channel version and the venue's configuration version are those it was computed at, and a new
-- version of either makes it stale by itself. The next guest read then computes the night again
-- and overwrites the night's one row.
begin;
select plan(10);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset
select id as lounge from tablehold.units where code = 'table' and venue_id = :'copper' \gset

create function pg_temp.cached(p_venue uuid, p_date date) returns table (version bigint, config_version bigint, computed_at timestamptz, remaining int)
language sql as $$
  select c.version, c.config_version, c.computed_at, (jsonb_path_query_first(c.snapshot, '$.units[0].keys[0].remaining'))::int
  from tablehold.snapshot_cache c where c.venue_id = p_venue and c.service_date = p_date;
$$;
select coalesce((select version from tablehold.config_versions where venue_id = :'copper'), 0) as config0 \gset

select from tests.availability_as_guest(:'copper', '2026-11-27');
select is((select (c.version, c.config_version, c.computed_at, c.remaining) from pg_temp.cached(:'copper', '2026-11-27') c),
  (0::bigint, :config0::bigint, '2026-11-25 12:00Z'::timestamptz, 12), 'a guest read caches the night at version 0 and the venue''s configuration version');

select tests.freeze_time('2026-11-25 12:01Z');
select from tests.availability_as_guest(:'copper', '2026-11-27');
select is((select c.computed_at from pg_temp.cached(:'copper', '2026-11-27') c), '2026-11-25 12:00Z'::timestamptz,
  'a minute later, with nothing changed, the cached row is served as it is');

select from public.book(p_venue_id => :'copper', p_party_size => 6, p_date => '2026-11-27', p_unit_ids => array[:'lounge']::uuid[],
  p_guest => '{"name": "Ada", "email": "ada@example.test"}');
select is((select c.version from pg_temp.cached(:'copper', '2026-11-27') c), 0::bigint,
  'a booking moves the channel to version 1 and leaves the cache alone');
select is((tests.availability_as_guest(:'copper', '2026-11-27') -> 'version')::bigint, 1::bigint, 'the next guest read is at version 1');
select is((select (c.version, c.computed_at, c.remaining) from pg_temp.cached(:'copper', '2026-11-27') c),
  (1::bigint, '2026-11-25 12:01Z'::timestamptz, 11), 'computed again, with the table taken');
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'copper' and service_date = '2026-11-27'), 1::bigint,
  'in the night''s one row: the stale version is gone');

update tablehold.units set name = 'Standing table' where id = :'lounge';
select is((select version from tablehold.config_versions where venue_id = :'copper'), (:config0 + 1)::bigint,
  'renaming a unit in Studio bumps the venue''s configuration version (no availability event)');
select is((select c.version from tablehold.channels c where c.venue_id = :'copper' and c.service_date = '2026-11-27'), 1::bigint,
  'while the channel stays at version 1');
select is(jsonb_path_query_first(tests.availability_as_guest(:'copper', '2026-11-27'), '$.units[0].name'), '"Standing table"',
  'so the next guest read shows the new name');
select is((select c.config_version from pg_temp.cached(:'copper', '2026-11-27') c), (:config0 + 1)::bigint,
  'and caches it under the new configuration version');

select * from finish();
rollback;
