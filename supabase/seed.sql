-- Demo venues for local development (`npm start`). Not a migration: never runs on production.
-- Three venues, each with a staff owner, manager and host:
--   copper-bar   (bar, seed 000): seat options 'table' and 'vip', counted per service date
--   the-vault    (club, seeds 002/003): sections on named slots; exclusive booths, a split-capacity
--                standing section, a mezzanine that needs manager approval; deposits, minimum
--                spends, 18+
--   nora-kitchen (restaurant, seed 001): areas, tables of different sizes, combinations, turn
--                times, a buffer and pacing
-- Fixed ids so demo tokens and docs can name them.

insert into auth.users (id, email, aud, role, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, email_confirmed_at)
select id::uuid, email, 'authenticated', 'authenticated', '{"provider":"email"}', '{}', now(), now(), now()
from (values
  ('00000000-0000-4000-8000-000000000101', 'owner@northern-nights.test'),
  ('00000000-0000-4000-8000-000000000102', 'manager@copper-bar.test'),
  ('00000000-0000-4000-8000-000000000103', 'host@copper-bar.test'),
  ('00000000-0000-4000-8000-000000000104', 'manager@the-vault.test'),
  ('00000000-0000-4000-8000-000000000105', 'host@the-vault.test'),
  ('00000000-0000-4000-8000-000000000201', 'owner@nora-dining.test'),
  ('00000000-0000-4000-8000-000000000202', 'manager@nora-kitchen.test'),
  ('00000000-0000-4000-8000-000000000203', 'host@nora-kitchen.test'),
  ('00000000-0000-4000-8000-000000000301', 'guest@example.test')
) u(id, email);

insert into tablehold.operators (id, slug, name) values
  ('00000000-0000-4000-a000-000000000001', 'northern-nights', 'Northern Nights Group'),
  ('00000000-0000-4000-a000-000000000002', 'nora-dining', 'Nora Dining Co.');

insert into tablehold.venues (id, operator_id, slug, name, kind, timezone, service_day_cutover, min_age, hold_ttl, requires_approval, default_turn, buffer, start_grid) values
  ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-a000-000000000001', 'copper-bar', 'The Copper Bar', 'bar', 'Europe/London', '05:00', null, '5 minutes', false, '2 hours', '0', '15 minutes'),
  ('00000000-0000-4000-b000-000000000002', '00000000-0000-4000-a000-000000000001', 'the-vault', 'The Vault', 'club', 'Europe/London', '06:00', 18, '5 minutes', false, '2 hours', '0', '15 minutes'),
  ('00000000-0000-4000-b000-000000000003', '00000000-0000-4000-a000-000000000002', 'nora-kitchen', 'Nora Kitchen', 'restaurant', 'America/New_York', '04:00', null, '5 minutes', false, '2 hours', '15 minutes', '15 minutes');
-- the-vault sells 26 units a night: one client address may hold 4 of them (the default is 8), one
-- guest 4 as everywhere (README, "Abuse limits")
update tablehold.venues set max_live_bookings_per_ip = 4
 where id = '00000000-0000-4000-b000-000000000002';

-- staff: the operator owner covers both of Northern Nights' venues
insert into tablehold.staff_members (user_id, operator_id, venue_id, role) values
  ('00000000-0000-4000-8000-000000000101', '00000000-0000-4000-a000-000000000001', null, 'owner'),
  ('00000000-0000-4000-8000-000000000102', null, '00000000-0000-4000-b000-000000000001', 'manager'),
  ('00000000-0000-4000-8000-000000000103', null, '00000000-0000-4000-b000-000000000001', 'host'),
  ('00000000-0000-4000-8000-000000000104', null, '00000000-0000-4000-b000-000000000002', 'manager'),
  ('00000000-0000-4000-8000-000000000105', null, '00000000-0000-4000-b000-000000000002', 'host'),
  ('00000000-0000-4000-8000-000000000201', '00000000-0000-4000-a000-000000000002', null, 'owner'),
  ('00000000-0000-4000-8000-000000000202', null, '00000000-0000-4000-b000-000000000003', 'manager'),
  ('00000000-0000-4000-8000-000000000203', null, '00000000-0000-4000-b000-000000000003', 'host');

-- copper-bar: open every day 16:00 to 01:00
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select '00000000-0000-4000-b000-000000000001', d, '16:00', '01:00' from generate_series(1, 7) d;
insert into tablehold.units (id, venue_id, code, name, unit_type, capacity_mode, booking_mode, capacity, min_covers, max_covers, deposit, min_spend, sort) values
  ('00000000-0000-4000-c001-000000000001', '00000000-0000-4000-b000-000000000001', 'table', 'Table', 'seat_option', 'pooled', 'date', 12, 1, 6, 0, 0, 1),
  ('00000000-0000-4000-c001-000000000002', '00000000-0000-4000-b000-000000000001', 'vip', 'VIP area', 'seat_option', 'pooled', 'date', 3, 1, 8, 50, 200, 2);

-- the-vault: Thursday to Saturday, 22:00 to 04:00; closed on New Year's Eve's eve for a private event
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select '00000000-0000-4000-b000-000000000002', d, '22:00', '04:00' from generate_series(4, 6) d;
insert into tablehold.opening_exceptions (venue_id, service_date, closed, note) values
  ('00000000-0000-4000-b000-000000000002', '2026-12-30', true, 'Private event');
insert into tablehold.areas (id, venue_id, name) values
  ('00000000-0000-4000-d002-000000000001', '00000000-0000-4000-b000-000000000002', 'upstairs'),
  ('00000000-0000-4000-d002-000000000002', '00000000-0000-4000-b000-000000000002', 'downstairs');
