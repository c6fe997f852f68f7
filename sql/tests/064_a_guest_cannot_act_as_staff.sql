-- FORBIDDEN for guests: overriding the rules, booking as source "staff", or choosing tables when
-- changing their own booking.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

prepare guest_books(text, boolean) as select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2,
  p_start => '2027-06-30 19:00-04', p_source => $1, p_override => $2, p_guest => '{"name": "Ada", "email": "ada@example.com"}');
select throws_ok($$ execute guest_books('web', true) $$, 'TH011', 'You are not allowed to do that.',
  'a guest cannot override the horizon');
select throws_ok($$ execute guest_books('staff', false) $$, 'TH011', 'You are not allowed to do that.',
  'a guest cannot book as staff');

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00-05',
  p_guest => '{"name": "Ada", "email": "ada@example.com"}') as booking \gset
select throws_ok(format('select public.modify(%L, %L, p_unit_ids => %L)', :'booking'::jsonb ->> 'id', :'booking'::jsonb ->> 'manage_token',
    array[tests.unit_id('nora-kitchen', 'booth-1')]),
  'TH011', 'You are not allowed to do that.', 'a guest cannot move their booking to a table of their choosing');

select * from finish();
rollback;
