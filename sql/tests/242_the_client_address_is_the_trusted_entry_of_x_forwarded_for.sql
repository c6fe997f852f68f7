-- tablehold.client_ip() reads the address the way PostgREST passes a request: request.headers ->>
-- 'x-forwarded-for', where each proxy appends the address it saw. With tablehold.trusted_proxy_hops
-- proxies trusted (default 1, Supabase's edge) the client is that many entries from the end, so what
-- a client writes into the header itself is never believed. No header, no trust, or an entry that is
-- not an address: no address (the caps per address then do not count the request).
begin;
select plan(11);

create function pg_temp.ip_for(p_headers text, p_hops text default null) returns inet language plpgsql as $$
begin
  perform set_config('request.headers', p_headers, true);
  perform set_config('tablehold.trusted_proxy_hops', coalesce(p_hops, ''), true);
  return tablehold.client_ip();
end $$;

select is(pg_temp.ip_for(''), null, 'no request.headers (a direct connection): no address');
select is(pg_temp.ip_for('{"user-agent": "curl"}'), null, 'no x-forwarded-for: no address');
select is(pg_temp.ip_for('{"x-forwarded-for": "203.0.113.7"}'), '203.0.113.7'::inet, 'one entry: that address');
select is(pg_temp.ip_for('{"x-forwarded-for": "1.2.3.4, 203.0.113.7"}'), '203.0.113.7'::inet,
  'by default the last entry, the one the trusted proxy wrote, not what the client wrote before it');
select is(pg_temp.ip_for('{"x-forwarded-for": "1.2.3.4,198.51.100.9 ,  10.0.0.2"}', '2'), '198.51.100.9'::inet,
  'two trusted proxies: the second entry from the end (spaces around commas allowed)');
select is(pg_temp.ip_for('{"x-forwarded-for": "198.51.100.9"}', '3'), '198.51.100.9'::inet,
  'fewer entries than trusted proxies: the first');
select is(pg_temp.ip_for('{"x-forwarded-for": "198.51.100.9"}', '0'), null, 'no proxy trusted: x-forwarded-for is ignored');
select is(pg_temp.ip_for('{"x-forwarded-for": "2001:db8::17"}'), '2001:db8::17'::inet, 'an IPv6 address');
select is(pg_temp.ip_for('{"x-forwarded-for": "1.2.3.4, not-an-address"}'), null, 'an entry that is not an address: none');
select is(pg_temp.ip_for('{not json'), null, 'malformed headers: none, never an error');
select is(pg_temp.ip_for('{"x-forwarded-for": "203.0.113.7"}', 'many'), null, 'a malformed hop count: none, never an error');

select * from finish();
rollback;
