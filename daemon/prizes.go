package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// ErrDisagreement: our prize check and the platform's winner list differ.
var ErrDisagreement = errors.New("prize check disagrees with the platform's winner list")

func readWinningNumbers(path string) (jobs.WinningNumbers, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return jobs.WinningNumbers{}, err
	}
	w, err := jobs.ParseWinningNumbers(data)
	if err != nil {
		return w, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// PrizesCheck prints, for each invoice number, "NUMBER PRIZE AMOUNT" under
// the winning numbers of the QryWinningList JSON file numbersPath
// (`turnkeyd prizes check`).
func PrizesCheck(numbersPath string, numbers []string, out io.Writer) error {
	w, err := readWinningNumbers(numbersPath)
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range numbers {
		prize, amount, err := jobs.Prize(strings.TrimSpace(n), w)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(out, "%s %s %d\n", n, prize, amount)
	}
	return errors.Join(errs...)
}

// PrizesPeriod checks every invoice of period in the ledger against the
// winning numbers (`turnkeyd prizes -period`): one line per invoice, a note
// where it cannot claim (a buyer with a BAN, a voided invoice), and, where
// the platform's winner list (E0504) of the period is in, every
// disagreement between the two. The check is recorded as a run of the job
// "prizes" (failed when they disagree; the daemon's metrics show it).
func PrizesPeriod(ctx context.Context, cfg *Config, numbersPath, period string, out io.Writer) error {
	w, err := readWinningNumbers(numbersPath)
	if err != nil {
		return err
	}
	if w.Period != "" && w.Period != period {
		return fmt.Errorf("%s holds the numbers of period %s, not %s", numbersPath, w.Period, period)
	}
	start, err := jobs.PeriodStart(period, cfg.Location())
	if err != nil {
		return err
	}
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	invs, err := l.PeriodInvoices(ctx, string(mig.DateOf(start)), string(mig.DateOf(start.AddDate(0, 2, -1))))
	if err != nil {
		return err
	}
	listed, err := l.Prizes(ctx, period)
	if err != nil {
		return err
	}
	platform := map[string]ledger.PrizeRecord{}
	for _, r := range listed {
		platform[r.InvoiceNumber] = r
	}
	var disagree []string
	for _, inv := range invs {
		prize, amount, err := jobs.Prize(inv.InvoiceNumber, w)
		if err != nil {
			return err
		}
		claimable := true
		note := ""
		switch {
		case inv.Voided:
			claimable, note = false, "  (voided or cancelled: cannot win)"
		case inv.BuyerBAN != "" && inv.BuyerBAN != mig.Consumer:
			claimable, note = false, fmt.Sprintf("  (buyer BAN %s: a business or government buyer cannot claim)", inv.BuyerBAN)
		}
		if prize == jobs.PrizeNone {
			note = ""
		}
		fmt.Fprintf(out, "%s %s %d%s\n", inv.InvoiceNumber, prize, amount, note)
		if len(listed) == 0 {
			continue
		}
		got, inList := platform[inv.InvoiceNumber]
		delete(platform, inv.InvoiceNumber)
		switch {
		case claimable && prize != jobs.PrizeNone && !inList:
			disagree = append(disagree, fmt.Sprintf("%s: we find %s, the platform's list does not have it", inv.InvoiceNumber, prize))
		case inList && (!claimable || prize != got.Prize):
			disagree = append(disagree, fmt.Sprintf("%s: we find %s%s, the platform's list says %s", inv.InvoiceNumber, prize, note, got.Prize))
		}
	}
	for _, r := range listed {
		if _, left := platform[r.InvoiceNumber]; left {
			disagree = append(disagree, fmt.Sprintf("%s: the platform's list says %s; it is no invoice of ours in period %s", r.InvoiceNumber, r.Prize, period))
		}
	}
	if len(listed) == 0 {
		fmt.Fprintf(out, "no winner list (E0504) of %s in the ledger yet: nothing to compare\n", period)
	}
	for _, d := range disagree {
		fmt.Fprintln(out, "DISAGREE", d)
	}
	outcome, summary := ledger.JobOK, fmt.Sprintf("%d invoices checked, %d disagreements", len(invs), len(disagree))
	if len(disagree) > 0 {
		outcome, summary = ledger.JobFailed, summary+": "+strings.Join(disagree, "; ")
	}
	if err := recordRun(ctx, l, "prizes", period, outcome, summary); err != nil {
		return err
	}
	if len(disagree) > 0 {
		return fmt.Errorf("%w: %d invoices (listed above); ask the platform (or check the E0504 file) before paying or printing prizes",
			ErrDisagreement, len(disagree))
	}
	return nil
}

// recordRun records a check done by hand as a run in the ledger.
func recordRun(ctx context.Context, l *ledger.Ledger, job, key, outcome, output string) error {
	host, _ := os.Hostname()
	run, _, err := l.BeginJobRun(ctx, job+"-check", key+"-"+time.Now().UTC().Format(time.RFC3339Nano), time.Time{},
		fmt.Sprintf("%s:%d", host, os.Getpid()), time.Minute)
	if err != nil {
		return err
	}
	return l.EndJobRun(ctx, run, outcome, output)
}

// registerWinnersMetrics adds turnkeyd_job_winners_list_missing: 1 from the
// 1st of an even month while the winner list (E0504) of the period before
// the last has not arrived although the seller had tracks in it.
func registerWinnersMetrics(reg prometheus.Registerer, l *ledger.Ledger, cfg *Config, now func() time.Time, log *slog.Logger) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_job_winners_list_missing",
		Help: "1 from the 1st of an even month while the previous period's winner list (E0504) has not arrived (a period with no winner gets none).",
	}, func() float64 {
		t := now().In(cfg.Location())
		if t.Month()%2 != 0 {
			return 0
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		period := jobs.PreviousPeriod(t)
		has, err := l.HasTracks(ctx, cfg.Seller.BAN, period)
		if err != nil || !has {
			return 0
		}
		recs, err := l.Prizes(ctx, period)
		if err != nil {
			log.Warn("winner list check failed", "err", err)
			return 0
		}
		if len(recs) == 0 {
			return 1
		}
		return 0
	}))
}
