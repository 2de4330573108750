package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/jobs"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// blankJob is the blank job: after a period ends, the unused numbers of
// each seller's tracks of it become E0402 messages, accepted into the
// ledger like any document (the handoff writes them to Turnkey and the
// verdicts follow them), and the period's tracks are closed.
type blankJob struct {
	cfg       *Config
	ledger    *ledger.Ledger
	validator *mig.Validator
	version   mig.Version
	now       func() time.Time
	handoff   func(context.Context) error // writes accepted documents to Turnkey; nil: the daemon does
	log       *slog.Logger
}

// plan returns what the period's E0402 messages report (nothing changes).
func (b *blankJob) plan(ctx context.Context, period string) ([]ledger.BlankReport, error) {
	if err := b.ended(period); err != nil {
		return nil, err
	}
	return b.ledger.BlankReports(ctx, period)
}

// ended checks that period is over.
func (b *blankJob) ended(period string) error {
	start, err := jobs.PeriodStart(period, b.cfg.Location())
	if err != nil {
		return err
	}
	if end := start.AddDate(0, 2, 0); b.now().Before(end) {
		return fmt.Errorf("period %s ends at %s: its blank ranges can be reported only after that", period, end.Format("2006-01-02 15:04"))
	}
	return nil
}

// Run reports the blank ranges of period and closes its tracks, once: a
// run for a period reported already (a crash after the commit) only hands
// the documents to Turnkey if they are not there yet.
func (b *blankJob) Run(ctx context.Context, period string) (string, error) {
	if err := b.ended(period); err != nil {
		return "", err
	}
	name := "E0402-" + period
	sum := sha256.Sum256([]byte(name))
	hash := hex.EncodeToString(sum[:])
	in, err := b.ledger.FindIntake(ctx, name, hash)
	if err != nil {
		return "", err
	}
	if in == nil {
		in, err = b.ledger.Intake(ctx, name, hash, 0, func(tx *ledger.IntakeTx) error { return b.accept(tx, period) })
		if err != nil && !errors.Is(err, ledger.ErrPeriodClosed) {
			return "", err
		}
	}
	if in != nil {
		if err := b.ledger.MarkAnswered(ctx, in.ID); err != nil {
			return "", err
		}
		if err := b.ledger.MarkDone(ctx, in.ID); err != nil {
			return "", err
		}
	}
	if b.handoff != nil {
		if err := b.handoff(ctx); err != nil {
			return "", err
		}
	}
	docs, err := b.ledger.BlankDocuments(ctx, period)
	if err != nil {
		return "", err
	}
	parts := make([]string, len(docs))
	for i, d := range docs {
		parts[i] = fmt.Sprintf("%s %s", d.FileName, d.State)
	}
	return fmt.Sprintf("period %s closed; %d E0402: %s", period, len(docs), strings.Join(parts, ", ")), nil
}

// accept closes the period in the intake transaction and accepts one E0402
// document per seller, invoice type and track letters with unused numbers.
func (b *blankJob) accept(tx *ledger.IntakeTx, period string) error {
	reports, err := tx.ClosePeriod(period)
	if err != nil {
		return err
	}
	line := 0
	for _, r := range reports {
		if len(r.Ranges) == 0 {
			continue // every number used: nothing to report
		}
		line++
		doc, err := b.document(r, line, tx.Intake().ID)
		if err != nil {
			return err
		}
		if _, err := tx.Accept(doc); err != nil {
			return fmt.Errorf("E0402 %s: %w", r.OrderID(), err)
		}
		b.log.Info("E0402 accepted", "seller", r.SellerBAN, "type", r.InvoiceType, "period", period, "track", r.Letters,
			"blank", r.RangesText(), "file", doc.FileName)
	}
	return nil
}

