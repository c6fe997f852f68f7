-- Tests name the seed's rows (tests.venue_id('nora-kitchen'), tests.unit_id('the-vault', 'mezzanine'),
-- tests.user_id('host@the-vault.test'), ...) instead of spelling their ids. A name nothing has is a
-- mistake in the test: the lookup raises no_data_found saying which lookup and which name, and lists
-- the names there are (in its DETAIL) where the list is short, rather than handing a null to the engine.
begin;
select plan(15);

select is(tests.venue_id('nora-kitchen'), (select id from tablehold.venues where slug = 'nora-kitchen'),
  'a name the seed has gives its row''s id');

select throws_ok($$ select tests.operator_id('nobody') $$,
  'P0002', 'tests.operator_id: no operator has the slug ''nobody''', 'an unknown operator slug');
select throws_ok($$ select tests.venue_id('nowhere') $$,
  'P0002', 'tests.venue_id: no venue has the slug ''nowhere''', 'an unknown venue slug');
select throws_ok($$ select tests.unit_id('nora-kitchen', 't9') $$,
  'P0002', 'tests.unit_id: venue ''nora-kitchen'' has no unit ''t9''', 'an unknown unit code');
select throws_ok($$ select tests.unit_id('nowhere', 't1') $$,
  'P0002', 'tests.venue_id: no venue has the slug ''nowhere''', 'a unit of an unknown venue names the venue');
select throws_ok($$ select tests.unit_id('the-vault', 't1') $$,
  'P0002', 'tests.unit_id: venue ''the-vault'' has no unit ''t1''', 'a unit of another venue');
select throws_ok($$ select tests.slot_id('the-vault', 'brunch') $$,
  'P0002', 'tests.slot_id: venue ''the-vault'' has no slot ''brunch''', 'an unknown slot code');
select throws_ok($$ select tests.area_id('nora-kitchen', 'garden') $$,
  'P0002', 'tests.area_id: venue ''nora-kitchen'' has no area ''garden''', 'an unknown area name');
select throws_ok($$ select tests.combination_id('nora-kitchen', 'Tables 1 + 2') $$,
  'P0002', 'tests.combination_id: venue ''nora-kitchen'' has no combination ''Tables 1 + 2''', 'an unknown combination name');
select throws_ok($$ select tests.user_id('nobody@example.test') $$,
  'P0002', 'tests.user_id: no user has the email ''nobody@example.test''', 'an unknown user email');
select throws_ok($$ select tests.client_id('the-vault', 'nobody@example.test') $$,
  'P0002', 'tests.client_id: venue ''the-vault'' has no client with the email ''nobody@example.test''', 'an unknown client email');
select throws_ok($$ select tests.booking_id('BR-261127-NONE22') $$,
  'P0002', 'tests.booking_id: no booking has the reference ''BR-261127-NONE22''', 'an unknown booking reference');
select throws_ok($$ select tests.authenticate_as_seed_user('nobody@example.test') $$,
  'P0002', 'tests.user_id: no user has the email ''nobody@example.test''', 'signing in as an unknown user');

select is(tests.error_detail($$ select tests.unit_id('nora-kitchen', 't9') $$),
  '{"known": ["booth-1", "p1", "p2", "t1", "t2", "t3", "t4", "t5"]}'::jsonb, 'the DETAIL lists the venue''s units');
select is(tests.error_detail($$ select tests.slot_id('nora-kitchen', 'early') $$), '{"known": []}'::jsonb,
  'and says so when the venue has none');

select * from finish();
rollback;
