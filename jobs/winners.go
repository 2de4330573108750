package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// KindE0504 is the kind of E0504 files in the ledger's result files.
const KindE0504 = "e0504"

// prizeTypes maps the E0504 PrizeType codes to prize names: MOF publishes
// no code list; these are UXB2B's numbering (1 特別獎 … 8 六獎, 9 增開六獎),
// which the simulator uses too (domain.md §6.1).
var prizeTypes = map[string]string{
	"1": PrizeSpecial, "2": PrizeGrand, "3": PrizeFirst, "4": PrizeSecond, "5": PrizeThird,
	"6": PrizeFourth, "7": PrizeFifth, "8": PrizeSixth, "9": PrizeSixth,
}

// Winners is the winners job: every E0504 (winner list) Turnkey downloads
// is matched to the ledger, each winning invoice of ours gets its prize in
// its history, and the ERP gets spool/out/winners-<YYYMM>.csv.
type Winners struct {
	Ledger  *ledger.Ledger
	Dir     string // Turnkey's E0504 download folder
	Folder  Folder // reads Dir (local or over SFTP); the local file system when nil
	OutDir  string // the spool's out/ folder
	Log     *slog.Logger
	unknown prometheus.Counter
	prizes  *prometheus.CounterVec
}

// Register adds the job's metrics to reg.
func (w *Winners) Register(reg prometheus.Registerer) {
	w.unknown = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "turnkeyd_job_winners_unknown_total",
		Help: "Winning invoices of an E0504 that are not in the ledger (reported in the log and the winners file).",
	})
	w.prizes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "turnkeyd_job_winners_prizes_total",
		Help: "Winning invoices of ours recorded from E0504 winner lists, by prize.",
	}, []string{"prize"})
	reg.MustRegister(w.unknown, w.prizes)
}

// Run reads the E0504 files not read yet (of any period) and writes the
// winners file of each period they name. The run is waiting (not failed)
// while no list of period has arrived: the platform sends it from the
// 28th of the odd month after the period.
func (w *Winners) Run(ctx context.Context, period string) (string, error) {
	paths, err := folderOr(w.Folder).List(ctx, w.Dir)
	if err != nil {
		return "", err
	}
	read := 0
	for _, p := range paths {
		done, err := w.file(ctx, p)
		if err != nil {
			return "", err
		}
		if done {
			read++
		}
	}
	recs, err := w.Ledger.Prizes(ctx, period)
	if err != nil {
		return "", err
	}
	if len(recs) == 0 {
		return "", fmt.Errorf("%w: no winner list (E0504) of period %s yet (%d files read)", ErrWaiting, period, read)
	}
	name, err := w.WriteFile(period, recs)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%d winners of %s in %s", len(recs), period, name), nil
}

// file reads one E0504 unless read before; done reports it was read now.
// An unreadable file is recorded as such and reported, never retried.
func (w *Winners) file(ctx context.Context, path string) (bool, error) {
	data, err := folderOr(w.Folder).ReadFile(ctx, path)
	if err != nil {
		return false, err
	}
	sum := sha256.Sum256(data)
	rf := ledger.ResultFile{Kind: KindE0504, Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
	if seen, err := w.Ledger.ResultSeen(ctx, path, rf.SHA256); err != nil || seen {
		return false, err
	}
	doc, perr := mig.Parse(data)
	list, ok := doc.(*mig.WinnerList)
	if perr == nil && !ok {
		perr = fmt.Errorf("a %T, not an E0504 winner list", doc)
	}
	if perr != nil {
		rf.Status, rf.Error = ledger.ResultUnreadable, perr.Error()
		if _, err := w.Ledger.Apply(ctx, rf, nil); err != nil {
			return false, err
		}
		w.Log.Error("E0504 file unreadable: check it and the prizes by hand (turnkeyd prizes)", "file", path, "err", perr)
		return true, nil
	}
	winners := make([]ledger.Winner, len(list.Prizes))
	for i, p := range list.Prizes {
		prize, ok := prizeTypes[p.PrizeType]
		if !ok {
			prize = "type " + p.PrizeType
		}
		amount, _ := strconv.ParseInt(p.PrizeAmount.String(), 10, 64)
		winners[i] = ledger.Winner{Period: list.YearMonth, InvoiceNumber: p.InvoiceNumber, Prize: prize, PrizeType: p.PrizeType,
			Amount: amount, DepositMark: p.DepositMark, CarrierType: p.CarrierType, PrintType: p.PrintType}
	}
	recs, err := w.Ledger.RecordWinners(ctx, rf, winners)
	if err != nil {
		return false, err
	}
	for _, r := range recs {
		if r.DocumentID == 0 {
			w.Log.Error("a winner of the platform's list is not in the ledger: check it with the platform", "period", r.Period,
				"invoice", r.InvoiceNumber, "prize", r.Prize, "file", path)
			if w.unknown != nil {
				w.unknown.Inc()
			}
		} else if w.prizes != nil {
			w.prizes.WithLabelValues(r.Prize).Inc()
		}
	}
	w.Log.Info("E0504 winner list read", "file", path, "period", list.YearMonth, "winners", len(recs))
	all, err := w.Ledger.Prizes(ctx, list.YearMonth)
	if err != nil {
		return false, err
	}
	_, err = w.WriteFile(list.YearMonth, all)
	return true, err
}

// WinnersHeader is the header of spool/out/winners-<YYYMM>.csv.
var WinnersHeader = []string{"invoice_number", "order_id", "invoice_date", "prize", "amount", "carrier_type", "print_required"}

// WriteFile writes the winners file of period atomically and returns its
// name. A winner not in the ledger has an empty order_id. print_required
// is Y for an invoice without a carrier that the platform did not pay by
// transfer (deposit mark not Y): the seller prints and delivers it.
func (w *Winners) WriteFile(period string, recs []ledger.PrizeRecord) (string, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	cw.Write(WinnersHeader)
	for _, r := range recs {
		print := "N"
		if r.CarrierType == "" && r.DepositMark != "Y" {
			print = "Y"
		}
		cw.Write([]string{r.InvoiceNumber, r.OrderID, r.InvoiceDate, r.Prize, strconv.FormatInt(r.Amount, 10), r.CarrierType, print})
	}
	cw.Flush()
	name := "winners-" + period + ".csv"
	if err := errors.Join(cw.Error(), atomicfile.Write(w.OutDir, name, b.Bytes())); err != nil {
		return "", fmt.Errorf("winners file %s: %w", name, err)
	}
	return name, nil
}

// WinnersKey is the winners job's key for a tick: the latest period whose
// winner list is due by then (from the 28th of the odd month after it).
func WinnersKey(t time.Time) string {
	if t.Month()%2 == 1 && t.Day() < 28 {
		return PreviousPeriod(time.Date(t.Year(), t.Month()-1, 1, 0, 0, 0, 0, t.Location()))
	}
	return PreviousPeriod(t)
}
