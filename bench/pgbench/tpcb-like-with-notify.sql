-- pgbench's built-in tpcb-like script with one pg_notify before END: what a NOTIFY inside a
-- transaction costs every commit (BENCHMARKS, "Commits that announce nothing").
-- pgbench -c 16 -j 2 -T 10 -f bench/pgbench/tpcb-like-with-notify.sql <db initialised with pgbench -i -s 10>
\set aid random(1, 100000 * :scale)
\set bid random(1, 1 * :scale)
\set tid random(1, 10 * :scale)
\set delta random(-5000, 5000)
BEGIN;
UPDATE pgbench_accounts SET abalance = abalance + :delta WHERE aid = :aid;
SELECT abalance FROM pgbench_accounts WHERE aid = :aid;
UPDATE pgbench_tellers SET tbalance = tbalance + :delta WHERE tid = :tid;
UPDATE pgbench_branches SET bbalance = bbalance + :delta WHERE bid = :bid;
INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (:tid, :bid, :aid, :delta, CURRENT_TIMESTAMP);
SELECT pg_notify('x', 'y');
END;
