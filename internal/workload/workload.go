// Package workload generates what an ERP hands turnkeyd, for tests and
// benchmarks that run the real daemon: CSV v1 files of invoices with a known
// expected outcome per document, the platform's track CSV for the seller, and
// the ERP's way of dropping a file (NAME.csv.tmp, then a rename to NAME.csv).
package workload

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// Expected outcomes of a document, as the result file spells them.
const (
	Accepted  = ledger.StatusAccepted
	Duplicate = ledger.StatusDuplicate
	Rejected  = ledger.StatusRejected
)

// Doc is one document of a generated file and what turnkeyd must answer.
type Doc struct {
	File    string // the CSV file name
	Line    int    // the line of its first row (the header is line 1)
	OrderID string
	Lines   int    // rows (line items)
	Buyer   string // buyer BAN; "" for a consumer
	Want    string // Accepted, Duplicate or Rejected
	// Original is the document a Duplicate repeats (an Accepted one of an
	// earlier file); nil otherwise.
	Original *Doc
}

// File is one generated CSV file.
type File struct {
	Name string
	Data []byte
	Docs []*Doc
}

// Options shape a generated workload. Zero fractions turn a feature off.
type Options struct {
	Seed   uint64
	Prefix string // order_id prefix, so that two workloads never collide
	Docs   int    // documents in all (at least; the last file is filled up)
	// Sizes returns the number of documents of the next file; nil gives
	// files of 500 documents.
	Sizes     func(r *rand.Rand) int
	MultiLine float64 // documents with 2-5 line items
	Business  float64 // invoices to a business buyer (B2B)
	Rejected  float64 // documents turnkeyd must reject (bad BAN, bad quantity)
	Duplicate float64 // documents that repeat an accepted order_id of an earlier file
}

// Realistic is the mix the crash test and the benchmark use: a third of the
// documents with several lines, a fifth to businesses, 1 % rejected and 1 %
// repeated orders.
func Realistic(seed uint64, prefix string, docs int) Options {
	return Options{Seed: seed, Prefix: prefix, Docs: docs, MultiLine: 0.3, Business: 0.2, Rejected: 0.01, Duplicate: 0.01}
}

// header is the CSV header of every generated file.
const header = "order_id,buyer_ban,buyer_name,carrier_type,carrier_id1,donate_code,item_description,item_quantity,item_unit_price,main_remark\n"

var items = []struct {
	desc, price string
}{
	{"拿鐵咖啡", "65"}, {"可頌", "45"}, {"咖啡豆 1kg", "950"}, {"美式咖啡", "55"},
	{"點心盒, 綜合", "320"}, {"顧問服務", "1050"}, {"贈品 \"小\"", "10"}, {"茶葉禮盒", "1280.5"},
	{"濾掛咖啡 10入", "33.3333333"}, {"保溫杯", "899"},
}

// Generate returns the files of a workload, named NAME-0001.csv, ... in the
// order they are to be dropped (and processed: turnkeyd takes files in name
// order).
func Generate(opt Options) []File {
	r := rand.New(rand.NewPCG(opt.Seed, 0x7475726e6b6579))
	sizes := opt.Sizes
	if sizes == nil {
		sizes = func(*rand.Rand) int { return 500 }
	}
	bans := validBANs(r, 64)
	var files []File
	var accepted []*Doc
	total, order := 0, 0
	for i := 1; total < opt.Docs; i++ {
		n := min(max(sizes(r), 1), opt.Docs-total)
		f := File{Name: fmt.Sprintf("%s-%04d.csv", opt.Prefix, i)}
		var b bytes.Buffer
		b.WriteString(header)
		line := 2
		var fresh []*Doc
		repeated := map[*Doc]bool{} // one repeat of an order per file
		for range n {
			d := &Doc{File: f.Name, Line: line, Want: Accepted, Lines: 1}
			switch x := r.Float64(); {
			case x < opt.Duplicate && len(accepted) > 0 && !repeated[accepted[len(accepted)-1]]:
				// Repeat an accepted order not yet repeated in this file
				// (the guard above makes sure there is one).
				i := r.IntN(len(accepted))
				for repeated[accepted[i]] {
					i = (i + 1) % len(accepted)
				}
				d.Original = accepted[i]
				repeated[d.Original] = true
				d.Want, d.OrderID, d.Buyer = Duplicate, d.Original.OrderID, d.Original.Buyer
			case x < opt.Duplicate+opt.Rejected:
				order++
				d.Want, d.OrderID = Rejected, fmt.Sprintf("%s-%07d", opt.Prefix, order)
			default:
				order++
				d.OrderID = fmt.Sprintf("%s-%07d", opt.Prefix, order)
			}
			if d.Want != Duplicate && r.Float64() < opt.Business {
				d.Buyer = bans[r.IntN(len(bans))]
			}
			if r.Float64() < opt.MultiLine {
				d.Lines = 2 + r.IntN(4)
			}
			writeDoc(&b, r, d)
			line += d.Lines
			f.Docs = append(f.Docs, d)
			if d.Want == Accepted {
				fresh = append(fresh, d)
			}
		}
		// Only documents of earlier files may be repeated: within a file the
		// repeat would split the order's rows (CSV_NOT_CONSECUTIVE).
		accepted = append(accepted, fresh...)
		f.Data = b.Bytes()
		files = append(files, f)
		total += n
	}
	return files
}

