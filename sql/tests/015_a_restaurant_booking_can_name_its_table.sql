-- A guest may ask for a particular table: nora-kitchen's corner booth (4-6, premium, minimum
-- spend 150). The booking takes exactly that table and snapshots its minimum spend.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');
select tests.authenticate_as_anon();

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 5, p_start => '2026-11-28 20:00-05',
  p_unit_ids => array[tests.unit_id('nora-kitchen', 'booth-1')], p_special_requests => 'high chair',
  p_guest => '{"name": "Dee", "email": "dee@example.com", "phone": "+1 212 555 0100"}') as booking \gset

select is(:'booking'::jsonb ->> 'status', 'confirmed', 'the booking is confirmed');
select is(:'booking'::jsonb #>> '{units,0,code}', 'booth-1', 'on the corner booth the guest chose');
select is((:'booking'::jsonb ->> 'min_spend_total')::numeric, 150.00, 'with the booth''s minimum spend');
select is((:'booking'::jsonb ->> 'ends_at')::timestamptz - (:'booking'::jsonb ->> 'starts_at')::timestamptz,
  interval '150 minutes', 'a party of 5 stays 150 minutes');
select is(:'booking'::jsonb ->> 'special_requests', 'high chair', 'the special request is kept');

select * from finish();
rollback;
