-- 0001: sellers, tracks and numbers, intake files, documents, outcomes and the
-- append-only event log. Times are UTC RFC 3339 text with nine fractional digits.

CREATE TABLE sellers (
    ban        TEXT NOT NULL PRIMARY KEY CHECK (length(ban) = 8 AND ban NOT GLOB '*[^0-9]*'),
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

-- A track (字軌) range the platform allocated for one period (E0501). next_no is
-- the contiguity frontier: every number in begin_no..next_no-1 is used or
-- skipped, next_no itself is not.
CREATE TABLE tracks (
    id           INTEGER PRIMARY KEY,
    seller_ban   TEXT    NOT NULL REFERENCES sellers (ban),
    invoice_type TEXT    NOT NULL CHECK (invoice_type IN ('07', '08')),
    period       TEXT    NOT NULL CHECK (length(period) = 5 AND substr(period, 1, 3) GLOB '[0-9][0-9][0-9]'
                                         AND substr(period, 4) IN ('02', '04', '06', '08', '10', '12')),
    letters      TEXT    NOT NULL CHECK (length(letters) = 2 AND letters GLOB '[A-Z][A-Z]'),
    begin_no     INTEGER NOT NULL CHECK (begin_no >= 0 AND begin_no % 50 = 0),
    end_no       INTEGER NOT NULL CHECK (end_no <= 99999999 AND end_no > begin_no AND (end_no - begin_no + 1) % 50 = 0),
    next_no      INTEGER NOT NULL,
    source       TEXT    NOT NULL DEFAULT '',
    imported_at  TEXT    NOT NULL,
    UNIQUE (seller_ban, invoice_type, period, letters, begin_no),
    CHECK (next_no BETWEEN begin_no AND end_no + 1)
) STRICT;

CREATE INDEX tracks_by_letters ON tracks (period, letters, begin_no);

-- A number of a track is globally unique within its period, whoever holds it.
CREATE TRIGGER tracks_no_overlap BEFORE INSERT ON tracks
WHEN EXISTS (SELECT 1 FROM tracks t
             WHERE t.period = NEW.period AND t.letters = NEW.letters
               AND t.begin_no <= NEW.end_no AND t.end_no >= NEW.begin_no)
BEGIN
    SELECT RAISE(ABORT, 'track range overlaps an imported range');
END;

-- A track's range never changes and its frontier never goes back.
CREATE TRIGGER tracks_fixed BEFORE UPDATE OF seller_ban, invoice_type, period, letters, begin_no, end_no ON tracks
BEGIN
    SELECT RAISE(ABORT, 'a track range cannot be changed');
END;

CREATE TRIGGER tracks_forward BEFORE UPDATE OF next_no ON tracks
WHEN NEW.next_no < OLD.next_no
BEGIN
    SELECT RAISE(ABORT, 'a track''s next number cannot go back');
END;

CREATE TRIGGER tracks_no_delete BEFORE DELETE ON tracks
BEGIN
    SELECT RAISE(ABORT, 'tracks cannot be deleted');
END;

CREATE TABLE intake_files (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    state        TEXT    NOT NULL CHECK (state IN ('committed', 'answered', 'done')),
    received_at  TEXT    NOT NULL,
    committed_at TEXT    NOT NULL,
    answered_at  TEXT,
    done_at      TEXT
) STRICT;

-- At most one unfinished intake of the same content under the same name.
CREATE UNIQUE INDEX intake_files_unfinished ON intake_files (name, sha256) WHERE state <> 'done';

CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    intake_id        INTEGER NOT NULL REFERENCES intake_files (id),
    line             INTEGER NOT NULL CHECK (line > 0),
    seller_ban       TEXT    NOT NULL CHECK (length(seller_ban) = 8),
    action           TEXT    NOT NULL CHECK (action = 'issue' OR action = 'void' OR action = 'cancel'
                                             OR action = 'allowance' OR action = 'void_allowance' OR action = 'blank'),
    order_id         TEXT    NOT NULL,
    msg_type         TEXT    NOT NULL,
    mig_version      TEXT    NOT NULL,
    invoice_type     TEXT    NOT NULL DEFAULT '',
    invoice_number   TEXT    NOT NULL DEFAULT '',
    allowance_number TEXT    NOT NULL DEFAULT '',
    invoice_date     TEXT    NOT NULL DEFAULT '',
    random_number    TEXT    NOT NULL DEFAULT '',
    buyer_ban        TEXT    NOT NULL DEFAULT '',
    state            TEXT    NOT NULL CHECK (state = 'queued' OR state = 'uploaded' OR state = 'accepted'
                                             OR state = 'rejected' OR state = 'waiting'),
    file_name        TEXT    NOT NULL UNIQUE,
    target_dir       TEXT    NOT NULL,
    written_at       TEXT,
    body             BLOB    NOT NULL,
    xml_sha256       TEXT    NOT NULL DEFAULT '',
    waiting_for      INTEGER REFERENCES documents (id), -- the predecessor a waiting document waits for
    result_code      TEXT    NOT NULL DEFAULT '',       -- Turnkey's or the platform's code, or why it waits
    result_message   TEXT    NOT NULL DEFAULT '',
    location         TEXT    NOT NULL DEFAULT '',       -- where Turnkey put the file (BAK or ERR path)
    created_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    CHECK (state <> 'waiting' OR waiting_for IS NOT NULL)
) STRICT;