insert into tablehold.slots (venue_id, code, name, weekdays, starts, ends) values
  ('00000000-0000-4000-b000-000000000002', 'early', 'Early (22:00-01:00)', '{4,5,6}', '22:00', '01:00'),
  ('00000000-0000-4000-b000-000000000002', 'late', 'Late (01:00-04:00)', '{4,5,6}', '01:00', '04:00');
insert into tablehold.units (id, venue_id, area_id, code, name, unit_type, capacity_mode, booking_mode, capacity, min_covers, max_covers, premium, min_spend, deposit, requires_approval, sort) values
  ('00000000-0000-4000-c002-000000000001', '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-d002-000000000001', 'vip-booth-1', 'VIP Booth 1', 'booth', 'exclusive', 'slot', 1, 4, 10, true, 500, 100, false, 1),
  ('00000000-0000-4000-c002-000000000002', '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-d002-000000000001', 'vip-booth-2', 'VIP Booth 2', 'booth', 'exclusive', 'slot', 1, 4, 10, true, 500, 100, false, 2),
  ('00000000-0000-4000-c002-000000000003', '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-d002-000000000001', 'mezzanine', 'The Mezzanine', 'section', 'exclusive', 'slot', 1, 10, 30, true, 1500, 300, true, 3),
  ('00000000-0000-4000-c002-000000000004', '00000000-0000-4000-b000-000000000002', '00000000-0000-4000-d002-000000000002', 'standing-tables', 'Standing tables', 'section', 'pooled', 'slot', 10, 1, 6, false, 150, 25, false, 4);

-- nora-kitchen: Tuesday to Sunday 17:00 to 23:00, Friday and Saturday to midnight; closed Christmas Day
insert into tablehold.opening_hours (venue_id, weekday, opens, closes)
select '00000000-0000-4000-b000-000000000003', d, '17:00', case when d in (5, 6) then '00:00'::time else '23:00'::time end
from generate_series(2, 7) d;
insert into tablehold.opening_exceptions (venue_id, service_date, closed, note) values
  ('00000000-0000-4000-b000-000000000003', '2026-12-25', true, 'Christmas Day');
insert into tablehold.turn_times (venue_id, min_party, max_party, duration) values
  ('00000000-0000-4000-b000-000000000003', 1, 2, '90 minutes'),
  ('00000000-0000-4000-b000-000000000003', 3, 4, '2 hours'),
  ('00000000-0000-4000-b000-000000000003', 5, 12, '150 minutes');
insert into tablehold.areas (id, venue_id, name) values
  ('00000000-0000-4000-d003-000000000001', '00000000-0000-4000-b000-000000000003', 'main'),
  ('00000000-0000-4000-d003-000000000002', '00000000-0000-4000-b000-000000000003', 'terrace');
insert into tablehold.units (id, venue_id, area_id, code, name, unit_type, capacity_mode, booking_mode, min_covers, max_covers, premium, min_spend, sort) values
  ('00000000-0000-4000-c003-000000000001', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 't1', 'Table 1', 'table', 'exclusive', 'time', 1, 2, false, 0, 1),
  ('00000000-0000-4000-c003-000000000002', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 't2', 'Table 2', 'table', 'exclusive', 'time', 1, 2, false, 0, 2),
  ('00000000-0000-4000-c003-000000000003', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 't3', 'Table 3', 'table', 'exclusive', 'time', 2, 4, false, 0, 3),
  ('00000000-0000-4000-c003-000000000004', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 't4', 'Table 4', 'table', 'exclusive', 'time', 2, 4, false, 0, 4),
  ('00000000-0000-4000-c003-000000000005', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 't5', 'Table 5', 'table', 'exclusive', 'time', 4, 6, false, 0, 5),
  ('00000000-0000-4000-c003-000000000006', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000001', 'booth-1', 'Corner booth', 'booth', 'exclusive', 'time', 4, 6, true, 150, 6),
  ('00000000-0000-4000-c003-000000000007', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000002', 'p1', 'Terrace 1', 'table', 'exclusive', 'time', 1, 4, false, 0, 7),
  ('00000000-0000-4000-c003-000000000008', '00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000002', 'p2', 'Terrace 2', 'table', 'exclusive', 'time', 1, 4, false, 0, 8);
insert into tablehold.combinations (id, venue_id, name, min_party, max_party) values
  ('00000000-0000-4000-e003-000000000001', '00000000-0000-4000-b000-000000000003', 'Tables 3 + 4', 5, 8),
  ('00000000-0000-4000-e003-000000000002', '00000000-0000-4000-b000-000000000003', 'Terrace 1 + 2', 5, 8),
  ('00000000-0000-4000-e003-000000000003', '00000000-0000-4000-b000-000000000003', 'Tables 4 + 5', 7, 10);
insert into tablehold.combination_units (combination_id, unit_id) values
  ('00000000-0000-4000-e003-000000000001', '00000000-0000-4000-c003-000000000003'),
  ('00000000-0000-4000-e003-000000000001', '00000000-0000-4000-c003-000000000004'),
  ('00000000-0000-4000-e003-000000000002', '00000000-0000-4000-c003-000000000007'),
  ('00000000-0000-4000-e003-000000000002', '00000000-0000-4000-c003-000000000008'),
  ('00000000-0000-4000-e003-000000000003', '00000000-0000-4000-c003-000000000004'),
  ('00000000-0000-4000-e003-000000000003', '00000000-0000-4000-c003-000000000005');
insert into tablehold.pacing_rules (venue_id, area_id, per, max_covers) values
  ('00000000-0000-4000-b000-000000000003', null, '15 minutes', 16),
  ('00000000-0000-4000-b000-000000000003', '00000000-0000-4000-d003-000000000002', '15 minutes', 6);
