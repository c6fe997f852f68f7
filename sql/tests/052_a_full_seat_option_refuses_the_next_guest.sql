-- SECTION_NOT_AVAILABLE: the copper-bar's vip area has 3 units; once they are taken for the
-- night, the next guest is refused, however small the party.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select is(public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 17, p_date => '2026-11-28',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') #>> '{units,0,quantity}',
  '3', 'a party of 17 takes all three vip units');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 1, p_date => '2026-11-28',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Bo", "email": "bo@example.com"}') $$,
  'TH001', 'Sorry, this option is no longer available.', 'the next guest is refused');
select throws_ok($$ select public.hold(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 2, p_date => '2026-11-28',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Cy", "email": "cy@example.com"}') $$,
  'TH001', 'Sorry, this option is no longer available.', 'and cannot even hold it');

select * from finish();
rollback;
