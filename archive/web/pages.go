package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// searchPage is the search form and its results.
type searchPage struct {
	Q       map[string]string
	Asked   bool
	Results []docRow
	Error   string
}

type docRow struct {
	ID                                        int64
	Number, Allowance, Message, Action, State string
	OrderID, BuyerBAN, Date, Period, Code     string
}

func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := searchPage{Q: map[string]string{}}
	for _, k := range []string{"number", "order", "buyer", "from", "to", "period"} {
		page.Q[k] = strings.TrimSpace(q.Get(k))
		page.Asked = page.Asked || page.Q[k] != ""
	}
	if !page.Asked {
		s.render(w, r, http.StatusOK, "search", page)
		return
	}
	search, err := parseSearch(page.Q)
	if err != nil {
		page.Error = err.Error()
		s.render(w, r, http.StatusBadRequest, "search", page)
		return
	}
	docs, err := s.cfg.Ledger.SearchDocuments(r.Context(), search)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	for i := range docs {
		page.Results = append(page.Results, rowOf(&docs[i]))
	}
	s.render(w, r, http.StatusOK, "search", page)
}

// parseSearch checks the search fields, saying what is wrong with each.
func parseSearch(q map[string]string) (ledger.DocumentSearch, error) {
	var errs []string
	s := ledger.DocumentSearch{Number: strings.ToUpper(q["number"]), OrderID: q["order"], BuyerBAN: q["buyer"]}
	if s.Number != "" && !validNumber(s.Number) {
		errs = append(errs, fmt.Sprintf("invoice number 發票號碼 %q: two letters and eight digits, e.g. AB12345678 (or an allowance number of letters, digits and dashes)", q["number"]))
	}
	if s.BuyerBAN != "" && !allDigits(s.BuyerBAN, 8) && s.BuyerBAN != mig.Consumer {
		errs = append(errs, fmt.Sprintf("buyer BAN 買方統編 %q: eight digits", s.BuyerBAN))
	}
	for _, f := range []struct {
		key, label string
		dst        *string
	}{{"from", "from 起日", &s.DateFrom}, {"to", "to 迄日", &s.DateTo}} {
		if q[f.key] == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", q[f.key])
		if err != nil {
			errs = append(errs, fmt.Sprintf("date %s %q: write it as 2026-11-15", f.label, q[f.key]))
			continue
		}
		*f.dst = t.Format("20060102")
	}
	if p := q["period"]; p != "" {
		if !archive.ValidPeriod(p) {
			errs = append(errs, fmt.Sprintf("period 期別 %q: ROC year and even month, e.g. 11412 for Nov–Dec 2025", p))
		} else {
			y, _ := strconv.Atoi(p[:3])
			m, _ := strconv.Atoi(p[3:])
			from := fmt.Sprintf("%04d%02d01", y+1911, m-1)
			to := fmt.Sprintf("%04d%02d31", y+1911, m)
			if s.DateFrom < from {
				s.DateFrom = from
			}
			if s.DateTo == "" || s.DateTo > to {
				s.DateTo = to
			}
		}
	}
	if len(errs) > 0 {
		return s, errors.New(strings.Join(errs, "; "))
	}
	return s, nil
}

func validNumber(n string) bool {
	if len(n) == 10 && n[0] >= 'A' && n[0] <= 'Z' && n[1] >= 'A' && n[1] <= 'Z' && allDigits(n[2:], 8) {
		return true
	}
	if len(n) > 16 {
		return false
	}
	for _, r := range n {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r == '-') {
			return false
		}
	}
	return true
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func rowOf(d *ledger.Document) docRow {
	p, _ := archive.PeriodOf(d.InvoiceDate)
	return docRow{ID: d.ID, Number: d.InvoiceNumber, Allowance: d.AllowanceNumber, Message: d.MsgType, Action: d.Action,
		State: d.State, OrderID: d.OrderID, BuyerBAN: d.BuyerBAN, Date: showDate(d.InvoiceDate), Period: p, Code: d.ResultCode}
}

func showDate(d string) string {
	if len(d) != 8 {
		return d
	}
	return d[:4] + "-" + d[4:6] + "-" + d[6:]
}

// periodPage is a period's summary.
type periodPage struct {
	Period string
	Rows   []archive.SummaryRow
}

func (s *Server) period(w http.ResponseWriter, r *http.Request) {
	p := r.PathValue("period")
	if zip, ok := strings.CutSuffix(p, ".zip"); ok {
		s.periodZip(w, r, zip)
		return
	}
	if !archive.ValidPeriod(p) {
		s.fail(w, r, http.StatusBadRequest, "%q is not a period 期別: ROC year and even month, e.g. 11412 for Nov–Dec 2025.", p)
		return
	}
	rows, err := archive.Summarize(s.cfg.Dir, p)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "period", periodPage{Period: p, Rows: rows})
}

func (s *Server) periodZip(w http.ResponseWriter, r *http.Request, p string) {
	if !archive.ValidPeriod(p) {
		s.fail(w, r, http.StatusBadRequest, "%q is not a period 期別: ROC year and even month, e.g. 11412.", p)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="turnkeyd-archive-%s.zip"`, p))
	if _, err := archive.Export(s.cfg.Dir, p, w); err != nil {
		s.log.Error("auditors' web view: period zip cut short", "period", p, "err", err)
	}
}

func (s *Server) xml(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, http.StatusBadRequest, "%q is not a document number: open the XML from an invoice's page.", r.PathValue("id"))
		return
	}
	a, err := s.cfg.Ledger.ArchivedOf(r.Context(), id)
	if errors.Is(err, ledger.ErrNotFound) {
		s.fail(w, r, http.StatusNotFound, "Document %d is not in the archive (yet): the archive takes a document once it is handed to Turnkey.", id)
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	data, err := archive.ReadFile(s.cfg.Dir, a.Path)
	if err != nil {
		s.fail(w, r, http.StatusNotFound, "The archived file %s cannot be read (%v): run `turnkeyd archive verify` and restore it from a backup.", a.Path, err)
		return
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename=%q`, a.Path[strings.LastIndexByte(a.Path, '/')+1:]))
	w.Write(data)
}

// errorPage is a message for the person at the browser.
type errorPage struct {
	Status  int
	Message string
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, format string, args ...any) {
	s.render(w, r, status, "error", errorPage{Status: status, Message: fmt.Sprintf(format, args...)})
}

func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("auditors' web view", "path", r.URL.Path, "err", err)
	s.fail(w, r, http.StatusServiceUnavailable, "The ledger or the archive cannot be read just now (%v). Try again; if it persists, tell the operator.", err)
}

// link builds a search permalink.
func link(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return "/?" + v.Encode()
}
