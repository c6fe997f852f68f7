-- SECURITY DEFINER functions run as their owner, so each pins search_path (Supabase's linter
-- flags those that don't), and the callable surface in public is all SECURITY DEFINER doors.
begin;
select plan(2);
select tests.freeze_time('2026-11-25 12:00Z');

select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace in ('public'::regnamespace, 'tablehold'::regnamespace) and p.prosecdef
    and not exists (select 1 from unnest(p.proconfig) c where c like 'search_path=%') $$,
  'every SECURITY DEFINER function in public and tablehold sets its search_path');
select is_empty($$
  select p.oid::regprocedure::text from pg_proc p
  where p.pronamespace = 'public'::regnamespace and not p.prosecdef $$,
  'every function in public is a SECURITY DEFINER door into the private schema');

select * from finish();
rollback;
