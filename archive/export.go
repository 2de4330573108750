package archive

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

const (
	zipComment = "turnkeyd archive export of period "
	summaryDir = "summary"
)

// Export writes the period's archived files (every seller's XML, verdicts,
// E0501 and E0504), every manifest, and summary/<period>.csv as a zip to w,
// and returns the summary. The zip verifies on its own (VerifyZip).
func Export(dir, period string, w io.Writer) ([]SummaryRow, error) {
	fsys, files, err := openPeriod(dir, period)
	if err != nil {
		return nil, err
	}
	manifests, err := fs.Glob(fsys, ManifestDir+"/*.tsv")
	if err != nil {
		return nil, err
	}
	z := zip.NewWriter(w)
	sum := newSummary(period)
	for _, p := range append(files, manifests...) {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", p, err)
		}
		if err := addZip(z, p, data); err != nil {
			return nil, err
		}
		if !strings.HasPrefix(p, ManifestDir+"/") {
			if err := sum.add(fsys, p, data); err != nil {
				return nil, err
			}
		}
	}
	rows := sum.rows()
	csvData, err := summaryCSV(rows)
	if err != nil {
		return nil, err
	}
	if err := addZip(z, path.Join(summaryDir, period+".csv"), csvData); err != nil {
		return nil, err
	}
	if err := z.SetComment(zipComment + period); err != nil {
		return nil, err
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return rows, nil
}

func addZip(z *zip.Writer, name string, data []byte) error {
	f, err := z.Create(name)
	if err == nil {
		_, err = f.Write(data)
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", name, err)
	}
	return nil
}

// openPeriod checks period and lists its archived files in dir.
func openPeriod(dir, period string) (fs.FS, []string, error) {
	if !ValidPeriod(period) {
		return nil, nil, fmt.Errorf("period %q is not three digits of ROC year and an even month, e.g. 11412", period)
	}
	fsys := os.DirFS(dir)
	files, err := periodFiles(fsys, period)
	return fsys, files, err
}

// periodFiles lists the archived files of a period, of every seller.
func periodFiles(fsys fs.FS, period string) ([]string, error) {
	sellers, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read archive: %w", err)
	}
	var files []string
	for _, s := range sellers {
		if !s.IsDir() || strings.HasPrefix(s.Name(), ".") || s.Name() == ManifestDir {
			continue
		}
		root := path.Join(s.Name(), period)
		err := fs.WalkDir(fsys, root, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if p == root && os.IsNotExist(err) {
					return fs.SkipDir
				}
				return err
			}
			if !de.IsDir() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("read archive: %w", err)
		}
	}
	sort.Strings(files)
	return files, nil
}

// SummaryRow sums one seller's messages of one type in a period. Amounts
// are of the documents the platform accepted; a void's or cancel's are
// those of the invoice it voids or cancels.
type SummaryRow struct {
	SellerBAN, Period, Message, Meaning string
	Documents, Accepted, Rejected       int
	Pending                             int
	Sales, FreeTaxSales, ZeroTaxSales   decimal.Decimal
	Tax, Total                          decimal.Decimal
	BlankRanges, BlankNumbers           int
}

var meanings = map[string]string{
	"F0401": "issued 開立", "C0401": "issued 開立", "A0401": "issued 開立",
	"F0501": "voided 作廢", "C0501": "voided 作廢", "F0701": "cancelled 註銷", "C0701": "cancelled 註銷",
	"G0401": "allowances 折讓", "D0401": "allowances 折讓", "G0501": "allowance voids 作廢折讓", "D0501": "allowance voids 作廢折讓",
	"E0402": "blank ranges 空白字軌", "E0501": "track allocations received 配號", "E0504": "winner lists received 中獎清冊",
}

type amounts struct{ sales, free, zero, tax, total decimal.Decimal }

type summary struct {
	period   string
	byKey    map[[2]string]*SummaryRow
	invoices map[[2]string]map[int64]amounts // (seller, number) → document id → amounts
	voids    []pendingVoid
}

type pendingVoid struct {
	row    *SummaryRow
	seller string
	number string
	id     int64
}

func newSummary(period string) *summary {
	return &summary{period: period, byKey: map[[2]string]*SummaryRow{}, invoices: map[[2]string]map[int64]amounts{}}
}

