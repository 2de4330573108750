-- 0002: the scheduled jobs' memory. Every run of a job is recorded with the
-- key it covered (a period, a seller and period, an hour); a key that has
-- an 'ok' run is done. A lease per job and key keeps two processes (two
-- daemons, or a daemon and `turnkeyd jobs run`) from running the same key at
-- once; job_schedule holds each job's next tick (and when to wake for it,
-- earlier when a failed run is retried), so that a tick missed while the
-- daemon was down is run once at the next start.

CREATE TABLE job_runs (
    id           INTEGER PRIMARY KEY,
    job          TEXT    NOT NULL,
    key          TEXT    NOT NULL,
    scheduled_at TEXT    NOT NULL DEFAULT '', -- the tick it ran for; '' for a run by hand
    started_at   TEXT    NOT NULL,
    ended_at     TEXT,
    outcome      TEXT    NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'abandoned')),
    holder       TEXT    NOT NULL,
    output       TEXT    NOT NULL DEFAULT '',
    CHECK ((outcome = 'running') = (ended_at IS NULL))
) STRICT;

CREATE INDEX job_runs_by_key ON job_runs (job, key, outcome);

CREATE TABLE job_leases (
    job        TEXT NOT NULL,
    key        TEXT NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (job, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE job_schedule (
    job     TEXT NOT NULL PRIMARY KEY,
    spec    TEXT NOT NULL,
    tick_at TEXT NOT NULL,
    wake_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
