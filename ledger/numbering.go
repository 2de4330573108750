package ledger

import (
	"fmt"
	"strings"
)

// trackKey selects the tracks a number can come from.
type trackKey struct{ seller, invoiceType, period string }

func (k trackKey) String() string {
	return fmt.Sprintf("seller %s, invoice type %s, period %s", k.seller, k.invoiceType, k.period)
}

// trackState is a track as the running transaction sees it.
type trackState struct {
	Track
	taken map[int]bool // used or skipped numbers at or above Next
	saved int          // next_no as stored
}

// trackSet is the tracks of one key, ordered by letters and begin: numbers
// are assigned from the first track that has one left.
type trackSet struct {
	key    trackKey
	tracks []*trackState
}

func (s *trackSet) ranges() string {
	var b strings.Builder
	for i, t := range s.tracks {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.rangeText())
	}
	return b.String()
}

// numberClaim is a number checked free inside a track, not yet recorded.
type numberClaim struct {
	track  *trackState
	n      int
	number string
}

// trackSet returns the tracks of key, loaded once per transaction.
func (it *IntakeTx) trackSet(key trackKey) (*trackSet, error) {
	if s, ok := it.sets[key]; ok {
		return s, nil
	}
	if err := it.closedTracks(key); err != nil {
		return nil, err
	}
	s, err := it.loadTrackSet(key)
	if err != nil {
		return nil, it.fail(fmt.Errorf("tracks of %s: %w", key, err))
	}
	it.sets[key] = s
	return s, nil
}

func (it *IntakeTx) loadTrackSet(key trackKey) (*trackSet, error) {
	rows, err := it.stmts.tracks.QueryContext(it.ctx, key.seller, key.invoiceType, key.period)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &trackSet{key: key}
	for rows.Next() {
		t := &trackState{}
		if err := scanTrack(rows, &t.Track); err != nil {
			return nil, err
		}
		s.tracks = append(s.tracks, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, t := range s.tracks {
		if t.taken, err = takenFrom(it.ctx, it.tx, t.ID, t.Letters, t.Next); err != nil {
			return nil, err
		}
		t.saved = t.Next
		t.advance()
	}
	return s, nil
}

// advance moves Next past the numbers already taken.
func (t *trackState) advance() {
	for t.Next <= t.End && t.taken[t.Next] {
		delete(t.taken, t.Next)
		t.Next++
	}
}

// NextNumber returns the lowest free number of the seller's tracks for the
// invoice type and period (tracks in order of letters and begin) and the
// track it is in. It does not consume the number: Accept does, and until then
// every call returns the same number. It fails with ErrNoTrack when no track
// is imported for them, and with ErrTrackExhausted when every number is used.
func (it *IntakeTx) NextNumber(seller, invoiceType, period string) (number string, track Track, err error) {
	if err := it.usable(); err != nil {
		return "", Track{}, err
	}
	key := trackKey{seller, invoiceType, period}
	s, err := it.trackSet(key)
	if err != nil {
		return "", Track{}, err
	}
	if len(s.tracks) == 0 {
		return "", Track{}, fmt.Errorf("%w for %s: import the period's track assignment (E0501, or the track CSV from the e-invoice platform)", ErrNoTrack, key)
	}
	for _, t := range s.tracks {
		if t.Next <= t.End {
			return string(appendNumber(make([]byte, 0, 10), t.Letters, t.Next)), t.Track, nil
		}
	}
	return "", Track{}, fmt.Errorf("%w: every number of %s is used (%s): import more tracks", ErrTrackExhausted, key, s.ranges())
}

// claim checks that the number of an issue document is inside one of its
// tracks and free.
func (it *IntakeTx) claim(d *Document) (*numberClaim, error) {
	period, err := PeriodOfDate(d.InvoiceDate)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	if d.InvoiceType != "07" && d.InvoiceType != "08" {
		return nil, fmt.Errorf("%w: invoice type %q is not 07 or 08", ErrInvalidDocument, d.InvoiceType)
	}
	letters, n, err := ParseNumber(d.InvoiceNumber)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidDocument, err)
	}
	key := trackKey{d.SellerBAN, d.InvoiceType, period}
	s, err := it.trackSet(key)
	if err != nil {
		return nil, err
	}
	for _, t := range s.tracks {
		if t.Letters != letters || n < t.Begin || n > t.End {
			continue
		}
		if n < t.Next || t.taken[n] {
			return nil, fmt.Errorf("%w: %s is already used or skipped", ErrNumberUsed, d.InvoiceNumber)
		}
		return &numberClaim{track: t, n: n, number: d.InvoiceNumber}, nil
	}
	if len(s.tracks) == 0 {
		return nil, fmt.Errorf("%w: %s: no track is imported for %s", ErrNumberNotInTrack, d.InvoiceNumber, key)
	}
	return nil, fmt.Errorf("%w: %s is outside the tracks of %s (%s)", ErrNumberNotInTrack, d.InvoiceNumber, key, s.ranges())
}

// use records a claimed number as used by document docID; the row is
// written with the document's batch.
func (it *IntakeTx) use(c *numberClaim, docID int64) {
	it.batch.nums = append(it.batch.nums, numberUse{track: c.track.ID, number: c.number, doc: docID})
	c.track.taken[c.n] = true
	c.track.advance()
}

// saveTracks stores the tracks' new next numbers.
func (it *IntakeTx) saveTracks() error {
	for _, s := range it.sets {
		for _, t := range s.tracks {
			if t.Next == t.saved {
				continue
			}
			if _, err := it.stmts.saveNext.ExecContext(it.ctx, t.Next, t.ID); err != nil {
				return fmt.Errorf("save next number of track %s: %w", t.Track, err)
			}
			t.saved = t.Next
		}
	}
	return nil
}
