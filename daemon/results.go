package daemon

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// Results is the component that reads Turnkey's side and moves documents
// through their lifecycle: a file Turnkey moved from SRC to BAK was picked
// up (uploaded), one it moved to ERR it refused itself (rejected, ERR);
// ProcessResult files refuse the documents they name; SummaryResult files
// accept their Good invoices and refuse their Failed ones. Each result file
// is applied once (recorded in the ledger with its content hash); one that
// cannot be read is copied aside with an error file, never deleted.
type Results struct {
	ledger   *ledger.Ledger
	folders  turnkey.Reader // Turnkey's folders, through the target
	status   *statusWriter
	written  func(context.Context) error // hands released documents to Turnkey
	dirs     map[string]string           // result kind → folder
	aside    string                      // where unreadable result files are copied
	interval time.Duration
	trigger  <-chan time.Time // replaces the interval timer in tests
	log      *slog.Logger
	metrics  *resultMetrics
	maxSize  int64               // largest result file read; maxResultFileSize when 0
	unread   map[string]asideKey // result files set aside unread, as they were then
	now      func() time.Time    // clock; time.Now when nil
	grace    time.Duration       // missingGrace when 0
	lost     missingFiles
}

// Result file kinds, as the ledger records them.
const (
	kindProcess = "process_result"
	kindSummary = "summary_result"
)

