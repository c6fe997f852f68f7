-- References are random (BR-YYMMDD-XXXXXX); when one collides with another booking's, the engine
-- draws again instead of failing the guest's booking.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');

-- a reference generator that repeats itself once: AAAAAA, AAAAAA, then BBBBBB
create temporary sequence draws;
create or replace function tablehold.new_reference(p_prefix text, p_date date)
returns text language sql volatile set search_path = '' as $$
  select p_prefix || '-' || to_char(p_date, 'YYMMDD') || '-' || case when nextval('pg_temp.draws') <= 2 then 'AAAAAA' else 'BBBBBB' end
$$;

select is(
  public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Ada", "email": "ada@example.test"}') ->> 'reference',
  'BR-261127-AAAAAA', 'the first booking takes the first reference');
select is(
  public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-27',
    p_unit_ids => array[tests.unit_id('copper-bar', 'table')], p_guest => '{"name": "Bo", "email": "bo@example.test"}') ->> 'reference',
  'BR-261127-BBBBBB', 'the second draws again after the collision and is booked');
select is((select count(*)::int from tablehold.bookings where service_date = '2026-11-27' and venue_id = tests.venue_id('copper-bar')),
  2, 'both bookings exist');

select * from finish();
rollback;
