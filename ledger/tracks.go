package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Track is one track (字軌) range of a seller for one invoice type and period.
// Next is the lowest number of the range that is neither used nor skipped
// (End+1 when the track is exhausted); every number below it is used or
// skipped.
type Track struct {
	ID          int64
	SellerBAN   string
	InvoiceType string // "07" or "08"
	Period      string // ROC year + even month, e.g. "11512"
	Letters     string // two letters A-Z
	Begin, End  int    // inclusive, e.g. 0 and 49
	Next        int
	Source      string // where the range came from, e.g. the E0501 file name
	ImportedAt  time.Time
}

// String names the track the way the platform shows it.
func (t Track) String() string {
	return fmt.Sprintf("%s-%s (seller %s, type %s, period %s)",
		FormatNumber(t.Letters, t.Begin), FormatNumber(t.Letters, t.End), t.SellerBAN, t.InvoiceType, t.Period)
}

func (t Track) rangeText() string {
	return FormatNumber(t.Letters, t.Begin) + "-" + FormatNumber(t.Letters, t.End)
}

// Size is the number of invoice numbers in the range.
func (t Track) Size() int { return t.End - t.Begin + 1 }

// check reports what is wrong with a track row, or nil.
func (t Track) check() error {
	var msgs []string
	add := func(format string, args ...any) { msgs = append(msgs, fmt.Sprintf(format, args...)) }
	if !isDigits(t.SellerBAN, 8) {
		add("seller BAN %q is not 8 digits", t.SellerBAN)
	}
	if t.InvoiceType != "07" && t.InvoiceType != "08" {
		add("invoice type %q is not 07 or 08", t.InvoiceType)
	}
	if !validPeriod(t.Period) {
		add("period %q is not a ROC year and an even month, e.g. 11512", t.Period)
	}
	if !isLetters(t.Letters) {
		add("track letters %q are not two letters A-Z", t.Letters)
	}
	switch {
	case t.Begin < 0 || t.End > maxNumber:
		add("range %d-%d is beyond 00000000-99999999", t.Begin, t.End)
	case t.End < t.Begin:
		add("end %08d is before begin %08d", t.End, t.Begin)
	default:
		if t.Begin%50 != 0 {
			add("begin %08d does not end in 00 or 50", t.Begin)
		}
		if t.End%50 != 49 {
			add("end %08d does not end in 49 or 99", t.End)
		}
		if (t.End-t.Begin+1)%50 != 0 {
			add("%d numbers are not whole booklets of 50", t.End-t.Begin+1)
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(msgs, "; "))
}

// ImportTracks records track ranges in one transaction and creates their
// sellers as needed. Re-importing a range already recorded changes nothing and
// counts as unchanged. A row that breaks the track rules or overlaps a
// different recorded range is rejected with an error naming it (wrapping
// ErrInvalidTrack), and then nothing is imported. Next is ignored: a new
// track starts at Begin.
func (l *Ledger) ImportTracks(ctx context.Context, tracks []Track) (added, unchanged int, err error) {
	var errs []error
	for i, t := range tracks {
		if e := t.check(); e != nil {
			errs = append(errs, fmt.Errorf("track row %d (%s): %w: %w", i+1, t, ErrInvalidTrack, e))
		}
	}
	if len(errs) > 0 {
		return 0, 0, errors.Join(errs...)
	}
	err = l.writeTx(ctx, func(tx *sql.Tx) error {
		added, unchanged, err = l.importTracks(ctx, tx, tracks)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("import tracks: %w", err)
	}
	if added > 0 {
		l.log.Info("tracks imported", "added", added, "unchanged", unchanged)
	}
	return added, unchanged, nil
}

// importTracks inserts checked rows with importTrack; the error names
// every row that failed.
func (l *Ledger) importTracks(ctx context.Context, tx *sql.Tx, tracks []Track) (added, unchanged int, err error) {
	var errs []error
	for i, t := range tracks {
		isNew, e := l.importTrack(ctx, tx, t)
		switch {
		case e != nil:
			errs = append(errs, fmt.Errorf("track row %d (%s): %w", i+1, t, e))
		case isNew:
			added++
		default:
			unchanged++
		}
	}
	return added, unchanged, errors.Join(errs...)
}

// importTrack inserts one checked row unless the same range is recorded; a
// different overlapping range is an error.
func (l *Ledger) importTrack(ctx context.Context, tx *sql.Tx, t Track) (bool, error) {
	var old Track
	err := tx.QueryRowContext(ctx, `SELECT seller_ban, invoice_type, begin_no, end_no, imported_at FROM tracks
		WHERE period = ? AND letters = ? AND begin_no <= ? AND end_no >= ? ORDER BY begin_no LIMIT 1`,
		t.Period, t.Letters, t.End, t.Begin).Scan(&old.SellerBAN, &old.InvoiceType, &old.Begin, &old.End, new(string))
	switch {
	case err == nil:
		old.Period, old.Letters = t.Period, t.Letters
		if old.SellerBAN == t.SellerBAN && old.InvoiceType == t.InvoiceType && old.Begin == t.Begin && old.End == t.End {
			return false, nil
		}
		return false, fmt.Errorf("%w: overlaps the recorded range %s", ErrInvalidTrack, old)
	case !errors.Is(err, sql.ErrNoRows):
		return false, err
	}
	now := l.stamp()
	if _, err := tx.ExecContext(ctx, `INSERT INTO sellers (ban, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING`,
		t.SellerBAN, now); err != nil {
		return false, fmt.Errorf("seller %s: %w", t.SellerBAN, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO tracks
		(seller_ban, invoice_type, period, letters, begin_no, end_no, next_no, source, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.SellerBAN, t.InvoiceType, t.Period, t.Letters, t.Begin, t.End, t.Begin, t.Source, now); err != nil {
		return false, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO events (at, kind, to_state, cause, detail) VALUES (?, 'track', 'imported', 'import', ?)`,
		now, fmt.Sprintf("%s from %q", t, t.Source))
	return true, err
}

// UpsertSeller records a seller or changes its name.
func (l *Ledger) UpsertSeller(ctx context.Context, ban, name string) error {
	if !isDigits(ban, 8) {
		return fmt.Errorf("seller BAN %q is not 8 digits", ban)
	}
	_, err := l.w.ExecContext(ctx, `INSERT INTO sellers (ban, name, created_at) VALUES (?, ?, ?)
		ON CONFLICT (ban) DO UPDATE SET name = excluded.name`, ban, name, l.stamp())
	if err != nil {
		return fmt.Errorf("seller %s: %w", ban, err)
	}
	return nil
}

// TrackUsage is a track with how much of it is gone.
type TrackUsage struct {
	Track
	Used, Skipped, Remaining int
	NextNumber               string // the next number to assign; "" when exhausted
}

// TrackUsage lists every track with its usage, ordered by seller, period,
// invoice type, letters and begin.
func (l *Ledger) TrackUsage(ctx context.Context) ([]TrackUsage, error) {
	return queryList(ctx, l.r, "track usage", trackUsageQuery, nil,
		func(rows *sql.Rows, u *TrackUsage) error {
			if err := scanTrack(rows, &u.Track, &u.Used, &u.Skipped); err != nil {
				return err
			}
			u.Remaining = u.Size() - u.Used - u.Skipped
			if u.Next <= u.End {
				u.NextNumber = FormatNumber(u.Letters, u.Next)
			}
			return nil
		})
}

// trackUsageQuery reads the counts the triggers of track_counts keep.
const trackUsageQuery = `SELECT ` + trackColumns + `, coalesce(c.used, 0), coalesce(c.skipped, 0)
	FROM tracks t LEFT JOIN track_counts c ON c.track_id = t.id
	ORDER BY seller_ban, period, invoice_type, letters, begin_no`

const trackColumns = `t.id, t.seller_ban, t.invoice_type, t.period, t.letters, t.begin_no, t.end_no, t.next_no, t.source, t.imported_at`

// scanTrack scans trackColumns and then extra.
func scanTrack(row interface{ Scan(...any) error }, t *Track, extra ...any) error {
	var at string
	dest := append([]any{&t.ID, &t.SellerBAN, &t.InvoiceType, &t.Period, &t.Letters,
		&t.Begin, &t.End, &t.Next, &t.Source, &at}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	var err error
	t.ImportedAt, err = parseTime(at)
	return err
}

// SkipNumber records, for the operator, that a number of a track will never be
// used (a torn paper roll, a number lost with a broken POS). reason is kept in
// the ledger. It is the only way a number may stay unused below a track's
// Next. The number must be inside the track and neither used nor skipped.
func (l *Ledger) SkipNumber(ctx context.Context, trackID int64, number, reason string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return fmt.Errorf("skip %s: a reason is required", number)
	}
	err := l.writeTx(ctx, func(tx *sql.Tx) error {
		var t Track
		err := scanTrack(tx.QueryRowContext(ctx, `SELECT `+trackColumns+` FROM tracks t WHERE id = ?`, trackID), &t)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("track %d: %w", trackID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		return l.skip(ctx, tx, t, number, reason)
	})
	if err != nil {
		return fmt.Errorf("skip %s: %w", number, err)
	}
	l.log.Info("number skipped", "number", number, "track", trackID, "reason", reason)
	return nil
}

func (l *Ledger) skip(ctx context.Context, tx *sql.Tx, t Track, number, reason string) error {
	letters, n, err := ParseNumber(number)
	if err != nil {
		return err
	}
	if letters != t.Letters || n < t.Begin || n > t.End {
		return fmt.Errorf("%w: track %d is %s", ErrNumberNotInTrack, t.ID, t)
	}
	taken, err := takenFrom(ctx, tx, t.ID, t.Letters, t.Begin)
	if err != nil {
		return err
	}
	if taken[n] {
		return fmt.Errorf("%w: %s is already used or skipped", ErrNumberUsed, number)
	}
	now := l.stamp()
	if _, err := tx.ExecContext(ctx, `INSERT INTO skipped_numbers (track_id, number, reason, at) VALUES (?, ?, ?, ?)`,
		t.ID, number, reason, now); err != nil {
		return err
	}
	taken[n] = true
	next := t.Next
	for next <= t.End && taken[next] {
		next++
	}
	if next != t.Next {
		if _, err := tx.ExecContext(ctx, `UPDATE tracks SET next_no = ? WHERE id = ?`, next, t.ID); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO events (at, kind, to_state, cause, detail) VALUES (?, 'number', 'skipped', 'operator', ?)`,
		now, fmt.Sprintf("%s of track %s: %s", number, t, reason))
	return err
}

// takenFrom returns the numbers of a track from n upwards that are used or
// skipped.
func takenFrom(ctx context.Context, q queryer, trackID int64, letters string, n int) (map[int]bool, error) {
	from := FormatNumber(letters, n)
	rows, err := q.QueryContext(ctx, `SELECT number FROM invoice_numbers WHERE track_id = ?1 AND number >= ?2
		UNION ALL SELECT number FROM skipped_numbers WHERE track_id = ?1 AND number >= ?2`, trackID, from)
	if err != nil {
		return nil, fmt.Errorf("numbers of track %d: %w", trackID, err)
	}
	defer rows.Close()
	taken := map[int]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		_, k, err := ParseNumber(s)
		if err != nil {
			return nil, fmt.Errorf("track %d: stored %w", trackID, err)
		}
		taken[k] = true
	}
	return taken, rows.Err()
}
