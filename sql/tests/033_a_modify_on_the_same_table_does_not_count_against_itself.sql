-- Moving a booking by half an hour keeps its table even though the new window overlaps the old:
-- the booking's own allocation is released before the new one is checked.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-27 19:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')],
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset
select public.modify((:'booking'::jsonb ->> 'id')::uuid, :'booking'::jsonb ->> 'manage_token', p_start => '2026-11-27 19:30-05') as moved \gset

select is(:'moved'::jsonb #>> '{units,0,code}', 't5', 'the booking stays on t5');
select is((:'moved'::jsonb ->> 'starts_at')::timestamptz, '2026-11-27 19:30-05', 'half an hour later');

select tests.clear_authentication();
select results_eq(format($$ select during from tablehold.allocations where booking_id = %L and active $$, :'booking'::jsonb ->> 'id'),
  $$ values (tstzrange('2026-11-27 19:30-05', '2026-11-27 22:15-05')) $$, 'with exactly one active allocation, for the new window');

select * from finish();
rollback;
