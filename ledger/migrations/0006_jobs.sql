-- 0002: the scheduled jobs' memory. Every run of a job is recorded with the
-- key it covered (a period, a seller and period, an hour); a key that has
-- an 'ok' run is done; a 'waiting' run found its input not there yet. A lease per job and key keeps two processes (two
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
    outcome      TEXT    NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'waiting', 'abandoned')),
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

-- A track is closed once the blank (unused) ranges of its period are
-- reported (E0402): no number of it may be used any more. blank_ranges are
-- the ranges reported, e.g. "00000120-00000149 00000200-00000249".
CREATE TABLE track_closures (
    track_id     INTEGER NOT NULL PRIMARY KEY REFERENCES tracks (id),
    period       TEXT    NOT NULL,
    blank_ranges TEXT    NOT NULL DEFAULT '',
    closed_at    TEXT    NOT NULL
) STRICT;

CREATE INDEX track_closures_by_period ON track_closures (period);

CREATE TRIGGER invoice_numbers_track_closed BEFORE INSERT ON invoice_numbers
WHEN EXISTS (SELECT 1 FROM track_closures c WHERE c.track_id = NEW.track_id)
BEGIN
    SELECT RAISE(ABORT, 'the track is closed: its blank ranges are reported (E0402)');
END;

CREATE TRIGGER track_closures_no_change BEFORE UPDATE ON track_closures
BEGIN
    SELECT RAISE(ABORT, 'a track closure is permanent');
END;

CREATE TRIGGER track_closures_no_delete BEFORE DELETE ON track_closures
BEGIN
    SELECT RAISE(ABORT, 'a track closure is permanent');
END;

-- The prizes of the platform's winner lists (E0504): one row per winning
-- invoice number of a period; document_id is NULL for a winner that is not
-- in this ledger (reported, never dropped).
CREATE TABLE prizes (
    id             INTEGER PRIMARY KEY,
    period         TEXT    NOT NULL,
    invoice_number TEXT    NOT NULL,
    document_id    INTEGER REFERENCES documents (id),
    prize          TEXT    NOT NULL, -- special_10m grand_2m first ... sixth, or "type N" for an unknown PrizeType
    prize_type     TEXT    NOT NULL, -- the E0504 PrizeType code
    amount         INTEGER NOT NULL,
    deposit_mark   TEXT    NOT NULL DEFAULT '',
    carrier_type   TEXT    NOT NULL DEFAULT '',
    print_type     TEXT    NOT NULL DEFAULT '',
    file           TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    UNIQUE (period, invoice_number)
) STRICT;
