package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// invoicePage is an invoice as a person reads it, and its whole history.
type invoicePage struct {
	Number  string
	Period  string
	Invoice *mig.Invoice // the latest issue the platform did not refuse; nil if none
	Source  string       // where Invoice was read: "archive" or "ledger"
	Prize   *mig.PrizeInvoice
	Docs    []docView
}

type docView struct {
	docRow
	Archived bool
	Reason   string // a void's, cancel's or allowance void's reason
	Total    string // an allowance's total and tax
	Said     string // the platform's message
	Events   []eventRow
}

type eventRow struct {
	At, Change, Cause, Code, Detail string
}

func (s *Server) invoice(w http.ResponseWriter, r *http.Request) {
	number := strings.ToUpper(strings.TrimSpace(r.PathValue("number")))
	if !validNumber(number) {
		s.fail(w, r, http.StatusBadRequest, "%q is not an invoice number 發票號碼: two letters and eight digits, e.g. AB12345678.", r.PathValue("number"))
		return
	}
	ctx := r.Context()
	docs, err := s.cfg.Ledger.DocumentsByNumber(ctx, "", number)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if len(docs) == 0 {
		s.fail(w, r, http.StatusNotFound, "No document of invoice %s is in the ledger. Check the number, or search by order id or buyer.", number)
		return
	}
	page := invoicePage{Number: number}
	for i := range docs {
		d := &docs[i]
		v, md, err := s.docView(r, d)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if inv, ok := md.(*mig.Invoice); ok && d.State != ledger.StateRejected {
			page.Invoice, page.Source = inv, "ledger"
			if v.Archived {
				page.Source = "archive"
			}
			page.Period = v.Period
		}
		page.Docs = append(page.Docs, v)
	}
	if page.Invoice != nil {
		prizes, err := archive.Prizes(s.cfg.Dir, page.Invoice.Seller.Identifier, page.Period)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if p, ok := prizes[number]; ok {
			page.Prize = &p
		}
	}
	s.render(w, r, http.StatusOK, "invoice", page)
}

// docView reads a document as archived (else from the ledger's body) and
// its events.
func (s *Server) docView(r *http.Request, d *ledger.Document) (docView, mig.Document, error) {
	v := docView{docRow: rowOf(d), Said: d.ResultMessage}
	var md mig.Document
	a, err := s.cfg.Ledger.ArchivedOf(r.Context(), d.ID)
	switch {
	case err == nil:
		v.Archived = true
		if data, rerr := archive.ReadFile(s.cfg.Dir, a.Path); rerr == nil {
			md, _ = mig.Parse(data)
		}
	case !errors.Is(err, ledger.ErrNotFound):
		return v, nil, err
	}
	if md == nil && len(d.Body) > 0 {
		md, _ = mig.DecodeJSON(mig.MessageType(d.MsgType), d.Body)
	}
	switch m := md.(type) {
	case *mig.InvoiceVoid:
		v.Reason = m.Reason
	case *mig.InvoiceCancel:
		v.Reason = m.Reason
	case *mig.AllowanceVoid:
		v.Reason = m.Reason
	case *mig.Allowance:
		v.Total = m.TotalAmount.String() + " + 稅 tax " + m.TaxAmount.String()
	}
	evs, err := s.cfg.Ledger.Events(r.Context(), ledger.EventQuery{DocumentID: d.ID})
	if err != nil {
		return v, nil, err
	}
	for _, e := range evs {
		change := e.Kind
		if e.ToState != "" {
			change = strings.TrimPrefix(e.FromState+" → ", " → ") + e.ToState
		}
		v.Events = append(v.Events, eventRow{At: e.At.In(s.cfg.Loc).Format("2006-01-02 15:04:05"), Change: change,
			Cause: e.Cause, Code: e.Code, Detail: e.Detail})
	}
	return v, md, nil
}
