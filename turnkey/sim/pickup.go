package sim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// envelopeSize is the most messages Turnkey packs into one envelope
// (Turnkey 3.0.2, domain.md §10.1).
const envelopeSize = 1000

// pickUp takes the files of every SRC folder, in folder and name order:
// it validates each, journals where it goes and then moves it to BAK
// (valid) or ERR (invalid or unreadable).
func (s *Sim) pickUp(ctx context.Context) error {
	now := s.now()
	var picked []*fileRecord
	for _, d := range s.dirs {
		if err := ctx.Err(); err != nil {
			return err
		}
		names, err := candidates(d.src)
		if err != nil {
			return err
		}
		for _, name := range names {
			rec := s.inspect(d, name, now)
			if rec != nil {
				picked = append(picked, rec)
			}
		}
	}
	if len(picked) == 0 {
		return nil
	}
	s.pack(picked, now)
	s.st.Files = append(s.st.Files, picked...)
	if err := s.save(); err != nil {
		return err
	}
	return s.finish()
}

// candidates lists the names of the files Turnkey would take from dir:
// regular *.xml files that are not empty, hidden (.name) or temporary
// (*.tmp), in name order.
func candidates(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		lower := strings.ToLower(name)
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") || strings.HasSuffix(lower, ".tmp") || !strings.HasSuffix(lower, ".xml") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.Size() == 0 { // gone meanwhile, or empty (ignored since Turnkey 3.0.3)
			continue
		}
		names = append(names, name)
	}
	return names, nil // os.ReadDir sorts by name
}

// inspect reads and validates one file and decides where it goes. It
// returns nil for a file that vanished meanwhile.
func (s *Sim) inspect(d uploadDir, name string, now time.Time) *fileRecord {
	path := filepath.Join(d.src, name)
	rec := &fileRecord{File: File{Name: name, Src: d.src, PickedUp: now}}
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		rec.refuseLocally("UNREADABLE", err.Error())
	case len(data) == 0:
		return nil
	default:
		rec.Size = len(data)
		s.validate(rec, d, data)
	}
	sub := "BAK"
	if rec.Verdict == RefusedLocally {
		sub = "ERR"
	} else {
		rec.Verdict, rec.Due, rec.Data = Pending, now.Add(s.opt.Delay), data
		sum := sha256.Sum256(data)
		rec.Digest = hex.EncodeToString(sum[:])
	}
	rec.Path = freeName(filepath.Join(filepath.Dir(d.src), sub, datedFolder(now)), name)
	s.st.Messages++
	rec.Seq = s.st.Messages
	s.log.Info("picked up", "file", path, "to", rec.Path, "message", rec.Head.String(), "verdict", rec.Verdict, "code", rec.Code)
	return rec
}

// validate checks data as Turnkey does before uploading: the project's
// validator, and a message type that belongs in the folder.
func (s *Sim) validate(rec *fileRecord, d uploadDir, data []byte) {
	h, violations, err := s.validator.Check(data)
	rec.Head = h
	if doc, perr := mig.Parse(data); perr == nil {
		rec.Seller, rec.Ref, rec.Params = describe(doc)
	}
	switch {
	case err != nil:
		rec.refuseLocally("NOT_A_MESSAGE", err.Error())
	case len(violations) > 0:
		rec.refuseLocally(violations[0].Code, violations[0].String())
	case !slices.Contains(d.heads, h):
		rec.refuseLocally("WRONG_FOLDER", fmt.Sprintf("a %s message in the folder of %s", h, headList(d.heads)))
	}
}

func (r *fileRecord) refuseLocally(code, reason string) {
	r.Verdict, r.Code, r.Reason = RefusedLocally, code, reason
}

