-- Staff may join any tables that seat a party (t1 + t5 for seven, not an advertised combination).
-- When the guest later moves that booking by half an hour with their manage token, the party and
-- its tables stay as staff arranged them; the time change alone is judged, not the staff's choice.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');

-- nora-kitchen's host takes a phone booking for seven
select tests.authenticate_as_seed_user('host@nora-kitchen.test');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 7, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't1'), tests.unit_id('nora-kitchen', 't5')], p_source => 'staff',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset

select tests.authenticate_as_anon();
select lives_ok(format('select public.modify(%L, %L, p_start => %L)', :'booking'::jsonb ->> 'id', :'booking'::jsonb ->> 'manage_token',
    '2026-11-27 19:30-05'),
  'the guest moves the booking to 19:30');
select is(jsonb_path_query_array(public.availability(tests.venue_id('nora-kitchen'), '2026-11-27'),
    '$.units[*] ? (@.busy[0].starts_at == "2026-11-28T00:30:00+00:00").code'),
  '["t1", "t5"]'::jsonb, 'and keeps t1 and t5, now from 19:30');

select * from finish();
rollback;
