-- public.block / public.unblock: a manager takes t5 out of the evening for a repair. Nobody can
-- book it over the blocked window until the block is lifted.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_seed_user('manager@nora-kitchen.test');

select public.block(p_venue_id => tests.venue_id('nora-kitchen'), p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')],
  p_reason => 'wobbly leg', p_start => '2026-11-27 18:00-05', p_end => '2026-11-27 21:00-05') as block \gset
select is(:'block'::jsonb ->> 'kind', 'block', 'the manager''s block is a block');
select matches(:'block'::jsonb ->> 'reference', '^BL-261127-[A-HJ-NP-Z2-9]{6}$', 'with a BL- reference');
select is(array[:'block'::jsonb ->> 'status', :'block'::jsonb ->> 'block_reason'], array['confirmed', 'wobbly leg'], 'in force, with its reason');

select tests.authenticate_as_anon();
prepare book_t5 as select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5,
  p_start => '2026-11-27 19:00-05', p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')],
  p_guest => '{"name": "Cy", "email": "cy@example.com"}');
select throws_ok('execute book_t5', 'TH002', 'Sorry, this table is no longer available at that time.', 'a guest cannot book the blocked table');
select isnt(public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6, p_start => '2026-11-27 18:30-05',
    p_guest => '{"name": "Di", "email": "di@example.com"}') #>> '{units,0,code}', 't5', 'auto-assignment passes over it');

select tests.authenticate_as_seed_user('manager@nora-kitchen.test');
select is(public.unblock((:'block'::jsonb ->> 'id')::uuid) ->> 'status', 'cancelled', 'the manager lifts the block');
select tests.authenticate_as_anon();
select is((select b ->> 'status' from public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5,
  p_start => '2026-11-27 19:00-05', p_unit_ids => array[tests.unit_id('nora-kitchen', 't5')],
  p_guest => '{"name": "Cy", "email": "cy@example.com"}') b), 'confirmed', 'and the guest books t5');

select * from finish();
rollback;
