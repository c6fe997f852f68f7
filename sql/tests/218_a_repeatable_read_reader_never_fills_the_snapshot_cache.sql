-- Only a READ COMMITTED reader writes the snapshot cache: at REPEATABLE READ or SERIALIZABLE a row
-- another reader committed after this transaction's snapshot would be a serialization failure. A
-- repeatable-read guest gets the snapshot computed, and nothing is cached (rows committed before
-- its snapshot began are served to it as to anyone).
begin;
set transaction isolation level repeatable read;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select id as copper from tablehold.venues where slug = 'copper-bar' \gset

select tests.authenticate_as_anon();
select is((public.availability(:'copper', '2026-11-27') -> 'version')::bigint, 0::bigint, 'a repeatable-read guest reads the night');
select is(jsonb_path_query_first(public.availability(:'copper', '2026-11-27', p_party_size => 30), '$.units[*] ? (@.code == "vip").fits_party'),
  'false', 'with or without a party');
select tests.clear_authentication();
select is((select count(*) from tablehold.snapshot_cache where venue_id = :'copper'), 0::bigint, 'and caches nothing');

select * from finish();
rollback;