// writeDoc writes the rows of d.
func writeDoc(b *bytes.Buffer, r *rand.Rand, d *Doc) {
	buyer, name := d.Buyer, ""
	if buyer != "" {
		name = "客戶" + buyer[4:] + "股份有限公司"
	}
	var carrierType, carrier, donate string
	if buyer == "" {
		switch r.IntN(3) {
		case 0:
			carrierType, carrier = "3J0002", "/"+string(rune('A'+r.IntN(26)))+fmt.Sprintf("%06d", r.IntN(1000000))
		case 1:
			donate = strconv.Itoa(100 + r.IntN(9000))
		}
	}
	badQuantity := -1
	if d.Want == Rejected {
		if r.IntN(2) == 0 {
			buyer, name = "12345678", "錯誤統編有限公司" // fails the checksum
		} else {
			badQuantity = r.IntN(d.Lines) // "1,5" quoted: a thousands separator
		}
	}
	for i := range d.Lines {
		it := items[r.IntN(len(items))]
		qty := strconv.Itoa(1 + r.IntN(12))
		if i == badQuantity {
			qty = `"1,500"`
		}
		desc := it.desc
		if bytes.ContainsAny([]byte(desc), `,"`) {
			desc = `"` + string(bytes.ReplaceAll([]byte(desc), []byte(`"`), []byte(`""`))) + `"`
		}
		remark := ""
		if i == 0 {
			remark = "workload " + d.OrderID
		}
		if i > 0 { // later rows leave document-level values blank
			fmt.Fprintf(b, "%s,,,,,,%s,%s,%s,\n", d.OrderID, desc, qty, it.price)
			continue
		}
		fmt.Fprintf(b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", d.OrderID, buyer, name, carrierType, carrier, donate, desc, qty, it.price, remark)
	}
}

// validBANs returns n distinct 統一編號 that pass the MOF checksum.
func validBANs(r *rand.Rand, n int) []string {
	rules := mig.DefaultRules()
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		ban := fmt.Sprintf("%08d", 10000000+r.IntN(89999999))
		if !seen[ban] && rules.CheckBAN(ban, "buyer", false) == nil {
			seen[ban] = true
			out = append(out, ban)
		}
	}
	return out
}

// Track is one track range to hand turnkeyd.
type Track struct {
	Letters    string
	Begin, End int // whole booklets of 50: Begin ends in 00 or 50, End in 49 or 99
}

// TrackCSV returns the platform's track download (BAN, invoice type, -, period,
// track, begin, end) giving seller each track for invoice type 07 in the
// period of now and in the next one, so that a run across a period's end
// still has numbers.
func TrackCSV(seller string, now time.Time, tracks []Track) []byte {
	var b bytes.Buffer
	b.WriteString("營業人統編,發票類別,發票類型,發票期別,字軌名稱,發票起號,發票迄號\n")
	p := ledger.PeriodOf(now)
	year, _ := strconv.Atoi(p[:3])
	month, _ := strconv.Atoi(p[3:])
	for range 2 {
		for _, tr := range tracks {
			fmt.Fprintf(&b, "%s,07,,%d/%02d ~ %d/%02d,%s,%08d,%08d\n", seller, year, month-1, year, month, tr.Letters, tr.Begin, tr.End)
		}
		if month += 2; month > 12 {
			year, month = year+1, 2
		}
	}
	return b.Bytes()
}

// Drop hands f to turnkeyd the way an ERP should: write in/NAME.csv.tmp, then
// rename it to in/NAME.csv. It returns the time of the rename.
func Drop(inDir string, f File) (time.Time, error) {
	tmp := filepath.Join(inDir, f.Name+".tmp")
	if err := os.WriteFile(tmp, f.Data, 0o644); err != nil {
		return time.Time{}, err
	}
	if err := os.Rename(tmp, filepath.Join(inDir, f.Name)); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// Count returns the number of documents of files.
func Count(files []File) int {
	n := 0
	for _, f := range files {
		n += len(f.Docs)
	}
	return n
}
