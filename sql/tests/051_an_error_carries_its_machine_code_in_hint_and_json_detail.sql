-- Every domain error reaches the caller as SQLSTATE + guest MESSAGE + HINT (the machine code) +
-- DETAIL (JSON with "code" and context), which supabase-js exposes as error.code/.hint/.details.
begin;
select plan(5);
select tests.freeze_time('2026-11-25 12:00Z');

create function pg_temp.error_of(p_sql text) returns jsonb language plpgsql as $$
declare
  v_state text; v_message text; v_hint text; v_detail text;
begin
  execute p_sql;
  return null;
exception when others then
  get stacked diagnostics v_state = returned_sqlstate, v_message = message_text, v_hint = pg_exception_hint, v_detail = pg_exception_detail;
  return jsonb_build_object('sqlstate', v_state, 'message', v_message, 'hint', v_hint, 'detail', v_detail::jsonb);
end $$;

select tests.authenticate_as_anon();
select pg_temp.error_of($$ select public.cancel(gen_random_uuid()) $$) as err \gset
select is(:'err'::jsonb ->> 'sqlstate', 'TH010', 'a guest cancelling an unknown booking gets SQLSTATE TH010');
select is(:'err'::jsonb ->> 'message', 'We couldn''t find that.', 'with the guest-facing message');
select is(:'err'::jsonb ->> 'hint', 'NOT_FOUND', 'the HINT is the machine code');
select is(:'err'::jsonb -> 'detail', '{"code": "NOT_FOUND", "entity": "booking"}'::jsonb, 'the DETAIL is JSON with the code and what was not found');

select tests.clear_authentication();
select is_empty($$
  select e.code from tablehold.error_codes e,
    lateral pg_temp.error_of(format('select tablehold.fail(%L, %L)', e.code, '{"probe": 1}')) r
  where r is distinct from jsonb_build_object('sqlstate', e.sqlstate, 'message', e.message, 'hint', e.code,
                                              'detail', jsonb_build_object('code', e.code, 'probe', 1)) $$,
  'every registered code is raised with its SQLSTATE and message, the code as HINT, and JSON DETAIL carrying it');

select * from finish();
rollback;
