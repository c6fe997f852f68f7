-- UNDERAGE: the-vault is 18+. Age is taken on the service date: a guest whose 18th birthday is
-- the day after is refused, one who turns 18 that day is welcome.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare book_booth(text) as select public.book(p_venue_id => tests.venue_id('the-vault'), p_party_size => 4,
  p_date => '2026-11-27', p_slot => 'early', p_unit_ids => array[tests.unit_id('the-vault', 'vip-booth-1')],
  p_guest => jsonb_build_object('name', 'Jo', 'email', 'jo@example.com', 'date_of_birth', $1));

select throws_ok($$ execute book_booth('2008-11-28') $$, 'TH007', 'Sorry, guests must meet the venue''s minimum age.',
  'a guest still 17 on the night is refused');
select lives_ok($$ execute book_booth('2008-11-27') $$, 'a guest turning 18 that day is booked');

select * from finish();
rollback;