-- An order is accepted once per seller and action; a rejected document does
-- not count, so the ERP can send the corrected order again.
CREATE UNIQUE INDEX documents_by_order ON documents (seller_ban, action, order_id) WHERE state <> 'rejected';
CREATE INDEX documents_by_order_all ON documents (seller_ban, action, order_id, id);
CREATE INDEX documents_waiting ON documents (waiting_for) WHERE waiting_for IS NOT NULL;

-- The lifecycle of a document on its way to the platform. A waiting document
-- is released (queued) or rejected with its predecessor; accepted and
-- rejected are final.
CREATE TRIGGER documents_state_change BEFORE UPDATE OF state ON documents
WHEN OLD.state <> NEW.state AND NOT (
       (OLD.state = 'queued'   AND NEW.state IN ('uploaded', 'accepted', 'rejected'))
    OR (OLD.state = 'uploaded' AND NEW.state IN ('accepted', 'rejected'))
    OR (OLD.state = 'waiting'  AND NEW.state IN ('queued', 'rejected')))
BEGIN
    SELECT RAISE(ABORT, 'document state change not allowed');
END;

CREATE INDEX documents_by_number ON documents (invoice_number);
CREATE INDEX documents_by_allowance ON documents (allowance_number) WHERE allowance_number <> '';
CREATE INDEX documents_by_state ON documents (state);
CREATE INDEX documents_unwritten ON documents (id) WHERE written_at IS NULL;

-- The record that a number of a track has been used. Numbers do not overlap
-- between tracks of a period, so (track_id, number) is (period, number).
CREATE TABLE invoice_numbers (
    track_id    INTEGER NOT NULL REFERENCES tracks (id),
    number      TEXT    NOT NULL CHECK (length(number) = 10),
    document_id INTEGER REFERENCES documents (id),
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (track_id, number)
) STRICT, WITHOUT ROWID;

