-- The set-based guest snapshot switched to a generic plan after five calls in a session when a
-- venue's statistics were stale (a venue just created or grown), and then took about 1.1 s instead
-- of about 40 ms (measured by `npm run bench -- snapshot`). Plan it for its actual arguments every time.
alter function tablehold.guest_snapshot(uuid, date, text, int, timestamptz) set plan_cache_mode = force_custom_plan;
