-- 0002: what the archive (package archive) holds. A document becomes due for
-- the archive when its XML is written to Turnkey and again when its verdict
-- settles (accepted or rejected); the archive takes due documents, writes
-- their files and records them in archived, in that order, so a crash
-- between the two is caught up from archive_due.

CREATE TABLE archive_due (
    document_id INTEGER PRIMARY KEY REFERENCES documents (id)
) STRICT;

CREATE TABLE archived (
    document_id  INTEGER PRIMARY KEY REFERENCES documents (id),
    path         TEXT    NOT NULL,            -- the XML, relative to archive.dir
    sha256       TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 0),
    archived_at  TEXT    NOT NULL,
    verdict_path TEXT    NOT NULL DEFAULT '', -- the verdict file, once settled
    verdict_at   TEXT,
    body_dropped_at TEXT                      -- when ledger.keep_bodies let the body go
) STRICT;

CREATE TRIGGER documents_archive_written AFTER UPDATE OF written_at ON documents
WHEN OLD.written_at IS NULL AND NEW.written_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO archive_due (document_id) VALUES (NEW.id);
END;

CREATE TRIGGER documents_archive_settled AFTER UPDATE OF state ON documents
WHEN OLD.state <> NEW.state AND NEW.state IN ('accepted', 'rejected') AND NEW.written_at IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO archive_due (document_id) VALUES (NEW.id);
END;

-- Documents written before this version are due once.
INSERT INTO archive_due (document_id) SELECT id FROM documents WHERE written_at IS NOT NULL;