// document renders and validates the E0402 of a report.
func (b *blankJob) document(r ledger.BlankReport, line int, intake int64) (*ledger.Document, error) {
	md := &mig.BlankTracks{Head: mig.Head{Type: mig.E0402, Version: b.version}, HeadBAN: r.SellerBAN, BranchBAN: r.SellerBAN,
		InvoiceType: r.InvoiceType, YearMonth: r.Period, Track: r.Letters}
	for _, x := range r.Ranges {
		md.Ranges = append(md.Ranges, mig.NumberRange{Begin: fmt.Sprintf("%08d", x.Begin), End: fmt.Sprintf("%08d", x.End)})
	}
	xml, violations, err := b.validator.Render(md)
	if err != nil {
		return nil, fmt.Errorf("E0402 %s: %w", r.OrderID(), err)
	}
	if len(violations) > 0 {
		return nil, fmt.Errorf("E0402 %s does not validate: %v", r.OrderID(), violations)
	}
	body, err := json.Marshal(md)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(xml)
	return &ledger.Document{Line: line, SellerBAN: r.SellerBAN, Action: ledger.ActionBlank, OrderID: r.OrderID(),
		MsgType: string(mig.E0402), MIGVersion: string(b.version), InvoiceType: r.InvoiceType, Body: body,
		XMLSHA256: hex.EncodeToString(sum[:]), TargetDir: b.cfg.UploadDir(md.Head),
		FileName: fmt.Sprintf("E0402_%s_%s_%s_%s_%d-%d.xml", r.SellerBAN, r.Period, r.InvoiceType, r.Letters, intake, line)}, nil
}

// blankDeadline is the end of the day by which the blank ranges of the
// period before the one of t are due: the 10th of the odd month.
func blankDeadline(period string, loc *time.Location) (time.Time, error) {
	start, err := jobs.PeriodStart(period, loc)
	if err != nil {
		return time.Time{}, err
	}
	return start.AddDate(0, 2, 10), nil // the 11th 00:00 of the month after the period
}

// registerBlankMetrics adds turnkeyd_job_blank_deadline_timestamp_seconds:
// the deadline of the oldest ended period whose blank ranges are not yet
// accepted by the platform (0 when none).
func registerBlankMetrics(reg prometheus.Registerer, l *ledger.Ledger, loc *time.Location, now func() time.Time, log *slog.Logger) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "turnkeyd_job_blank_deadline_timestamp_seconds",
		Help: "Deadline (end of the 10th of the odd month) of the oldest ended period whose blank tracks (E0402) the platform has not accepted; 0 when none.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		periods, err := l.PendingBlankPeriods(ctx, jobs.Period(now().In(loc)))
		if err != nil || len(periods) == 0 {
			if err != nil {
				log.Warn("blank deadline check failed", "err", err)
			}
			return 0
		}
		d, err := blankDeadline(periods[0], loc)
		if err != nil {
			return 0
		}
		return float64(d.Unix())
	}))
}

// PlanBlank prints what the blank job reports for period (`turnkeyd blank
// -dry-run`) without changing anything.
func PlanBlank(ctx context.Context, cfg *Config, period string, out io.Writer) error {
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	b := &blankJob{cfg: cfg, ledger: l, now: time.Now}
	reports, err := b.plan(ctx, period)
	if err != nil {
		return err
	}
	if ps, err := l.ClosedPeriods(ctx); err == nil && slices.Contains(ps, period) {
		fmt.Fprintf(out, "period %s is closed: its blank ranges are reported already\n", period)
	}
	if len(reports) == 0 {
		fmt.Fprintf(out, "no tracks in period %s\n", period)
	}
	for _, r := range reports {
		fmt.Fprintf(out, "E0402 seller %s type %s period %s track %s: %d allocated, %d used, blank %s\n", r.SellerBAN, r.InvoiceType,
			r.Period, r.Letters, r.Allocated, r.Allocated-r.Unused(), orNone(r.RangesText()))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "none (every number used)"
	}
	return s
}

// Blank is `turnkeyd blank`: with dryRun, what the blank job reports for
// period; otherwise the blank job run for period now, under the same lease
// and idempotence as the daemon's runs. The running daemon hands the
// documents to Turnkey at its next results poll.
func Blank(ctx context.Context, cfg *Config, period string, dryRun bool, out, stderr io.Writer) error {
	if dryRun {
		return PlanBlank(ctx, cfg, period, out)
	}
	if err := RunJob(ctx, cfg, "blank", period, out, stderr); err != nil {
		return err
	}
	fmt.Fprintf(out, "the daemon (turnkeyd run) hands the E0402 files to Turnkey within turnkey.poll (%s) and follows their verdicts: see `turnkeyd invoice list -state all`\n", cfg.Turnkey.Poll)
	return nil
}