-- The only way a number below a track's frontier may stay unused.
CREATE TABLE skipped_numbers (
    track_id INTEGER NOT NULL REFERENCES tracks (id),
    number   TEXT    NOT NULL CHECK (length(number) = 10),
    reason   TEXT    NOT NULL CHECK (length(trim(reason)) > 0),
    at       TEXT    NOT NULL,
    PRIMARY KEY (track_id, number)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER invoice_numbers_in_track BEFORE INSERT ON invoice_numbers
WHEN NOT EXISTS (SELECT 1 FROM tracks t
                 WHERE t.id = NEW.track_id AND t.letters = substr(NEW.number, 1, 2)
                   AND CAST(substr(NEW.number, 3) AS INTEGER) BETWEEN t.begin_no AND t.end_no)
  OR EXISTS (SELECT 1 FROM skipped_numbers s WHERE s.track_id = NEW.track_id AND s.number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'number outside its track or skipped');
END;

CREATE TRIGGER skipped_numbers_in_track BEFORE INSERT ON skipped_numbers
WHEN NOT EXISTS (SELECT 1 FROM tracks t
                 WHERE t.id = NEW.track_id AND t.letters = substr(NEW.number, 1, 2)
                   AND CAST(substr(NEW.number, 3) AS INTEGER) BETWEEN t.begin_no AND t.end_no)
  OR EXISTS (SELECT 1 FROM invoice_numbers u WHERE u.track_id = NEW.track_id AND u.number = NEW.number)
BEGIN
    SELECT RAISE(ABORT, 'number outside its track or used');
END;

CREATE TRIGGER invoice_numbers_no_update BEFORE UPDATE ON invoice_numbers
BEGIN
    SELECT RAISE(ABORT, 'used numbers are permanent');
END;

CREATE TRIGGER invoice_numbers_no_delete BEFORE DELETE ON invoice_numbers
BEGIN
    SELECT RAISE(ABORT, 'used numbers are permanent');
END;

CREATE TRIGGER skipped_numbers_no_update BEFORE UPDATE ON skipped_numbers
BEGIN
    SELECT RAISE(ABORT, 'skipped numbers are permanent');
END;

CREATE TRIGGER skipped_numbers_no_delete BEFORE DELETE ON skipped_numbers
BEGIN
    SELECT RAISE(ABORT, 'skipped numbers are permanent');
END;

-- One row per document of an intake file: the ERP result file, line by line.
CREATE TABLE outcomes (
    intake_id      INTEGER NOT NULL REFERENCES intake_files (id),
    line           INTEGER NOT NULL CHECK (line > 0),
    order_id       TEXT    NOT NULL,
    action         TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status = 'accepted' OR status = 'duplicate' OR status = 'rejected'),
    invoice_number TEXT    NOT NULL DEFAULT '',
    invoice_date   TEXT    NOT NULL DEFAULT '',
    random_number  TEXT    NOT NULL DEFAULT '',
    message        TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (intake_id, line)
) STRICT, WITHOUT ROWID;

CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT    NOT NULL,
    document_id INTEGER REFERENCES documents (id),
    intake_id   INTEGER REFERENCES intake_files (id),
    kind        TEXT    NOT NULL,
    from_state  TEXT    NOT NULL DEFAULT '',
    to_state    TEXT    NOT NULL DEFAULT '',
    cause       TEXT    NOT NULL DEFAULT '',
    code        TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX events_by_document ON events (document_id) WHERE document_id IS NOT NULL;
CREATE INDEX events_by_intake ON events (intake_id) WHERE intake_id IS NOT NULL;

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- A document is written together with its accepted outcome and its first
-- event, so that neither can be missing (and the intake costs one statement
-- per document instead of three). The event names the intake file in its
-- detail; its intake_id stays NULL (events_by_intake indexes the intakes' own
-- events, the document row leads to its intake).
CREATE TRIGGER documents_accepted AFTER INSERT ON documents
BEGIN
    INSERT INTO outcomes (intake_id, line, order_id, action, status, invoice_number, invoice_date, random_number, message)
    VALUES (NEW.intake_id, NEW.line, NEW.order_id, NEW.action, 'accepted', NEW.invoice_number, NEW.invoice_date,
            NEW.random_number, NEW.result_message);
    INSERT INTO events (at, document_id, kind, to_state, cause, code, detail)
    VALUES (NEW.created_at, NEW.id, 'document', NEW.state, 'intake', NEW.result_code,
            'file ' || (SELECT name FROM intake_files WHERE id = NEW.intake_id) || ' line ' || NEW.line
            || CASE WHEN NEW.result_message <> '' THEN ': ' || NEW.result_message ELSE '' END);
END;

-- Result files of Turnkey read so far (ProcessResult, SummaryResult, E0501,
-- E0504): each is applied once, in the transaction that records it; an
-- unreadable one is recorded with its error and kept aside.
CREATE TABLE result_files (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL,
    path         TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    status       TEXT    NOT NULL CHECK (status = 'applied' OR status = 'unreadable' OR status = 'inconsistent'),
    error        TEXT    NOT NULL DEFAULT '',
    processed_at TEXT    NOT NULL,
    UNIQUE (path, sha256)
) STRICT;

-- How far the ERP's status files have been written: the last event written
-- and, while an append is under way, the file and the size it had before,
-- so that a crash mid-append is redone from there, never written twice.
CREATE TABLE status_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    event_id      INTEGER NOT NULL,
    pending_file  TEXT    NOT NULL DEFAULT '',
    pending_size  INTEGER NOT NULL DEFAULT 0,
    pending_until INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO status_cursor (id, event_id) VALUES (1, 0);
