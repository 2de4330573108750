package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

func TestPickupToBAK(t *testing.T) {
	tests := []struct {
		name   string
		now    time.Time
		folder string // <yyyyMMdd>/<HH-HH> in Taiwan time
		result string // <yyyyMMdd>/<HHmm> of the result files
	}{
		{"morning", start, "20260115/10-11", "20260115/1020"},
		{"last hour", time.Date(2026, 1, 15, 23, 59, 59, 0, taipei), "20260115/23-24", "20260115/2359"},
		{"UTC date before", time.Date(2026, 1, 14, 16, 0, 0, 0, time.UTC), "20260115/00-01", "20260115/0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.clock.t = tt.now
			s := e.sim(t, Options{})
			e.dropDoc(t, "F0401-AB12345678.xml", invoice("AB12345678", "20260115"))
			step(t, s)

			if got := files(t, e.cfg.UploadDirs[f0401]); len(got) != 0 {
				t.Errorf("SRC still holds %v", got)
			}
			if got, want := files(t, filepath.Join(e.msgDir(f0401), "BAK")), []string{tt.folder + "/F0401-AB12345678.xml"}; !slices.Equal(got, want) {
				t.Errorf("BAK holds %v, want %v", got, want)
			}
			f, ok := s.State().File("F0401-AB12345678.xml")
			if !ok || f.Verdict != Accepted || f.Head != f0401 || f.Ref != (turnkey.InvoiceRef{Number: "AB12345678", Date: "20260115"}) {
				t.Errorf("file state %+v", f)
			}
			rs := readResults(t, e)
			if len(rs.process) != 0 {
				t.Errorf("ProcessResult files for an accepted message: %v", rs.processFiles)
			}
			if len(rs.summaryFiles) != 1 || !strings.HasPrefix(rs.summaryFiles[0], tt.result+"/") || !strings.HasSuffix(rs.summaryFiles[0], "-SummaryResult.xml") {
				t.Fatalf("summary files %v, want one under %s", rs.summaryFiles, tt.result)
			}
			m := rs.summaries[0].Messages[0]
			if m.MessageType != "F0401" || m.Total.Count != 1 || m.Good.Count != 1 || m.Failed.Count != 0 ||
				!strings.HasPrefix(m.ID, "4.1-F0401-"+tt.folder[:8]+"-") || m.ID != f.MessageID {
				t.Errorf("summary message %+v (file's message id %s)", m, f.MessageID)
			}
			inv, ok := s.State().Invoice(seller, "AB12345678")
			if !ok || inv.Status != Issued || inv.Issues != 1 || !inv.Total.Equal(amt("205")) {
				t.Errorf("invoice %+v", inv)
			}
		})
	}
}

func TestPickupToERR(t *testing.T) {
	noDelivery := invoice("AB12345678", "20260115")
	noDelivery.CarrierType, noDelivery.CarrierID1, noDelivery.CarrierID2 = "", "", ""
	noDeliveryXML, err := mig.Render(noDelivery) // renders, but breaks a business rule
	if err != nil {
		t.Fatal(err)
	}
	valid := render(t, invoice("AB12345678", "20260115"))
	void := render(t, voidOf("AB12345678", "20260115", "20260116"))
	tests := []struct {
		name string
		data []byte
		code string
	}{
		{"business rule", noDeliveryXML, "DELIVERY_MISSING"},
		{"schema", bytes.Replace(valid, []byte("<PrintMark>N</PrintMark>"), []byte("<PrintMark>n</PrintMark>"), 1), "XSD_"},
		{"not XML", []byte("InvoiceNumber,AB12345678\n"), "NOT_A_MESSAGE"},
		{"truncated", valid[:len(valid)/2], "NOT_A_MESSAGE"},
		{"wrong folder", void, "WRONG_FOLDER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			s := e.sim(t, Options{})
			e.drop(t, f0401, "bad.xml", tt.data)
			step(t, s)
			if got, want := files(t, filepath.Join(e.msgDir(f0401), "ERR")), []string{"20260115/10-11/bad.xml"}; !slices.Equal(got, want) {
				t.Errorf("ERR holds %v, want %v", got, want)
			}
			if got := files(t, filepath.Join(e.msgDir(f0401), "BAK")); len(got) != 0 {
				t.Errorf("BAK holds %v", got)
			}
			f, _ := s.State().File("bad.xml")
			if f.Verdict != RefusedLocally || !strings.HasPrefix(f.Code, tt.code) || f.Reason == "" {
				t.Errorf("file state %+v, want code %s", f, tt.code)
			}
			if got := files(t, filepath.Join(e.cfg.TurnkeyDir, "Unpack")); len(got) != 0 {
				t.Errorf("result files for a local refusal: %v", got)
			}
		})
	}
}

