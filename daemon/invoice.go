package daemon

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// ShowInvoice prints an invoice number's whole history from the ledger:
// every document (issue, void, cancel, allowance, allowance void), each
// state change with its time and cause, where its file went, and the
// platform's codes.
func ShowInvoice(ctx context.Context, cfg *Config, number string, out io.Writer) error {
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	number = strings.ToUpper(strings.TrimSpace(number))
	docs, err := l.DocumentsByNumber(ctx, "", number)
	if err != nil {
		return err
	}
	if len(docs) == 0 { // perhaps an allowance number (折讓單號碼)
		if docs, err = l.DocumentsByAllowance(ctx, number); err != nil {
			return err
		}
		if len(docs) > 0 {
			fmt.Fprintf(out, "allowance %s of invoice %s\n\n", number, docs[0].InvoiceNumber)
		}
	}
	if len(docs) == 0 {
		return fmt.Errorf("no invoice or allowance %s in the ledger %s: check the number (an invoice number is two letters and eight digits)", number, l.Path())
	}
	loc := cfg.Location()
	for i, d := range docs {
		if i > 0 {
			fmt.Fprintln(out)
		}
		fmt.Fprintf(out, "%s %s  order %s  seller %s  buyer %s  %s\n", d.MsgType, strings.ToUpper(d.Action), d.OrderID,
			d.SellerBAN, d.BuyerBAN, strings.ToUpper(d.State))
		if d.AllowanceNumber != "" {
			fmt.Fprintf(out, "  allowance %s\n", d.AllowanceNumber)
		}
		fmt.Fprintf(out, "  date %s  random %s  intake %d line %d\n", d.InvoiceDate, d.RandomNumber, d.IntakeID, d.Line)
		fmt.Fprintf(out, "  file %s\n", filepath.Join(d.TargetDir, d.FileName))
		if a, err := l.ArchivedOf(ctx, d.ID); err == nil {
			fmt.Fprintf(out, "  archived %s\n", filepath.Join(cfg.Path(cfg.Archive.Dir), filepath.FromSlash(a.Path)))
		}
		if d.Location != "" {
			fmt.Fprintf(out, "  now  %s\n", d.Location)
		}
		if d.ResultCode != "" || d.ResultMessage != "" {
			fmt.Fprintf(out, "  result %s %s\n", d.ResultCode, d.ResultMessage)
		}
		evs, err := l.Events(ctx, ledger.EventQuery{DocumentID: d.ID})
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, e := range evs {
			change := e.Kind
			if e.ToState != "" {
				change = strings.TrimPrefix(e.FromState+" → ", " → ") + e.ToState
			}
			fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%s\n", e.At.In(loc).Format("2006-01-02 15:04:05"), change, e.Cause, e.Code, oneLine(e.Detail))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// ListDocuments prints the documents in a state (all: "", pending:
// queued, uploaded or waiting) changed since a time, one per line.
func ListDocuments(ctx context.Context, cfg *Config, state string, since time.Time, out io.Writer) error {
	states := []string{state}
	switch state {
	case "pending":
		states = []string{ledger.StateQueued, ledger.StateUploaded, ledger.StateWaiting}
	case "", "all":
		states = []string{""}
	default:
		known := false
		for _, s := range ledger.States {
			known = known || s == state
		}
		if !known {
			return fmt.Errorf("state %q is not one of %s, pending, all", state, strings.Join(ledger.States, ", "))
		}
	}
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	loc := cfg.Location()
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CHANGED\tSTATE\tTYPE\tACTION\tNUMBER\tORDER\tCODE\tMESSAGE")
	n := 0
	for _, s := range states {
		docs, err := l.DocumentsByState(ctx, s, since, 0)
		if err != nil {
			return err
		}
		for _, d := range docs {
			n++
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", d.UpdatedAt.In(loc).Format("2006-01-02 15:04:05"), d.State, d.MsgType,
				d.Action, referenceOf(&d), d.OrderID, d.ResultCode, clip(oneLine(d.ResultMessage), 80))
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(out, "%d documents\n", n)
	return nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
