package ledger

import (
	"context"
	"errors"
	"fmt"
)

// maxProblems caps how many problems Verify reports.
const maxProblems = 20

// Verify checks the ledger file and its invariants: SQLite's integrity and
// foreign key checks; for every track, that each number below Next is used or
// skipped, and Next itself is neither; that every issue document's number is
// recorded and every recorded number belongs to a document with that number;
// that every document has its accepted outcome. It returns nil or an error
// listing the problems.
func (l *Ledger) Verify(ctx context.Context) error {
	var problems []error
	report := func(err error) bool {
		problems = append(problems, err)
		return len(problems) < maxProblems
	}
	checks := []func(context.Context, func(error) bool) error{
		l.verifySQLite, l.verifyTracks, l.verifyNumbers, l.verifyOutcomes,
	}
	for _, check := range checks {
		if err := check(ctx, report); err != nil {
			return fmt.Errorf("verify ledger %s: %w", l.path, err)
		}
		if len(problems) >= maxProblems {
			break
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("verify ledger %s: %w", l.path, errors.Join(problems...))
	}
	return nil
}

func (l *Ledger) verifySQLite(ctx context.Context, report func(error) bool) error {
	rows, err := l.r.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return err
		}
		if msg != "ok" && !report(fmt.Errorf("integrity: %s", msg)) {
			return nil
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return l.query(ctx, report, `SELECT "table" || ' row ' || coalesce(rowid, '?') || ' has no ' || parent
		FROM pragma_foreign_key_check`)
}

// query reports every row of a one-column query as a problem.
func (l *Ledger) query(ctx context.Context, report func(error) bool, q string) error {
	rows, err := l.r.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return err
		}
		if !report(errors.New(msg)) {
			return nil
		}
	}
	return rows.Err()
}

func (l *Ledger) verifyTracks(ctx context.Context, report func(error) bool) error {
	usage, err := l.TrackUsage(ctx)
	if err != nil {
		return err
	}
	for _, u := range usage {
		taken, err := takenFrom(ctx, l.r, u.ID, u.Letters, u.Begin)
		if err != nil {
			return err
		}
		if len(taken) != u.Used+u.Skipped && !report(fmt.Errorf("track %s: a number is both used and skipped", u.Track)) {
			return nil
		}
		for n := u.Begin; n < u.Next; n++ {
			if !taken[n] && !report(fmt.Errorf("track %s: %s below next %s is neither used nor skipped",
				u.Track, FormatNumber(u.Letters, n), FormatNumber(u.Letters, u.Next))) {
				return nil
			}
		}
		if u.Next <= u.End && taken[u.Next] && !report(fmt.Errorf("track %s: next %s is already taken",
			u.Track, FormatNumber(u.Letters, u.Next))) {
			return nil
		}
	}
	return nil
}

func (l *Ledger) verifyNumbers(ctx context.Context, report func(error) bool) error {
	err := l.query(ctx, report, `SELECT 'issue document ' || d.id || ' (' || d.order_id || '): number ' ||
		d.invoice_number || ' is not recorded as used'
		FROM documents d WHERE d.action = 'issue' AND NOT EXISTS (
			SELECT 1 FROM invoice_numbers u JOIN tracks t ON t.id = u.track_id
			WHERE u.number = d.invoice_number AND t.seller_ban = d.seller_ban)`)
	if err != nil {
		return err
	}
	return l.query(ctx, report, `SELECT 'used number ' || u.number || ' points to document ' || u.document_id ||
		', which is not its issue'
		FROM invoice_numbers u LEFT JOIN documents d ON d.id = u.document_id
		WHERE u.document_id IS NOT NULL AND (d.id IS NULL OR d.action <> 'issue' OR d.invoice_number <> u.number)`)
}

func (l *Ledger) verifyOutcomes(ctx context.Context, report func(error) bool) error {
	return l.query(ctx, report, `SELECT 'document ' || d.id || ' (intake ' || d.intake_id || ' line ' || d.line ||
		') has no accepted outcome'
		FROM documents d LEFT JOIN outcomes o ON o.intake_id = d.intake_id AND o.line = d.line
		WHERE o.status IS NOT 'accepted'`)
}
