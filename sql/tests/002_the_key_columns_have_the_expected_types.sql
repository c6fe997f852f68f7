-- The columns the engine's guarantees rest on, with the types that make those guarantees hold.
begin;
select plan(20);
select tests.freeze_time('2026-11-25 12:00Z');

select enum_has_labels('tablehold', 'booking_status',
  array['held', 'pending_approval', 'confirmed', 'seated', 'completed', 'cancelled', 'expired', 'rejected', 'no_show'],
  'booking_status has the nine states of the machine, in order');
select enum_has_labels('tablehold', 'capacity_mode', array['pooled', 'exclusive'], 'capacity_mode is pooled or exclusive');
select enum_has_labels('tablehold', 'booking_mode', array['slot', 'date', 'time'], 'booking_mode is slot, date or time');

select col_type_is('tablehold', 'bookings', 'status', 'tablehold.booking_status', 'bookings.status is a booking_status');
select col_type_is('tablehold', 'bookings', 'during', 'tstzrange', 'bookings.during is a tstzrange');
select col_type_is('tablehold', 'bookings', 'party_size', 'integer', 'bookings.party_size is an integer');
select col_type_is('tablehold', 'bookings', 'deposit_total', 'numeric(10,2)', 'bookings.deposit_total is money-shaped');
select col_type_is('tablehold', 'bookings', 'min_spend_total', 'numeric(10,2)', 'bookings.min_spend_total is money-shaped');
select col_type_is('tablehold', 'bookings', 'hold_expires_at', 'timestamp with time zone', 'bookings.hold_expires_at is a timestamptz');
select col_not_null('tablehold', 'bookings', 'reference', 'every booking has a reference');
select col_is_unique('tablehold', 'bookings', array['reference'], 'booking references are unique');

select col_type_is('tablehold', 'allocations', 'during', 'tstzrange', 'allocations.during is a tstzrange');
select col_type_is('tablehold', 'allocations', 'quantity', 'integer', 'allocations.quantity is an integer');
select col_type_is('tablehold', 'allocations', 'active', 'boolean', 'allocations.active is a boolean');
select col_type_is('tablehold', 'units', 'capacity_mode', 'tablehold.capacity_mode', 'units.capacity_mode is a capacity_mode');
select col_type_is('tablehold', 'units', 'booking_mode', 'tablehold.booking_mode', 'units.booking_mode is a booking_mode');
select col_type_is('tablehold', 'venues', 'hold_ttl', 'interval', 'venues.hold_ttl is an interval');

select col_type_is('public', 'availability_events', 'version', 'bigint', 'availability_events.version is a bigint');
select col_is_unique('public', 'availability_events', array['venue_id', 'service_date', 'version'],
  'one event per channel version');
select col_type_is('tablehold', 'error_codes', 'sqlstate', 'character(5)', 'error_codes.sqlstate is a five-character SQLSTATE');

select * from finish();
rollback;
