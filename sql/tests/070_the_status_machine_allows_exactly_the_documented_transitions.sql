-- The booking status machine, spelled out: held -> confirmed | pending_approval | cancelled |
-- expired; pending_approval -> confirmed | rejected | cancelled; confirmed -> seated | cancelled |
-- no_show; seated -> completed; an expired hold may be re-taken (confirmed or sent for approval).
-- Widening or narrowing the machine must be a deliberate change to this list.
begin;
select plan(4);
select tests.freeze_time('2026-11-25 12:00Z');

create temp view pairs as
  select f, t, tablehold.transition_allowed(f, t) as allowed
  from unnest(enum_range(null::tablehold.booking_status)) f, unnest(enum_range(null::tablehold.booking_status)) t;

select set_eq($$ select f::text, t::text from pairs where allowed $$,
  $$ values ('held', 'confirmed'), ('held', 'pending_approval'), ('held', 'cancelled'), ('held', 'expired'),
            ('pending_approval', 'confirmed'), ('pending_approval', 'rejected'), ('pending_approval', 'cancelled'),
            ('confirmed', 'seated'), ('confirmed', 'cancelled'), ('confirmed', 'no_show'),
            ('seated', 'completed'),
            ('expired', 'confirmed'), ('expired', 'pending_approval') $$,
  'transition_allowed allows exactly the 13 documented transitions');
select is((select count(*)::int from pairs where not allowed and f <> t), 59, 'and refuses the other 59 changes of status');
select is_empty($$ select f from pairs where allowed and t::text in ('held') $$, 'nothing goes back to held');
select set_eq($$ select s::text from unnest(enum_range(null::tablehold.booking_status)) s where tablehold.status_holds_inventory(s) $$,
  array['held', 'pending_approval', 'confirmed', 'seated'], 'held, pending, confirmed and seated bookings hold inventory; the rest do not');

select * from finish();
rollback;