func TestPickupIgnores(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	valid := render(t, invoice("AB12345678", "20260115"))
	ignored := map[string][]byte{
		"empty.xml":         nil,
		".hidden.xml":       valid,
		"half.xml.tmp":      valid,
		"upper.TMP":         valid,
		"notes.txt":         valid,
		"F0401-no-ext":      valid,
		".F0401.x.123.tmp":  valid,
		"sub.xml/inner.xml": valid,
	}
	for name, data := range ignored {
		if dir := filepath.Dir(name); dir != "." {
			if err := os.MkdirAll(filepath.Join(e.cfg.UploadDirs[f0401], dir), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		e.drop(t, f0401, name, data)
	}
	step(t, s)
	got := files(t, e.cfg.UploadDirs[f0401])
	if len(got) != len(ignored) {
		t.Errorf("SRC holds %v, want all %d ignored files", got, len(ignored))
	}
	if st := s.State(); len(st.Files) != 0 {
		t.Errorf("picked up %+v", st.Files)
	}
	// Upper-case .XML is a message file.
	e.drop(t, f0401, "UPPER.XML", valid)
	step(t, s)
	if f, ok := s.State().File("UPPER.XML"); !ok || f.Verdict != Accepted {
		t.Errorf("UPPER.XML: %+v", f)
	}
}

func TestPickupNameOrderAndCollision(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	e.dropDoc(t, "b.xml", invoice("AB12345679", "20260115"))
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	e.dropDoc(t, "c.xml", voidOf("AB12345678", "20260115", "20260116"))
	step(t, s)
	var names []string
	for _, f := range s.State().Files {
		names = append(names, f.Name)
	}
	// Folders in path order (F0401 before F0501), names in order.
	if want := []string{"a.xml", "b.xml", "c.xml"}; !slices.Equal(names, want) {
		t.Errorf("pickup order %v, want %v", names, want)
	}
	// The same name again in the same hour keeps both files in BAK.
	e.dropDoc(t, "a.xml", invoice("AB12345680", "20260115"))
	step(t, s)
	if got, want := files(t, filepath.Join(e.msgDir(f0401), "BAK")), []string{
		"20260115/10-11/a.xml", "20260115/10-11/a_1.xml", "20260115/10-11/b.xml",
	}; !slices.Equal(got, want) {
		t.Errorf("BAK holds %v, want %v", got, want)
	}
}

func TestPaused(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{Paused: true})
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	step(t, s)
	step(t, s)
	if got := files(t, e.cfg.UploadDirs[f0401]); !slices.Equal(got, []string{"a.xml"}) {
		t.Errorf("paused: SRC holds %v", got)
	}
	if len(s.State().Files) != 0 {
		t.Error("paused, yet picked up")
	}
	s.SetPaused(false)
	step(t, s)
	if f, ok := s.State().File("a.xml"); !ok || f.Verdict != Accepted {
		t.Errorf("after resuming: %+v", f)
	}
}

func TestDelay(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{Delay: 10 * time.Minute})
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	step(t, s)
	f, _ := s.State().File("a.xml")
	if f.Verdict != Pending || !f.Due.Equal(start.Add(10*time.Minute)) {
		t.Fatalf("after pickup: %+v", f)
	}
	if got := files(t, filepath.Join(e.msgDir(f0401), "BAK")); len(got) != 1 {
		t.Errorf("BAK holds %v", got)
	}
	e.clock.advance(10*time.Minute - time.Millisecond)
	step(t, s)
	if got := files(t, filepath.Join(e.cfg.TurnkeyDir, "Unpack")); len(got) != 0 {
		t.Fatalf("result files before the verdict is due: %v", got)
	}
	if _, ok := s.State().Invoice(seller, "AB12345678"); ok {
		t.Error("the platform stored the invoice before the verdict")
	}
	e.clock.advance(time.Millisecond)
	step(t, s)
	rs := readResults(t, e)
	if len(rs.summaryFiles) != 1 || !strings.HasPrefix(rs.summaryFiles[0], "20260115/1030/") {
		t.Errorf("summary files %v, want one dated at the verdict (10:30)", rs.summaryFiles)
	}
	if f, _ := s.State().File("a.xml"); f.Verdict != Accepted {
		t.Errorf("after the delay: %+v", f)
	}
}