// Run polls Turnkey's folders every interval until ctx ends.
func (r *Results) Run(ctx context.Context) error {
	tick := r.trigger
	if tick == nil {
		t := time.NewTicker(r.interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		if err := r.Cycle(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("reading Turnkey's results failed; retrying at the next poll", "err", err)
			r.metrics.errors.Inc()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}

// Cycle reads what Turnkey did since the last cycle, tells the ERP, and
// hands released documents to Turnkey.
//
// Both result folders are listed before either is applied, and
// ProcessResults go first: Turnkey (or the simulator) may write a message's
// ProcessResult and the SummaryResult naming it between two listings, and
// the ProcessResult carries the reason the summary lacks.
//
// The pickups are looked for after the listings: Turnkey moves a file from
// SRC to BAK before it uploads it, so every file a listed verdict is about
// is in BAK by then, and its document records where (a verdict applied
// first would take it out of flight with its location unknown for good).
func (r *Results) Cycle(ctx context.Context) error {
	var errs []error
	var lists [][]string
	for _, kind := range []string{kindProcess, kindSummary} {
		paths, err := r.list(ctx, kind)
		errs = append(errs, err)
		lists = append(lists, paths)
	}
	errs = append(errs, r.pickups(ctx))
	for i, kind := range []string{kindProcess, kindSummary} {
		// One file that fails never blocks the others of its kind.
		failed, first := 0, error(nil)
		for _, p := range lists[i] {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := r.resultFile(ctx, kind, p); err != nil {
				if failed++; first == nil {
					first = fmt.Errorf("%s %s: %w", kind, p, err)
				}
			}
		}
		if failed > 0 {
			errs = append(errs, fmt.Errorf("%d %s files not applied (tried again at the next poll); the first: %w", failed, kind, first))
		}
	}
	errs = append(errs, r.written(ctx), r.status.flush(ctx))
	return errors.Join(errs...)
}

// pickups finds where Turnkey put the files still believed in SRC. Each
// folder is listed once per cycle, not looked up file by file: a backlog of
// tens of thousands of files waiting for Turnkey costs one ReadDir.
func (r *Results) pickups(ctx context.Context) error {
	docs, err := r.ledger.InFlight(ctx)
	if err != nil || len(docs) == 0 {
		return err
	}
	byDir := map[string][]ledger.Handoff{}
	var dirs []string
	for _, d := range docs {
		if byDir[d.TargetDir] == nil {
			dirs = append(dirs, d.TargetDir)
		}
		byDir[d.TargetDir] = append(byDir[d.TargetDir], d)
	}
	for _, dir := range dirs {
		if err := r.pickupsIn(ctx, dir, byDir[dir]); err != nil {
			return err
		}
	}
	return nil
}

// pickupsIn settles the documents handed to one SRC folder that have left it.
func (r *Results) pickupsIn(ctx context.Context, dir string, docs []ledger.Handoff) error {
	waiting, err := r.folders.Waiting(ctx, dir)
	if err != nil {
		return err
	}
	var gone []ledger.Handoff
	for _, d := range docs {
		if !waiting[d.FileName] {
			gone = append(gone, d)
		}
	}
	missingNow := map[int64]bool{}
	defer func() { r.forgetMissing(docs, missingNow) }()
	if len(gone) == 0 {
		return nil
	}
	oldest := gone[0].WrittenAt
	for _, d := range gone {
		if d.WrittenAt.Before(oldest) {
			oldest = d.WrittenAt
		}
	}
	moved, err := r.folders.Moved(ctx, dir, oldest)
	if err != nil {
		return err
	}
	picked := map[string]int{}
	for _, d := range gone {
		path, ok := moved[d.FileName]
		if !ok { // between SRC and BAK, or removed by someone
			missingNow[d.ID] = true
			if _, err := r.missing(ctx, dir, d); err != nil {
				return err
			}
			continue
		}
		to, cause, code, msg := ledger.StateUploaded, "turnkey-bak", "", "Turnkey picked the file up"
		if strings.Contains(path, string(filepath.Separator)+"ERR"+string(filepath.Separator)) {
			to, cause, code = ledger.StateRejected, "turnkey-err", "ERR"
			msg = "Turnkey refused the file itself and moved it to ERR (its local checks); see Turnkey's log for the reason, fix the order and send it again"
		}
		changed, err := r.apply(ctx, ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
			return r.transition(rt, d.ID, to, cause, code, msg, path)
		})
		if errors.Is(err, ledger.ErrStateConflict) {
			r.log.Warn("Turnkey moved a file the ledger has a verdict for already", "file", path, "err", err)
		} else if err != nil {
			return err
		}
		for state, n := range changed {
			picked[state] += n
		}
	}
	r.logPickups(dir, picked)
	return nil
}

// logPickups logs one line per upload folder and cycle: how many files
// Turnkey took (BAK) and refused itself (ERR); a warning when it refused
// any. Each document's change is at debug level.
func (r *Results) logPickups(dir string, picked map[string]int) {
	if len(picked) == 0 {
		return
	}
	level := slog.LevelInfo
	if picked[ledger.StateRejected] > 0 {
		level = slog.LevelWarn
	}
	r.log.Log(context.Background(), level, "Turnkey picked files up", "dir", dir,
		"uploaded", picked[ledger.StateUploaded], "refused_err", picked[ledger.StateRejected])
}

// list returns the files of a kind, in name order.
func (r *Results) list(ctx context.Context, kind string) ([]string, error) {
	root := r.dirs[kind]
	paths, err := r.folders.List(ctx, root)
	if err != nil {
		return nil, fmt.Errorf("%s folder %s: %w", kind, root, err)
	}
	return paths, nil
}

func (r *Results) resultFile(ctx context.Context, kind, path string) error {
	data, ok, err := r.readResultFile(ctx, kind, path)
	if err != nil || !ok {
		return err
	}
	sum := sha256.Sum256(data)
	file := ledger.ResultFile{Kind: kind, Path: path, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Status: ledger.ResultApplied}
	if seen, err := r.ledger.ResultSeen(ctx, path, file.SHA256); err != nil || seen {
		return err
	}
	var problems []string
	var apply func(rt *ledger.ResultTx) error
	switch kind {
	case kindProcess:
		pr, perr := turnkey.ParseProcessResult(data)
		err = perr
		apply = func(rt *ledger.ResultTx) error { return r.processResult(rt, pr, &problems) }
	case kindSummary:
		sr, perr := turnkey.ParseSummaryResult(data)
		err = perr
		apply = func(rt *ledger.ResultTx) error { return r.summaryResult(rt, sr, &problems) }
	}
	if err != nil {
		return r.unreadable(ctx, file, data, err)
	}
	// The problems are known only once apply ran; the file row is written
	// with them in the same transaction.
	changed, err := r.apply(ctx, ledger.ResultFile{}, func(rt *ledger.ResultTx) error {
		if err := apply(rt); err != nil {
			return err
		}
		if len(problems) > 0 {
			file.Status, file.Error = ledger.ResultInconsistent, strings.Join(problems, "; ")
		}
		return rt.Record(file)
	})
	if err != nil {
		return err
	}
	r.metrics.files.WithLabelValues(kind, file.Status).Inc()
	if len(problems) > 0 {
		r.log.Warn("result file disagrees with itself or the ledger", "kind", kind, "file", path, "problems", file.Error,
			"accepted", changed[ledger.StateAccepted], "rejected", changed[ledger.StateRejected])
	} else {
		r.log.Info("result file applied", "kind", kind, "file", path,
			"accepted", changed[ledger.StateAccepted], "rejected", changed[ledger.StateRejected])
	}
	return nil
}

// processResult refuses each document a ProcessResult names; code 00000
// (訊息存證成功) accepts it.
func (r *Results) processResult(rt *ledger.ResultTx, pr *turnkey.ProcessResult, problems *[]string) error {
	packed, _ := turnkey.PackedAt(pr.MessageID) // zero when unknown
	for i, info := range pr.Results {
		if pr.MessageType == string(mig.E0402) {
			if err := r.blankProcess(rt, info, problems); err != nil {
				return err
			}
			continue
		}
		number, date := info.Parameters[0], info.Parameters[1]
		d, err := rt.FindFailed(pr.MessageType, number, date, packed)
		if err == nil && d == nil {
			d, err = rt.FindForResult(pr.MessageType, number, date, packed)
		}
		if err != nil {
			return err
		}
		if d == nil {
			*problems = append(*problems, fmt.Sprintf("Result/Info[%d] names %s %s %s, which the ledger does not know", i+1, pr.MessageType, number, date))
			continue
		}
		to := ledger.StateRejected
		if strings.Trim(info.Code, "0") == "" {
			to = ledger.StateAccepted
		}
		if err := r.transition(rt, d.ID, to, "process-result", info.Code, info.Description, ""); err != nil {
			*problems = append(*problems, err.Error())
		}
	}
	return nil
}

// summaryResult accepts the Good invoices and refuses the Failed ones of
// each message, and reports a message whose counts disagree. Each verdict
// goes to a document that can be in its message: one created before
// Turnkey packed it (its Id says when), not a resend made since.
func (r *Results) summaryResult(rt *ledger.ResultTx, sr *turnkey.SummaryResult, problems *[]string) error {
	for _, m := range sr.Messages {
		if err := m.Check(); err != nil {
			*problems = append(*problems, fmt.Sprintf("message %s (%s): %v", m.ID, m.MessageType, err))
		}
		if m.MessageType == string(mig.E0402) {
			if err := r.blankSummary(rt, m, problems); err != nil {
				return err
			}
			continue
		}
		packed, _ := turnkey.PackedAt(m.ID) // zero when unknown
		for _, ref := range m.Good.Invoices {
			if err := r.summaryRef(rt, m.MessageType, packed, ref, ledger.StateAccepted, "", "", problems); err != nil {
				return err
			}
		}
		for _, ref := range m.Failed.Invoices {
			if err := r.summaryRef(rt, m.MessageType, packed, ref, ledger.StateRejected, ledger.CodeFailed,
				"the platform's SummaryResult lists it as failed; its ProcessResult, if any, gives the reason", problems); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *Results) summaryRef(rt *ledger.ResultTx, msgType string, packed time.Time, ref turnkey.InvoiceRef, to, code, msg string, problems *[]string) error {
	d, err := rt.FindForResult(msgType, ref.Number, ref.Date, packed)
	if err != nil {
		return err
	}
	if d == nil {
		*problems = append(*problems, fmt.Sprintf("%s %s %s is not in the ledger", msgType, ref.Number, ref.Date))
		return nil
	}
	if to == ledger.StateRejected && d.State == ledger.StateRejected {
		return nil // its ProcessResult refused it already, with the reason
	}
	if err := r.transition(rt, d.ID, to, "summary-result", code, msg, ""); err != nil {
		*problems = append(*problems, err.Error())
	}
	return nil
}

// transition applies a verdict; a conflict with what the ledger knows is
// returned for the caller to report, other errors end the transaction.
func (r *Results) transition(rt *ledger.ResultTx, id int64, to, cause, code, msg, location string) error {
	err := rt.Transition(id, to, cause, code, msg, location)
	if errors.Is(err, ledger.ErrStateConflict) {
		r.metrics.conflicts.Inc()
		return err
	}
	return err
}

// apply runs fn in a ledger transaction, counts what changed, and returns
// the number of documents that changed to each state.
func (r *Results) apply(ctx context.Context, file ledger.ResultFile, fn func(rt *ledger.ResultTx) error) (map[string]int, error) {
	changes, err := r.ledger.Apply(ctx, file, fn)
	if err != nil {
		return nil, err
	}
	changed := map[string]int{}
	for _, c := range changes {
		if c.To == ledger.StateRejected && c.From != ledger.StateRejected { // a refusal, not its reason coming later
			code := c.Code
			if code == "" {
				code = "unknown"
			}
			r.metrics.rejections.WithLabelValues(code).Inc()
		}
		changed[c.To]++
		r.log.Debug("document state", "document", c.Document.ID, "order", c.Document.OrderID, "type", c.Document.MsgType,
			"number", referenceOf(&c.Document), "from", c.From, "to", c.To, "code", c.Code)
	}
	return changed, nil
}

// resultMetrics are the turnkey component's metrics about results.
type resultMetrics struct {
	files      *prometheus.CounterVec
	rejections *prometheus.CounterVec
	conflicts  prometheus.Counter
	errors     prometheus.Counter
	missing    prometheus.Counter
}

func newResultMetrics(reg prometheus.Registerer) *resultMetrics {
	m := &resultMetrics{
		files: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_result_files_total",
			Help: "Turnkey result files read, by kind (process_result, summary_result) and status (applied, inconsistent, unreadable).",
		}, []string{"kind", "status"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_rejections_total",
			Help: "Documents refused by Turnkey (code ERR) or the platform, by code.",
		}, []string{"code"}),
		conflicts: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_verdict_conflicts_total",
			Help: "Verdicts that contradict the ledger (e.g. a refusal of an accepted document); reported, not applied.",
		}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_result_errors_total",
			Help: "Failed attempts to read Turnkey's results; each is retried at the next poll.",
		}),
		missing: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "turnkeyd_turnkey_files_missing_total",
			Help: "Files handed to Turnkey that left its upload folder without reaching BAK or ERR (after a grace period); each is handed over again once.",
		}),
	}
	for _, kind := range []string{kindProcess, kindSummary} {
		for _, st := range []string{ledger.ResultApplied, ledger.ResultInconsistent, ledger.ResultUnreadable} {
			m.files.WithLabelValues(kind, st)
		}
	}
	reg.MustRegister(m.files, m.rejections, m.conflicts, m.errors, m.missing)
	return m
}
