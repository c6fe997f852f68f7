-- A trusted session (a service-role batch, a psql operator) runs several operations in one
-- transaction: a cancel with a reason, a booking with a manager override, then a plain booking and
-- a Studio edit. Each audit row carries only its own operation's reason and override.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 19:00 America/New_York') ->> 'id' as first \gset
select public.cancel(:'first', p_reason => 'guest called') ->> 'status' as cancelled \gset
select max(id) as after_cancel from tablehold.audit_log \gset
select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:00 America/New_York') ->> 'id' as second \gset

select is((select count(*) from tablehold.audit_log where id > :after_cancel and reason is not null), 0::bigint,
  'the next booking''s rows do not repeat the cancel''s reason');

select public.book(p_venue_id => tests.venue_id('nora-kitchen'), p_party_size => 2, p_start => '2026-11-27 20:30 America/New_York', p_override => true) ->> 'id' as overridden \gset
select max(id) as after_override from tablehold.audit_log \gset
select is((select bool_and(override) from tablehold.audit_log where entity_id = :'overridden' or after ->> 'booking_id' = :'overridden'),
  true, 'the overriding booking''s rows are marked override');
select public.cancel(:'second') ->> 'status' as cancelled_second \gset
update tablehold.bookings set occasion = 'birthday' where id = :'first';
select is((select count(*) from tablehold.audit_log where id > :after_override and override), 0::bigint,
  'a later cancel and Studio edit are not marked override');
select is((select count(*) from tablehold.audit_log where id > :after_override and reason is not null), 0::bigint,
  'and carry no reason they were not given');

select * from finish();
rollback;
