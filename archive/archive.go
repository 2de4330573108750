package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// batch is how many due documents one pass takes from the ledger.
const batch = 256

// Config is what an Archive needs.
type Config struct {
	Dir      string         // the archive's folder
	Ledger   *ledger.Ledger // where due documents come from
	Log      *slog.Logger
	Now      func() time.Time // time.Now when nil
	Location *time.Location   // the time zone of manifest days; UTC when nil
	Interval time.Duration    // how often Run catches up
	Trigger  <-chan time.Time // when set, replaces the Interval timer (tests step it)
	// Inbound maps a received message type ("E0501", "E0504") to the folder
	// Turnkey leaves those files in; they are archived as they appear.
	Inbound map[string]string
	// Received lists and reads the Inbound folders: on this machine, or on
	// the Turnkey host over SFTP (the daemon passes its Turnkey target); the
	// local file system when nil.
	Received Received
	Registry prometheus.Registerer // metrics turnkeyd_archive_*; none when nil
	// KeepBodies is how long after archiving an accepted document its body
	// stays in the ledger; 0 keeps bodies forever.
	KeepBodies time.Duration
	// VerifyEvery is how often Run verifies the whole archive (as
	// `turnkeyd archive verify` does) when nothing else has; 0: never.
	VerifyEvery time.Duration
}

// Archive copies what turnkeyd handed to Turnkey, and what it received,
// into the archive's folder and lists it in the day's manifest.
type Archive struct {
	cfg      Config
	log      *slog.Logger
	metrics  *metrics
	manifest *manifestWriter
	inbound  map[string]inboundSeen
	failed   map[int64]bool // documents whose failure was logged
	verified time.Time      // when Run last verified (clean or not)
}

// New builds an archive on cfg.Dir; it touches no file and starts nothing.
func New(cfg Config) (*Archive, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 10 * time.Second
	}
	return &Archive{cfg: cfg, log: cfg.Log, metrics: newMetrics(cfg.Registry, cfg.Dir),
		inbound: map[string]inboundSeen{}, failed: map[int64]bool{}}, nil
}

// open prepares the archive's folder on the first pass: a folder that
// cannot be used is an error of the pass (logged, tried again), never a
// reason for the daemon not to start.
func (a *Archive) open() error {
	if a.manifest != nil {
		return nil
	}
	if err := os.MkdirAll(a.cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("archive.dir %s: %w", a.cfg.Dir, err)
	}
	if _, err := atomicfile.RemoveTemps(filepath.Join(a.cfg.Dir, stagingDir)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("archive.dir %s: %w", a.cfg.Dir, err)
	}
	mw, err := openManifests(a.cfg.Dir, a.cfg.Location)
	if err != nil {
		return fmt.Errorf("archive.dir %s: %w", a.cfg.Dir, err)
	}
	a.manifest = mw
	return nil
}

// Run catches up at once and then every Interval until ctx ends. A failed
// pass is logged and tried again at the next; the upload path never waits
// for the archive.
func (a *Archive) Run(ctx context.Context) error {
	tick := a.cfg.Trigger
	if tick == nil {
		t := time.NewTicker(a.cfg.Interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		if _, err := a.CatchUp(ctx); err != nil && ctx.Err() == nil {
			a.metrics.errors.Inc()
			a.log.Error("archive pass failed; trying again at the next", "err", err)
		}
		a.verifyIfDue()
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
		}
	}
}

// verifyIfDue verifies the whole archive when neither Run nor `turnkeyd
// archive verify` did within VerifyEvery, and logs each problem.
func (a *Archive) verifyIfDue() {
	if a.cfg.VerifyEvery <= 0 {
		return
	}
	now := a.cfg.Now()
	last, err := LastVerified(a.cfg.Dir)
	if err != nil || a.verified.After(last) {
		last = a.verified
	}
	if now.Sub(last) < a.cfg.VerifyEvery {
		return
	}
	a.verified = now
	recorded, err := a.cfg.Ledger.ArchivedPaths(context.Background())
	var r *Report
	if err == nil {
		r, err = VerifyDir(a.cfg.Dir, "", now, recorded)
	}
	switch {
	case err != nil:
		a.log.Error("archive verify failed; trying again in archive.verify_every", "err", err)
	case r.OK():
		a.log.Info("archive verified intact", "manifests", r.Manifests, "files", r.Listed)
	default:
		for _, p := range r.Problems {
			a.log.Error("archive verify: "+p.Kind, "path", p.Path, "detail", p.Detail)
		}
		a.log.Error("archive verify found problems: restore the files named from a backup, or find out who changed them",
			"problems", len(r.Problems))
	}
}

// CatchUp archives every due document and every new received file, and
// returns how many files it wrote.
func (a *Archive) CatchUp(ctx context.Context) (int, error) {
	if err := a.open(); err != nil {
		return 0, err
	}
	total := 0
	var after int64 // documents that failed stay behind; the pass goes on past them
	for {
		n, more, err := a.pass(ctx, &after)
		total += n
		if err != nil || !more {
			if err == nil {
				var m int
				m, err = a.archiveInbound(ctx)
				total += m
			}
			if err == nil {
				err = a.dropBodies(ctx)
			}
			return total, err
		}
	}
}