func TestRestartWithVerdictDue(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{Delay: time.Hour})
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	e.dropDoc(t, "b.xml", voidOf("AB12345699", "20260115", "20260116"))
	step(t, s)
	// The simulator is killed; a new one starts on the same folder.
	e.clock.advance(time.Hour)
	s2 := e.sim(t, Options{Delay: time.Hour})
	if f, _ := s2.State().File("a.xml"); f.Verdict != Pending {
		t.Fatalf("after restart: %+v", f)
	}
	step(t, s2)
	st := s2.State()
	if f, _ := st.File("a.xml"); f.Verdict != Accepted {
		t.Errorf("a.xml: %+v", f)
	}
	if f, _ := st.File("b.xml"); f.Verdict != Refused || f.Code != CodeVoidUnknown {
		t.Errorf("b.xml: %+v", f)
	}
	rs := readResults(t, e)
	if len(rs.process) != 1 || len(rs.summaries) != 1 {
		t.Errorf("results after restart: %v %v", rs.processFiles, rs.summaryFiles)
	}
	// A third start sees the platform's state.
	s3 := e.sim(t, Options{})
	if inv, ok := s3.State().Invoice(seller, "AB12345678"); !ok || inv.Status != Issued {
		t.Errorf("invoice after a second restart: %+v", inv)
	}
}

// TestFinishInterruptedStep stops a simulator between its journal and
// its acts: a file journaled but not moved, result files decided but not
// written. The next Step completes both, once.
func TestFinishInterruptedStep(t *testing.T) {
	e := newEnv(t)
	s := e.sim(t, Options{})
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	// What pickUp journals, without its moves.
	rec := s.inspect(s.dirs[slices.IndexFunc(s.dirs, func(d uploadDir) bool { return d.src == e.cfg.UploadDirs[f0401] })], "a.xml", e.clock.now())
	s.pack([]*fileRecord{rec}, e.clock.now())
	s.st.Files = append(s.st.Files, rec)
	s.st.Outbox = append(s.st.Outbox, outFile{Dir: filepath.Join(e.cfg.SummaryResultDir, "x"), Name: "decided.xml", Data: []byte("<SummaryResult/>")})
	if err := s.save(); err != nil {
		t.Fatal(err)
	}

	s2 := e.sim(t, Options{})
	step(t, s2)
	if got := files(t, filepath.Join(e.msgDir(f0401), "BAK")); !slices.Equal(got, []string{"20260115/10-11/a.xml"}) {
		t.Errorf("BAK holds %v", got)
	}
	if got := files(t, filepath.Join(e.cfg.SummaryResultDir, "x")); !slices.Equal(got, []string{"decided.xml"}) {
		t.Errorf("outbox not written: %v", got)
	}
	st := s2.State()
	if len(st.Files) != 1 || st.Files[0].Verdict != Accepted {
		t.Errorf("files %+v: the interrupted file must be judged once", st.Files)
	}
	if len(s2.st.Outbox) != 0 {
		t.Errorf("outbox left: %d", len(s2.st.Outbox))
	}
}

func TestBrokenStateFile(t *testing.T) {
	e := newEnv(t)
	path := filepath.Join(e.cfg.TurnkeyDir, ".turnkeyd-sim", "state.json")
	for _, data := range []string{"{", `{"version": 99}`, `{"version": 1, "unknown": 1}`} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := New(e.cfg, Options{}); err == nil || !strings.Contains(err.Error(), "afresh") {
			t.Errorf("state %s: error %v, want advice to start afresh", data, err)
		}
	}
}

func TestNewChecksConfig(t *testing.T) {
	e := newEnv(t)
	for name, mutate := range map[string]func(*Config, *Options){
		"no turnkey dir": func(c *Config, _ *Options) { c.TurnkeyDir = "" },
		"no summary dir": func(c *Config, _ *Options) { c.SummaryResultDir = "" },
		"no process dir": func(c *Config, _ *Options) { c.ProcessResultDir = "" },
		"share above 1":  func(_ *Config, o *Options) { o.RefuseShare = 1.5 },
		"share below 0":  func(_ *Config, o *Options) { o.RefuseShare = -0.1 },
	} {
		t.Run(name, func(t *testing.T) {
			cfg, opt := e.cfg, Options{}
			mutate(&cfg, &opt)
			if _, err := New(cfg, opt); err == nil {
				t.Error("New accepted it")
			}
		})
	}
}

func TestRunStepsUntilCancelled(t *testing.T) {
	e := newEnv(t)
	stepping := make(chan struct{}, 1)
	s, err := New(e.cfg, Options{Interval: time.Hour, Now: func() time.Time {
		select {
		case stepping <- struct{}{}:
		default:
		}
		return start
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.dropDoc(t, "a.xml", invoice("AB12345678", "20260115"))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	// Run steps once at start. Step holds the lock while it calls Now, so
	// State, which takes the lock, returns after that step.
	select {
	case <-stepping:
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not step")
	}
	if f, ok := s.State().File("a.xml"); !ok || f.Verdict != Accepted {
		t.Errorf("after Run's first step: %+v", f)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run returned %v", err)
	}
}
