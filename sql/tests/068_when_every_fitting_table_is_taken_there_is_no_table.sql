-- NO_TABLE_AVAILABLE: auto-assignment for six at nora-kitchen can use t5, the booth, or the
-- joined p1+p2 and t3+t4. With all four taken (bookings staggered to stay within pacing), the
-- fifth party of six gets no table; and nothing ever seats twelve.
begin;
select plan(3);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select is(array_agg(b #>> '{units,0,code}' order by s), array['t5', 'booth-1', 'p1', 't3'],
  'four parties of six take t5, the booth, p1+p2 and t3+t4')
from generate_series(0, 3) s,
  lateral public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6,
    p_start => '2026-11-27 19:00-05'::timestamptz + s * interval '15 minutes',
    p_guest => jsonb_build_object('name', 'Party ' || s, 'email', 'party' || s || '@example.com')) b;

select throws_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 6,
    p_start => '2026-11-27 20:00-05', p_guest => '{"name": "Fifth", "email": "fifth@example.com"}') $$,
  'TH016', 'Sorry, no table is free for that party size at that time.', 'the fifth party of six at 20:00 gets no table');
select throws_ok($$ select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 12,
    p_start => '2026-11-28 17:00-05', p_guest => '{"name": "Dozen", "email": "dozen@example.com"}') $$,
  'TH016', 'Sorry, no table is free for that party size at that time.', 'no table or combination seats twelve, even on an empty night');

select * from finish();
rollback;
