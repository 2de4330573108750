-- The ledger's identity: a random id written once, also kept in marker
-- files in the spool and in Turnkey's work folder, so that a lost or
-- replaced ledger is noticed before it issues numbers again.
CREATE TABLE ledger_identity (
    id         TEXT NOT NULL CHECK (length(id) > 0),
    created_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER ledger_identity_once BEFORE INSERT ON ledger_identity
WHEN EXISTS (SELECT 1 FROM ledger_identity)
BEGIN
    SELECT RAISE(ABORT, 'the ledger has its identity already');
END;

CREATE TRIGGER ledger_identity_no_update BEFORE UPDATE ON ledger_identity
BEGIN
    SELECT RAISE(ABORT, 'the ledger identity never changes');
END;