// pass archives one batch of due documents with ids above *after and
// moves *after past them; more reports a full batch.
func (a *Archive) pass(ctx context.Context, after *int64) (n int, more bool, err error) {
	due, err := a.cfg.Ledger.ArchiveDue(ctx, *after, batch)
	if err != nil || len(due) == 0 {
		return 0, false, err
	}
	*after = due[len(due)-1].ID
	var files []atomicfile.File
	var entries []Entry
	var recs []ledger.ArchiveRecord
	now := a.cfg.Now()
	for i := range due {
		fs, es, rec, err := a.prepare(&due[i], now)
		if err != nil {
			if !a.failed[due[i].ID] {
				a.failed[due[i].ID] = true
				a.metrics.errors.Inc()
				a.log.Error("document not archived; it stays due", "document", due[i].ID, "err", err)
			}
			continue
		}
		files, entries, recs = append(files, fs...), append(entries, es...), append(recs, rec)
	}
	if err := a.write(files); err != nil {
		return 0, false, err
	}
	if err := a.manifest.add(entries, now); err != nil {
		return 0, false, err
	}
	if err := a.cfg.Ledger.MarkArchived(ctx, recs); err != nil {
		return 0, false, err
	}
	a.metrics.files.Add(float64(len(files)))
	return len(files), len(due) == batch, nil
}

// prepare returns the files of one due document: its XML unless archived,
// and its verdict once settled.
func (a *Archive) prepare(it *ledger.ArchiveItem, now time.Time) ([]atomicfile.File, []Entry, ledger.ArchiveRecord, error) {
	rec := ledger.ArchiveRecord{DocumentID: it.ID, State: it.State, XMLPath: it.XMLPath}
	var files []atomicfile.File
	var entries []Entry
	if !it.Archived {
		md, err := mig.DecodeJSON(mig.MessageType(it.MsgType), it.Body)
		if err != nil {
			return nil, nil, rec, fmt.Errorf("document %d: %w", it.ID, err)
		}
		xml, err := mig.Render(md)
		if err != nil {
			return nil, nil, rec, fmt.Errorf("document %d: render: %w", it.ID, err)
		}
		sum := sha256.Sum256(xml)
		rec.SHA256, rec.Size = hex.EncodeToString(sum[:]), int64(len(xml))
		if rec.SHA256 != it.XMLSHA256 {
			return nil, nil, rec, fmt.Errorf("document %d (%s): the XML rendered from the ledger has SHA-256 %s, the ledger recorded %s for the file handed to Turnkey; not archiving other bytes than those handed over",
				it.ID, it.FileName, rec.SHA256, it.XMLSHA256)
		}
		period, err := documentPeriod(&it.Document, md)
		if err != nil {
			return nil, nil, rec, err
		}
		rec.XMLPath = documentPath(&it.Document, period, documentKey(&it.Document, md))
		files = append(files, a.file(rec.XMLPath, xml))
		entries = append(entries, Entry{Path: rec.XMLPath, SHA256: rec.SHA256, Size: rec.Size, Message: it.MsgType,
			Number: documentKey(&it.Document, md), Time: now})
	}
	if (it.State == ledger.StateAccepted || it.State == ledger.StateRejected) && it.VerdictPath == "" {
		data, err := verdictJSON(&it.Document)
		if err != nil {
			return nil, nil, rec, err
		}
		rec.VerdictPath = verdictPath(rec.XMLPath)
		sum := sha256.Sum256(data)
		files = append(files, a.file(rec.VerdictPath, data))
		entries = append(entries, Entry{Path: rec.VerdictPath, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)),
			Message: "verdict", Number: path.Base(rec.XMLPath), Time: now})
	}
	return files, entries, rec, nil
}

func (a *Archive) file(rel string, data []byte) atomicfile.File {
	return atomicfile.File{Dir: filepath.Join(a.cfg.Dir, filepath.FromSlash(path.Dir(rel))), Name: path.Base(rel), Data: data}
}

// write writes files durably, creating their folders first.
func (a *Archive) write(files []atomicfile.File) error {
	made := map[string]bool{}
	for _, f := range files {
		if made[f.Dir] {
			continue
		}
		rel, err := filepath.Rel(a.cfg.Dir, f.Dir)
		if err != nil {
			return err
		}
		if err := mkdirDurable(a.cfg.Dir, rel); err != nil {
			return err
		}
		made[f.Dir] = true
	}
	if err := atomicfile.WriteAll(filepath.Join(a.cfg.Dir, stagingDir), files); err != nil {
		return fmt.Errorf("archive %d files: %w", len(files), err)
	}
	return nil
}

// Verdict is the platform's last word on a document, as archived beside
// its XML.
type Verdict struct {
	Document int64     `json:"document"`
	Message  string    `json:"message"`
	Number   string    `json:"number"`
	OrderID  string    `json:"order_id"`
	State    string    `json:"state"`
	Code     string    `json:"code"`
	Text     string    `json:"text"`
	Location string    `json:"location"`
	At       time.Time `json:"at"`
}

func verdictJSON(d *ledger.Document) ([]byte, error) {
	number := d.InvoiceNumber
	if d.AllowanceNumber != "" {
		number = d.AllowanceNumber
	}
	v := Verdict{Document: d.ID, Message: d.MsgType, Number: number, OrderID: d.OrderID, State: d.State,
		Code: d.ResultCode, Text: d.ResultMessage, Location: d.Location, At: d.UpdatedAt.UTC()}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("verdict of document %d: %w", d.ID, err)
	}
	return b.Bytes(), nil
}
