package daemon

import (
	"fmt"
	"strings"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// blankProcess applies a ProcessResult Info about an E0402: its parameters
// are BranchBan, YearMonth, InvoiceTrack and InvoiceType (docs/turnkey.md).
func (r *Results) blankProcess(rt *ledger.ResultTx, info turnkey.ResultInfo, problems *[]string) error {
	p := info.Parameters
	d, err := rt.FindBlank(p[0], p[1], p[2], p[3])
	if err != nil {
		return err
	}
	if d == nil {
		*problems = append(*problems, fmt.Sprintf("E0402 of seller %s period %s track %s type %s is not in the ledger", p[0], p[1], p[2], p[3]))
		return nil
	}
	to := ledger.StateRejected
	if strings.Trim(info.Code, "0") == "" {
		to = ledger.StateAccepted
	}
	if err := r.transition(rt, d.ID, to, "process-result", info.Code, info.Description, ""); err != nil {
		*problems = append(*problems, err.Error())
	}
	return nil
}

// blankSummary accepts as many E0402 documents awaiting a verdict, oldest
// first, as a SummaryResult message counts good: E0402 results list no
// invoices, and refusals come with a ProcessResult that names them (read
// first in each cycle).
func (r *Results) blankSummary(rt *ledger.ResultTx, m turnkey.SummaryMessage, problems *[]string) error {
	if m.Good.Count == 0 {
		return nil
	}
	docs, err := rt.PendingBlanks(m.Good.Count)
	if err != nil {
		return err
	}
	if len(docs) < m.Good.Count {
		*problems = append(*problems, fmt.Sprintf("message %s counts %d good E0402, the ledger awaits a verdict on %d", m.ID, m.Good.Count, len(docs)))
	}
	for _, d := range docs {
		if err := r.transition(rt, d.ID, ledger.StateAccepted, "summary-result", "", "", ""); err != nil {
			*problems = append(*problems, err.Error())
		}
	}
	return nil
}
