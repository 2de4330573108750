package archive

import (
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/archive/archivetest"
	"github.com/turnkeyd/turnkeyd/ledger"
)

const (
	testSeller = archivetest.Seller
	testPeriod = archivetest.Period
	testDate   = archivetest.Date
)

var (
	newClock      = archivetest.NewClock
	testLedger    = archivetest.Ledger
	issueInvoices = archivetest.IssueInvoices
	settle        = archivetest.Settle
	intakeSeq     = &archivetest.IntakeSeq
)

func newTestArchive(tb testing.TB, l *ledger.Ledger, dir string, now func() time.Time) *Archive {
	tb.Helper()
	a, err := New(Config{Dir: dir, Ledger: l, Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
