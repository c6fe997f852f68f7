-- INVALID_PARTY_SIZE: outside the venue's party limits, outside a unit's covers, more than a pooled
-- section can ever seat, or joined tables that are not an allowed combination for the party.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_at_kitchen(int, uuid[]) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'),
  p_party_size => $1, p_start => '2026-11-27 19:00-05', p_unit_ids => $2, p_guest => '{"name": "Ada", "email": "ada@example.com"}');

select throws_ok($$ execute book_at_kitchen(51, null) $$, 'TH004', 'That party size can''t be booked here.',
  'a party above the venue''s max_party (50)');
select throws_ok($$ execute book_at_kitchen(0, null) $$, 'TH004', 'That party size can''t be booked here.',
  'a party of nobody');
select throws_ok($$ execute book_at_kitchen(3, array[tests.unit_id('nora-kitchen', 't1')]) $$,
  'TH004', 'That party size can''t be booked here.', 'three at a two-seat table');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 2, p_date => '2026-11-27',
    p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
    p_guest => '{"name": "Kit", "email": "kit@example.com", "date_of_birth": "1995-03-14"}') $$,
  'TH004', 'That party size can''t be booked here.', 'two in a booth whose minimum is four');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('copper-bar'), p_party_size => 25, p_date => '2026-11-27',
    p_unit_ids => array[tests.unit_id('copper-bar', 'vip')], p_guest => '{"name": "Ada", "email": "ada@example.com"}') $$,
  'TH004', 'That party size can''t be booked here.', '25 in a vip area that seats 3 x 8 at most');
select throws_ok($$ execute book_at_kitchen(7, array[tests.unit_id('nora-kitchen', 't1'), tests.unit_id('nora-kitchen', 't5')]) $$,
  'TH004', 'That party size can''t be booked here.', 'a guest joining t1 and t5, which are no allowed combination');
select throws_ok($$ execute book_at_kitchen(4, array[tests.unit_id('nora-kitchen', 't3'), tests.unit_id('nora-kitchen', 't4')]) $$,
  'TH004', 'That party size can''t be booked here.', 't3 + t4 for four, below that combination''s range of 5 to 8');

select * from finish();
rollback;
