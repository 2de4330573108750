package daemon

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// missingGrace is how long a file may be neither in Turnkey's upload
// folder nor in its BAK or ERR folder before it counts as lost: Turnkey
// moves a file from SRC to BAK in one rename, so even a slow move is over
// long before this.
const missingGrace = 2 * time.Minute

// missingFiles follows the documents whose file left SRC without appearing
// in BAK or ERR (SRC deleted or emptied by hand, a lost mount): seen once,
// looked for again; still missing after the grace period, handed to
// Turnkey once more (recorded in the ledger); missing after that too,
// reported and left to a person.
type missingFiles struct {
	since    map[int64]time.Time // document → when its file was first missed
	reported map[int64]bool      // redelivered once already and missing again
}

// missing is called for a document in flight whose file is in none of
// Turnkey's folders. It returns whether the document was marked for
// redelivery (the next flush writes it again).
func (r *Results) missing(ctx context.Context, dir string, d ledger.Handoff) (bool, error) {
	m := &r.lost
	if m.since == nil {
		m.since, m.reported = map[int64]time.Time{}, map[int64]bool{}
	}
	now := r.clock()
	first, seen := m.since[d.ID]
	if !seen {
		m.since[d.ID] = now
		return false, nil
	}
	grace := r.grace
	if grace == 0 {
		grace = missingGrace
	}
	if now.Sub(first) < grace || m.reported[d.ID] {
		return false, nil
	}
	path := filepath.Join(dir, d.FileName)
	detail := fmt.Sprintf("%s left Turnkey's upload folder without reaching BAK or ERR (missing since %s)", path, first.Format(time.RFC3339))
	again, err := r.ledger.Redeliver(ctx, d.ID, detail)
	if err != nil {
		return false, err
	}
	r.metrics.missing.Inc()
	delete(m.since, d.ID)
	if !again {
		m.reported[d.ID] = true
		r.log.Error("a file handed to Turnkey is gone again after its redelivery; not sent a third time",
			"document", d.ID, "file", path, "todo", "check what removes files from Turnkey's upload folders; 'turnkeyd invoice show NUMBER' has the history")
		return false, nil
	}
	r.log.Warn("a file handed to Turnkey left its upload folder without reaching BAK or ERR; handing it over again",
		"document", d.ID, "file", path, "missing_since", first)
	return true, nil
}

// forgetMissing drops what is known of the files of docs (one folder's
// documents in flight) that are no longer missing.
func (r *Results) forgetMissing(docs []ledger.Handoff, missingNow map[int64]bool) {
	for _, d := range docs {
		if !missingNow[d.ID] {
			delete(r.lost.since, d.ID)
		}
	}
}

func (r *Results) clock() time.Time {
	if r.now != nil {
		return r.now()
	}
	return time.Now()
}