// add counts one archived file of the period (verdicts are read beside
// their XML).
func (s *summary) add(fsys fs.FS, p string, data []byte) error {
	parts := strings.Split(p, "/")
	if len(parts) != 4 || !strings.HasSuffix(p, ".xml") {
		return nil
	}
	seller, msg := parts[0], parts[2]
	row := s.row(seller, msg)
	row.Documents++
	if msg == string(mig.E0501) || msg == string(mig.E0504) {
		return nil
	}
	state := "pending"
	if v, err := fs.ReadFile(fsys, verdictPath(p)); err == nil {
		var vd Verdict
		if err := json.Unmarshal(v, &vd); err != nil {
			return fmt.Errorf("verdict %s: %w", verdictPath(p), err)
		}
		state = vd.State
	}
	switch state {
	case "accepted":
		row.Accepted++
	case "rejected":
		row.Rejected++
	default:
		row.Pending++
	}
	doc, err := mig.Parse(data)
	if err != nil {
		return fmt.Errorf("archived %s: %w", p, err)
	}
	id := fileID(p)
	switch d := doc.(type) {
	case *mig.Invoice:
		a := amounts{d.Amount.SalesAmount, d.Amount.FreeTaxSalesAmount, d.Amount.ZeroTaxSalesAmount, d.Amount.TaxAmount, d.Amount.TotalAmount}
		if state == "accepted" {
			row.addAmounts(a)
		}
		k := [2]string{seller, d.Number}
		if s.invoices[k] == nil {
			s.invoices[k] = map[int64]amounts{}
		}
		s.invoices[k][id] = a
	case *mig.InvoiceVoid:
		if state == "accepted" {
			s.voids = append(s.voids, pendingVoid{row, seller, d.InvoiceNumber, id})
		}
	case *mig.InvoiceCancel:
		if state == "accepted" {
			s.voids = append(s.voids, pendingVoid{row, seller, d.InvoiceNumber, id})
		}
	case *mig.Allowance:
		if state == "accepted" {
			row.addAmounts(amounts{sales: d.TotalAmount, tax: d.TaxAmount, total: d.TotalAmount.Add(d.TaxAmount)})
		}
	case *mig.BlankTracks:
		row.BlankRanges += len(d.Ranges)
		for _, r := range d.Ranges {
			b, _ := strconv.Atoi(r.Begin)
			e, _ := strconv.Atoi(r.End)
			row.BlankNumbers += e - b + 1
		}
	}
	return nil
}

func (s *summary) row(seller, msg string) *SummaryRow {
	k := [2]string{seller, msg}
	if r := s.byKey[k]; r != nil {
		return r
	}
	r := &SummaryRow{SellerBAN: seller, Period: s.period, Message: msg, Meaning: meanings[msg]}
	s.byKey[k] = r
	return r
}

func (r *SummaryRow) addAmounts(a amounts) {
	r.Sales, r.FreeTaxSales, r.ZeroTaxSales = r.Sales.Add(a.sales), r.FreeTaxSales.Add(a.free), r.ZeroTaxSales.Add(a.zero)
	r.Tax, r.Total = r.Tax.Add(a.tax), r.Total.Add(a.total)
}

// rows resolves voids and cancels to the invoice they follow (the latest
// issue of the number before them) and returns the rows in order.
func (s *summary) rows() []SummaryRow {
	for _, v := range s.voids {
		var best int64 = -1
		for id := range s.invoices[[2]string{v.seller, v.number}] {
			if id < v.id && id > best {
				best = id
			}
		}
		if best >= 0 {
			v.row.addAmounts(s.invoices[[2]string{v.seller, v.number}][best])
		}
	}
	out := make([]SummaryRow, 0, len(s.byKey))
	for _, r := range s.byKey {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].SellerBAN < out[j].SellerBAN || out[i].SellerBAN == out[j].SellerBAN && out[i].Message < out[j].Message
	})
	return out
}

// fileID is the ledger's document id in an archived file name
// (<number>_<id>.xml); 0 for other names.
func fileID(p string) int64 {
	base := strings.TrimSuffix(path.Base(p), ".xml")
	i := strings.LastIndexByte(base, '_')
	id, _ := strconv.ParseInt(base[i+1:], 10, 64)
	return id
}

// SummaryHeader is the first line of a summary CSV.
var SummaryHeader = []string{"seller_ban", "period", "message", "meaning", "documents", "accepted", "rejected", "pending",
	"sales_amount", "free_tax_sales_amount", "zero_tax_sales_amount", "tax_amount", "total_amount", "blank_ranges", "blank_numbers"}

func summaryCSV(rows []SummaryRow) ([]byte, error) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Write(SummaryHeader)
	for _, r := range rows {
		w.Write(r.Record())
	}
	w.Flush()
	return []byte(b.String()), w.Error()
}

// Record is the row as the summary CSV writes it.
func (r SummaryRow) Record() []string {
	i := strconv.Itoa
	return []string{r.SellerBAN, r.Period, r.Message, r.Meaning, i(r.Documents), i(r.Accepted), i(r.Rejected), i(r.Pending),
		r.Sales.String(), r.FreeTaxSales.String(), r.ZeroTaxSales.String(), r.Tax.String(), r.Total.String(),
		i(r.BlankRanges), i(r.BlankNumbers)}
}
