package ledger

import "errors"

// Sentinel errors; the ledger wraps them with what and where, so test with
// errors.Is.
var (
	// ErrNoTrack: no track is imported for the seller, invoice type and
	// period. Import the period's E0501 (or the platform's track CSV).
	ErrNoTrack = errors.New("no track imported")
	// ErrTrackExhausted: every number of the seller's tracks for the invoice
	// type and period is used or skipped.
	ErrTrackExhausted = errors.New("tracks exhausted")
	// ErrNumberNotInTrack: a given number lies in no imported track of the
	// seller, invoice type and period.
	ErrNumberNotInTrack = errors.New("number not in an imported track")
	// ErrNumberUsed: the number is already recorded as used, or skipped.
	ErrNumberUsed = errors.New("number already used")
	// ErrDuplicate: a document with the same seller, action and order id is
	// already in the ledger.
	ErrDuplicate = errors.New("duplicate document")
	// ErrInvalidDocument: a document or outcome given to an IntakeTx lacks
	// what the ledger needs.
	ErrInvalidDocument = errors.New("invalid document")
	// ErrInvalidTrack: an imported track row breaks the track rules.
	ErrInvalidTrack = errors.New("invalid track")
	// ErrIntakeUnfinished: the same file (name and content) has an intake
	// that is committed but not done; finish that one instead.
	ErrIntakeUnfinished = errors.New("intake of the same file unfinished")
	// ErrIntakeState: an intake cannot move to the requested state.
	ErrIntakeState = errors.New("intake state")
	// ErrNotFound: no such row.
	ErrNotFound = errors.New("not found")
	// ErrTxDone: the intake transaction failed part-way or has ended; the
	// whole intake is rolled back.
	ErrTxDone = errors.New("intake transaction unusable")
)
