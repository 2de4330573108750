package daemon

import (
	"fmt"
	"io"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// describeImport says what an import brought, for whom, and warns about
// ranges that cannot be what the operator meant: a period that has ended
// (its numbers can no longer be issued) and a seller other than seller.ban
// (used only by rows that name it in seller_ban).
func describeImport(cfg *Config, tracks []ledger.Track, now time.Time, out io.Writer) {
	current := ledger.PeriodOf(now.In(cfg.Location()))
	for _, t := range tracks {
		fmt.Fprintf(out, "  %s-%s: seller %s, invoice type %s, period %s, %d numbers (from %s)\n",
			ledger.FormatNumber(t.Letters, t.Begin), ledger.FormatNumber(t.Letters, t.End), t.SellerBAN, t.InvoiceType,
			describePeriod(t.Period), t.End-t.Begin+1, t.Source)
	}
	warned := map[string]bool{}
	for _, t := range tracks {
		if t.Period < current && !warned["p"+t.Period] {
			warned["p"+t.Period] = true
			fmt.Fprintf(out, "warning: period %s has ended (today is in %s): its numbers can no longer be issued; import the E0501 of the current period\n",
				describePeriod(t.Period), describePeriod(current))
		}
		if t.SellerBAN != cfg.Seller.BAN && !warned["s"+t.SellerBAN] {
			warned["s"+t.SellerBAN] = true
			fmt.Fprintf(out, "warning: seller %s is not this configuration's seller.ban (%s): only rows with seller_ban %s use these numbers\n",
				t.SellerBAN, cfg.Seller.BAN, t.SellerBAN)
		}
	}
}

// describePeriod writes a period ("11512") with its months: 11512 (115/11-12).
func describePeriod(p string) string {
	if len(p) != 5 {
		return p
	}
	var y, m int
	if _, err := fmt.Sscanf(p, "%3d%2d", &y, &m); err != nil {
		return p
	}
	return fmt.Sprintf("%s (%d/%02d-%02d)", p, y, m-1, m)
}