func headList(hs []mig.Head) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, h.String())
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// describe returns the seller of a message, the reference the result
// files give it (the number and the date: the invoice or allowance date
// for an issue or allowance, the void or cancel date for the others) and
// the parameters of its ProcessResult Info: Parameter0 the number,
// Parameter1 the date, Parameter2 the seller. E0402 has no reference; its
// parameters are BranchBan, YearMonth, InvoiceTrack and InvoiceType.
func describe(doc mig.Document) (seller string, ref turnkey.InvoiceRef, params [5]string) {
	switch d := doc.(type) {
	case *mig.Invoice:
		seller, ref = d.Seller.Identifier, turnkey.InvoiceRef{Number: d.Number, Date: string(d.Date)}
	case *mig.InvoiceVoid:
		seller, ref = d.SellerID, turnkey.InvoiceRef{Number: d.InvoiceNumber, Date: string(d.VoidDate)}
	case *mig.InvoiceCancel:
		seller, ref = d.SellerID, turnkey.InvoiceRef{Number: d.InvoiceNumber, Date: string(d.CancelDate)}
	case *mig.Allowance:
		seller, ref = d.Seller.Identifier, turnkey.InvoiceRef{Number: d.Number, Date: string(d.Date)}
	case *mig.AllowanceVoid:
		seller, ref = d.SellerID, turnkey.InvoiceRef{Number: d.AllowanceNumber, Date: string(d.VoidDate)}
	case *mig.BlankTracks:
		return d.HeadBAN, ref, [5]string{d.BranchBAN, d.YearMonth, d.Track, d.InvoiceType}
	}
	return seller, ref, [5]string{ref.Number, ref.Date, seller}
}

// datedFolder is Turnkey's <yyyyMMdd>/<HH-HH> folder for t: the date and
// the hour and the next in Taiwan time, e.g. 20260818/10-11 (23-24 for the
// last hour).
func datedFolder(t time.Time) string {
	t = t.In(taipei)
	return filepath.Join(t.Format("20060102"), fmt.Sprintf("%02d-%02d", t.Hour(), t.Hour()+1))
}

// freeName returns dir/name, or dir/<stem>_<n>.xml when a file of that name
// is already there (the same name dropped twice in one hour).
func freeName(dir, name string) string {
	path := filepath.Join(dir, name)
	ext := filepath.Ext(name)
	for n := 1; ; n++ {
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			return path
		}
		path = filepath.Join(dir, strings.TrimSuffix(name, ext)+"_"+strconv.Itoa(n)+ext)
	}
}

// pack gives the picked-up messages their envelopes, as Turnkey's Pack
// task does: per message type, version and seller, up to envelopeSize
// each. An envelope's id has the grammar of Turnkey's message names,
// <MIG>-<MSG>-<yyyyMMdd>-<HHmmssSSS>-<uuid>.
func (s *Sim) pack(picked []*fileRecord, now time.Time) {
	type group struct {
		head   mig.Head
		seller string
	}
	open := map[group]string{}
	count := map[group]int{}
	for _, rec := range picked {
		if rec.Verdict != Pending {
			continue
		}
		g := group{rec.Head, rec.Seller}
		if open[g] == "" || count[g] == envelopeSize {
			s.st.Envelopes++
			t := now.In(taipei)
			open[g] = fmt.Sprintf("%s-%s-%s-%s%03d-%s", g.head.Version, g.head.Type, t.Format("20060102"), t.Format("150405"),
				t.Nanosecond()/1e6, uuid(s.opt.Seed, s.st.Envelopes))
			count[g] = 0
		}
		rec.MessageID = open[g]
		count[g]++
	}
}

// uuid is a version 4 UUID drawn from seed and n.
func uuid(seed, n uint64) string {
	r := rand.New(rand.NewPCG(seed^0x5eed0f7e1d, n))
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for k := range 8 {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// finish does what the journal says is decided but not done: moves of
// picked-up files and result files to write. It runs at the start of every
// Step, so that a step interrupted by a crash completes at the next.
func (s *Sim) finish() error {
	changed := false
	for _, rec := range s.st.Files {
		if rec.Moved {
			continue
		}
		if err := move(filepath.Join(rec.Src, rec.Name), rec.Path); err != nil {
			return err
		}
		rec.Moved, changed = true, true
	}
	for _, f := range s.st.Outbox {
		if err := os.MkdirAll(f.Dir, 0o755); err != nil {
			return fmt.Errorf("result folder: %w", err)
		}
		if err := atomicfile.Write(f.Dir, f.Name, f.Data); err != nil {
			return err
		}
		s.log.Info("wrote a result file", "file", filepath.Join(f.Dir, f.Name))
	}
	if len(s.st.Outbox) > 0 {
		s.st.Outbox, changed = nil, true
	}
	if !changed {
		return nil
	}
	return s.save()
}

// move moves a picked-up file to its BAK or ERR folder. A file already
// moved (an interrupted step) or gone is left as it is.
func move(src, dst string) error {
	if _, err := os.Lstat(src); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("pick up %s: %w", src, err)
	}
	if err := atomicfile.Move(src, dst); err != nil {
		return fmt.Errorf("pick up %s: %w", src, err)
	}
	return nil
}
