-- plpgsql_check every trigger function of the engine against the table it fires on
-- (supabase db lint checks only functions it can call without a relation). Prints one line per error.
select format('%s on %s, line %s: %s', p.oid::regprocedure, t.tgrelid::regclass, c.lineno, c.message)
from pg_trigger t
join pg_proc p on p.oid = t.tgfoid
join pg_namespace n on n.oid = p.pronamespace
cross join lateral extensions.plpgsql_check_function_tb(p.oid, t.tgrelid) c
where n.nspname = 'tablehold' and not t.tgisinternal and c.level = 'error';
