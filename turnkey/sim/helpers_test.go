package sim

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

const seller = "04595252" // the sandbox seller, a MOF test number

var (
	f0401 = mig.Head{Type: mig.F0401, Version: mig.V41}
	f0501 = mig.Head{Type: mig.F0501, Version: mig.V41}
	f0701 = mig.Head{Type: mig.F0701, Version: mig.V41}
	g0401 = mig.Head{Type: mig.G0401, Version: mig.V41}
	g0501 = mig.Head{Type: mig.G0501, Version: mig.V41}
	e0402 = mig.Head{Type: mig.E0402, Version: mig.V41}
)

func amt(s string) mig.Decimal { return decimal.MustParse(s) }

// clock is an injected Now that tests move forward.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// start is 2026-01-15 10:20:30.123 in Taiwan, given in UTC on purpose: the
// dated folders must be in Taiwan time.
var start = time.Date(2026, 1, 15, 2, 20, 30, 123e6, time.UTC)

// env is a simulated Turnkey folder tree.
type env struct {
	cfg   Config
	clock *clock
}

func newEnv(t testing.TB) *env {
	t.Helper()
	dir := t.TempDir()
	cfg := Config{
		TurnkeyDir:       dir,
		UploadDirs:       map[mig.Head]string{},
		ProcessResultDir: filepath.Join(dir, "Unpack", "BAK", "ProcessResult"),
		SummaryResultDir: filepath.Join(dir, "Unpack", "BAK", "SummaryResult"),
		E0501Dir:         filepath.Join(dir, "Unpack", "BAK", "E0501"),
		E0504Dir:         filepath.Join(dir, "Unpack", "BAK", "E0504"),
		Sellers:          []string{seller},
	}
	for _, h := range []mig.Head{f0401, f0501, f0701, g0401, g0501, e0402} {
		cfg.UploadDirs[h] = filepath.Join(dir, turnkey.DefaultUploadDir(h))
	}
	return &env{cfg: cfg, clock: &clock{t: start}}
}

