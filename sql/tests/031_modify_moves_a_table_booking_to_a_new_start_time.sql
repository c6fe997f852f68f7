-- public.modify with a new start: the booking keeps its table at the new time and the old window
-- is free for someone else.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4, p_start => '2026-11-28 18:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset
select public.modify((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token', p_start => '2026-11-28 21:00-05') as moved \gset

select is((:'moved'::jsonb ->> 'starts_at')::timestamptz, '2026-11-28 21:00-05', 'the booking starts at 21:00');
select is((:'moved'::jsonb ->> 'ends_at')::timestamptz, '2026-11-28 23:00-05', 'and ends two hours later');
select is(:'moved'::jsonb #>> '{units,0,code}', 't3', 'on the same table');
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 4,
    p_start => '2026-11-28 18:00-05', p_unit_ids => array[tests.unit_id('nora-kitchen', 't3')],
    p_guest => '{"name": "Bo", "email": "bo@example.com"}') b), 'confirmed', 'another guest now books t3 at 18:00');

select * from finish();
rollback;
