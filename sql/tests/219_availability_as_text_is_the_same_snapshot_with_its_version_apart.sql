-- public.availability_text is what the Edge route sends: the same snapshot as public.availability,
-- as JSON text, with the channel version it reflects apart. A guest's whole night comes from the
-- cache's text with the reader's as_of put in front; a party, slot or start, and the staff view,
-- are public.availability's answer as text.
begin;
select plan(7);
select tests.freeze_time('2026-11-25 12:00Z');
select id as vault from tablehold.venues where slug = 'the-vault' \gset
select id as standing from tablehold.units where code = 'standing-tables' and venue_id = :'vault' \gset
select from public.book(p_venue_id => :'vault', p_party_size => 12, p_date => '2026-11-27', p_slot => 'early',
  p_unit_ids => array[:'standing']::uuid[], p_guest => '{"name": "Ada", "email": "ada@example.test", "date_of_birth": "1990-01-01"}');

-- (version, snapshot as jsonb) from the text door, and public.availability's snapshot, for a caller
create function pg_temp.both(p_slot text, p_party int) returns table (version bigint, as_text jsonb, as_jsonb jsonb) language sql as $$
  select t.version, t.snapshot::jsonb, public.availability(tests.venue_id('the-vault'), '2026-11-27', p_slot, p_party)
  from public.availability_text(tests.venue_id('the-vault'), '2026-11-27', p_slot, p_party) t;
$$;

select tests.authenticate_as_anon();
select from public.availability(:'vault', '2026-11-27');  -- cached now
select tests.freeze_time('2026-11-25 12:00:30Z');
select is((select (b.as_text - 'as_of') = (b.as_jsonb - 'as_of') from pg_temp.both(null, null) b), true,
  'a guest''s whole night as text is the same snapshot');
select is((select (b.version, b.as_text ->> 'version') from pg_temp.both(null, null) b), (1::bigint, '1'::text),
  'with its version apart and in it');
select is((select b.as_text ->> 'as_of' from pg_temp.both(null, null) b), '2026-11-25T12:00:30+00:00',
  'and as_of the reader''s clock, not when it was cached (12:00)');
select is((select left(snapshot, 11) from public.availability_text(:'vault', '2026-11-27')), '{"as_of": "',
  'the cached text is passed through with as_of put in front');
select is((select (b.as_text - 'as_of') = (b.as_jsonb - 'as_of') from pg_temp.both('early', 6) b), true,
  'a slot and a party: the same snapshot too');
select tests.clear_authentication();

select tests.authenticate_as_seed_user('host@the-vault.test');
select is((select (b.as_text - 'as_of') = (b.as_jsonb - 'as_of') from pg_temp.both(null, null) b), true,
  'the host''s staff view too');
select ok((select jsonb_path_exists(b.as_text, 'strict $.**.staff_state') from pg_temp.both(null, null) b),
  'which has the staff states');
select tests.clear_authentication();

select * from finish();
rollback;