func (e *env) sim(t testing.TB, opt Options) *Sim {
	t.Helper()
	opt.Now = e.clock.now
	s, err := New(e.cfg, opt)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// msgDir is the <MSG> folder of h (the parent of SRC, BAK and ERR).
func (e *env) msgDir(h mig.Head) string { return filepath.Dir(e.cfg.UploadDirs[h]) }

// drop writes a file into h's SRC folder as turnkeyd would.
func (e *env) drop(t testing.TB, h mig.Head, name string, data []byte) {
	t.Helper()
	dir := e.cfg.UploadDirs[h]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// dropDoc renders d, checks it with the validator and drops it.
func (e *env) dropDoc(t testing.TB, name string, d mig.Document) []byte {
	t.Helper()
	data := render(t, d)
	e.drop(t, d.Header(), name, data)
	return data
}

func step(t testing.TB, s *Sim) {
	t.Helper()
	if err := s.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// render renders d with mig.Render and requires the project's validator to
// find nothing wrong with the bytes.
func render(t testing.TB, d mig.Document) []byte {
	t.Helper()
	data, err := mig.Render(d)
	if err != nil {
		t.Fatal(err)
	}
	v, err := mig.DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	if _, violations, err := v.Check(data); err != nil || len(violations) > 0 {
		t.Fatalf("test document %s is not valid: %v %v", d.Header(), err, violations)
	}
	return data
}

// Test documents: a consumer invoice of NT$205 on a mobile barcode and its
// follow-ups. Each call returns a fresh document.

func invoice(number string, date mig.Date) *mig.Invoice {
	return &mig.Invoice{
		Head:   f0401,
		Number: number, Date: date, Time: "10:20:30",
		Seller:      mig.Party{Identifier: seller, Name: "turnkeyd 沙盒商店"},
		Buyer:       mig.Party{Identifier: mig.Consumer, Name: "消費者"},
		InvoiceType: "07", DonateMark: "0",
		CarrierType: "3J0002", CarrierID1: "/ABC+1.-", CarrierID2: "/ABC+1.-",
		PrintMark: "N", RandomNumber: "1234",
		Items: []mig.InvoiceItem{
			{Description: "紅茶", Quantity: amt("2"), UnitPrice: amt("52.5"), TaxType: "1", Amount: amt("105"), SequenceNumber: "1"},
			{Description: "蛋糕", Quantity: amt("1"), UnitPrice: amt("100"), TaxType: "1", Amount: amt("100"), SequenceNumber: "2"},
		},
		Amount: mig.InvoiceAmount{SalesAmount: amt("205"), TaxType: "1", TaxRate: amt("0.05"), TotalAmount: amt("205")},
	}
}

func voidOf(number string, invoiceDate, date mig.Date) *mig.InvoiceVoid {
	return &mig.InvoiceVoid{
		Head: f0501, InvoiceNumber: number, InvoiceDate: invoiceDate,
		BuyerID: mig.Consumer, SellerID: seller,
		VoidDate: date, VoidTime: "09:00:00", Reason: "客戶取消訂單",
	}
}

func cancelOf(number string, invoiceDate, date mig.Date) *mig.InvoiceCancel {
	return &mig.InvoiceCancel{
		Head: f0701, InvoiceNumber: number, InvoiceDate: invoiceDate,
		BuyerID: mig.Consumer, SellerID: seller,
		CancelDate: date, CancelTime: "18:30:00", Reason: "買受人資料錯誤",
	}
}

// allowance takes net amount (plus 5% tax) off invoice number.
func allowance(number, invoiceNumber string, invoiceDate mig.Date, net, tax string) *mig.Allowance {
	return &mig.Allowance{
		Head:   g0401,
		Number: number, Date: "20260120",
		Seller:                  mig.Party{Identifier: seller, Name: "turnkeyd 沙盒商店"},
		Buyer:                   mig.Party{Identifier: mig.Consumer, Name: "消費者"},
		AllowanceType:           "2",
		OriginalInvoiceSellerID: seller, OriginalInvoiceBuyerID: mig.Consumer,
		Items: []mig.AllowanceItem{{
			OriginalInvoiceDate: invoiceDate, OriginalInvoiceNumber: invoiceNumber, OriginalDescription: "紅茶",
			Quantity: amt("1"), UnitPrice: amt(net), Amount: amt(net), Tax: amt(tax), SequenceNumber: "1", TaxType: "1",
		}},
		TaxAmount: amt(tax), TotalAmount: amt(net),
	}
}

func allowanceVoidOf(number string, date mig.Date) *mig.AllowanceVoid {
	return &mig.AllowanceVoid{
		Head: g0501, AllowanceNumber: number, AllowanceType: "2", AllowanceDate: date,
		BuyerID: mig.Consumer, SellerID: seller,
		VoidDate: "20260121", VoidTime: "11:00:00", Reason: "折讓金額錯誤",
	}
}

func blank() *mig.BlankTracks {
	return &mig.BlankTracks{
		Head:    e0402,
		HeadBAN: seller, BranchBAN: seller, InvoiceType: "07", YearMonth: "11502", Track: "AB",
		Ranges: []mig.NumberRange{{Begin: "12345623", End: "12345649"}},
	}
}

// files lists the regular files under dir, relative to it, sorted; none
// when dir does not exist.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return fs.SkipAll
			}
			return err
		}
		if d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// results reads every result file the simulator wrote, checking that each
// parses with turnkeyd's parsers and that every summary adds up.
type resultSet struct {
	process      []*turnkey.ProcessResult
	summaries    []*turnkey.SummaryResult
	processFiles []string
	summaryFiles []string
}

func readResults(t testing.TB, e *env) resultSet {
	t.Helper()
	var rs resultSet
	for _, name := range files(t, e.cfg.ProcessResultDir) {
		data, err := os.ReadFile(filepath.Join(e.cfg.ProcessResultDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `xmlns="urn:GEINV:ProcessResult:4.1"`) {
			t.Errorf("%s: not in the ProcessResult 4.1 namespace", name)
		}
		r, err := turnkey.ParseProcessResult(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		rs.process, rs.processFiles = append(rs.process, r), append(rs.processFiles, name)
	}
	for _, name := range files(t, e.cfg.SummaryResultDir) {
		data, err := os.ReadFile(filepath.Join(e.cfg.SummaryResultDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), `xmlns="urn:GEINV:SummaryResult:4.1"`) {
			t.Errorf("%s: not in the SummaryResult 4.1 namespace", name)
		}
		r, err := turnkey.ParseSummaryResult(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, m := range r.Messages {
			if err := m.Check(); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		rs.summaries, rs.summaryFiles = append(rs.summaries, r), append(rs.summaryFiles, name)
	}
	return rs
}

// good and failed collect the references of every summary's Good and
// Failed lists, with their message type: "F0401 AB12345678 20260115".
func (rs resultSet) listed() (good, failed []string) {
	for _, s := range rs.summaries {
		for _, m := range s.Messages {
			for _, r := range m.Good.Invoices {
				good = append(good, m.MessageType+" "+r.Number+" "+r.Date)
			}
			for _, r := range m.Failed.Invoices {
				failed = append(failed, m.MessageType+" "+r.Number+" "+r.Date)
			}
		}
	}
	return good, failed
}
