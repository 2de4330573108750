-- The ledger's gauges without scanning: /metrics reads these at every
-- scrape, and at millions of documents a count(*) over documents or
-- invoice_numbers took longer than the scrape may.

-- Documents per state and message type, kept by triggers.
CREATE TABLE document_counts (
    state    TEXT    NOT NULL,
    msg_type TEXT    NOT NULL,
    n        INTEGER NOT NULL,
    PRIMARY KEY (state, msg_type)
) STRICT, WITHOUT ROWID;

INSERT INTO document_counts (state, msg_type, n)
SELECT state, msg_type, count(*) FROM documents GROUP BY 1, 2;

CREATE TRIGGER document_counts_insert AFTER INSERT ON documents
BEGIN
    INSERT INTO document_counts (state, msg_type, n) VALUES (NEW.state, NEW.msg_type, 1)
    ON CONFLICT (state, msg_type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER document_counts_update AFTER UPDATE OF state, msg_type ON documents
WHEN OLD.state <> NEW.state OR OLD.msg_type <> NEW.msg_type
BEGIN
    UPDATE document_counts SET n = n - 1 WHERE state = OLD.state AND msg_type = OLD.msg_type;
    INSERT INTO document_counts (state, msg_type, n) VALUES (NEW.state, NEW.msg_type, 1)
    ON CONFLICT (state, msg_type) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER document_counts_delete AFTER DELETE ON documents
BEGIN
    UPDATE document_counts SET n = n - 1 WHERE state = OLD.state AND msg_type = OLD.msg_type;
END;

-- Numbers used and skipped per track, kept by triggers (neither table
-- allows updates or deletes).
CREATE TABLE track_counts (
    track_id INTEGER PRIMARY KEY REFERENCES tracks (id),
    used     INTEGER NOT NULL DEFAULT 0,
    skipped  INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO track_counts (track_id, used, skipped)
SELECT t.id,
       (SELECT count(*) FROM invoice_numbers u WHERE u.track_id = t.id),
       (SELECT count(*) FROM skipped_numbers s WHERE s.track_id = t.id)
FROM tracks t;

CREATE TRIGGER track_counts_used AFTER INSERT ON invoice_numbers
BEGIN
    INSERT INTO track_counts (track_id, used) VALUES (NEW.track_id, 1)
    ON CONFLICT (track_id) DO UPDATE SET used = used + 1;
END;

CREATE TRIGGER track_counts_skipped AFTER INSERT ON skipped_numbers
BEGIN
    INSERT INTO track_counts (track_id, skipped) VALUES (NEW.track_id, 1)
    ON CONFLICT (track_id) DO UPDATE SET skipped = skipped + 1;
END;

-- The oldest pending document per kind of buyer: the first entry of this
-- index for each kind.
CREATE INDEX documents_pending_age ON documents ((buyer_ban = '0000000000' OR buyer_ban = ''), created_at)
WHERE state IN ('queued', 'uploaded', 'waiting');
