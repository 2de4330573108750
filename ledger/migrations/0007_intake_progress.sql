-- 0007: a big file is taken in by parts, each part its own transaction
-- (numbers, documents, outcomes), so that memory does not grow with the
-- file. through_line is the progress of a file not wholly taken in yet: the
-- last CSV line whose document is in the ledger (every document starting on
-- or before it has its outcome). NULL once the whole file is in, as for
-- every intake before this version. A crash mid-file resumes after it.
ALTER TABLE intake_files ADD COLUMN through_line INTEGER
    CHECK (through_line IS NULL OR (through_line >= 0 AND state = 'committed'));
