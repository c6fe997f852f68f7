-- PostgREST runs a GET /rpc/availability in a read-only transaction. The guest snapshot is then
-- computed and served, and nothing is written to the cache; a cached night is still served from it.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset
select id as vault from tablehold.venues where slug = 'the-vault' \gset

select tests.authenticate_as_anon();
select from public.availability(:'vault', '2026-11-27');  -- cached while the transaction may still write
set transaction read only;
select is(jsonb_path_query_first(public.availability(:'copper', '2026-11-27'), '$.units[*] ? (@.code == "vip").keys[0].remaining'), '3',
  'a read-only transaction gets copper-bar''s snapshot');
select is((public.availability(:'vault', '2026-11-27') -> 'version')::bigint, 0::bigint, 'and the-vault''s, cached before');
select tests.clear_authentication();
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'copper'), 0::bigint, 'copper-bar''s night was not cached');
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'vault'), 1::bigint, 'the-vault''s is there as before');

select * from finish();
rollback;
