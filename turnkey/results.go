package turnkey

import (
	"fmt"
	"strings"
)

// The platform's verdicts, as Turnkey's Unpack task leaves them under its
// BAK folder (docs/turnkey.md, domain.md §3.5). No official schema of either
// file is public: the parsers read the structure that third-party parsers
// and Turnkey's own files agree on, by local names (any namespace or
// prefix: urn:GEINV:ProcessResult:4.0/4.1, urn:GEINV:SummaryResult:3.0/4.0/
// 4.1, none), ignoring elements they do not know, so that a new version of
// the files does not stop the daemon. RoutingInfo is not read.

// SuccessCode is the code of a message the platform stored (訊息存證成功).
const SuccessCode = "00000"

// ProcessResult is the platform's verdict on one message (a ProcessResult
// file). Turnkey leaves one per message the platform has something to say
// about; a refusal has at least one Info whose Code is not SuccessCode.
type ProcessResult struct {
	MessageID   string // MessageInfo/Id, e.g. 4.1-F0401-20260824-141623456-<uuid>; may be empty
	MessageType string // MessageInfo/MessageType, e.g. F0401
	Results     []ResultInfo
}

// ResultInfo is one Result/Info of a ProcessResult.
type ResultInfo struct {
	Code        string    // e.g. E1003; SuccessCode for success
	Description string    // e.g. B2C 發票重覆開立; may be empty
	Parameters  [5]string // Parameter0..Parameter4, empty when absent
}

// Ref returns the document an Info refers to, as turnkeyd reads the
// parameters: Parameter0 the reference number (the invoice number, or the
// allowance number for G0401, G0501, D0401 and D0501), Parameter1 its date
// (yyyyMMdd). See docs/turnkey.md: this reading is ours, not MOF's.
func (i ResultInfo) Ref() InvoiceRef {
	return InvoiceRef{Number: i.Parameters[0], Date: i.Parameters[1]}
}

// Accepted reports whether every Info of r carries SuccessCode.
func (r *ProcessResult) Accepted() bool {
	for _, info := range r.Results {
		if info.Code != SuccessCode {
			return false
		}
	}
	return len(r.Results) > 0
}

// SummaryResult is the platform's reconciliation of the messages it
// received (a SummaryResult file): one SummaryMessage per message object
// Turnkey uploaded (an envelope of up to 1000 messages of one type).
type SummaryResult struct {
	Messages []SummaryMessage
}

// SummaryMessage is one DetailList/Message of a SummaryResult.
type SummaryMessage struct {
	ID          string // Info/Id: <MIG>-<MSG>-<yyyyMMdd>-<HHmmssSSS>-<uuid>, Turnkey's TURNKEY_MESSAGE_LOG.UUID at the end
	MessageType string // Info/MessageType, e.g. F0401
	Total       ResultDetail
	Good        ResultDetail
	Failed      ResultDetail
}

// ResultDetail is one of Total, Good and Failed: a count and, except for
// messages without invoices (E0402), the invoices counted.
type ResultDetail struct {
	Count    int
	Invoices []InvoiceRef
}

// InvoiceRef names a document in a result: ReferenceNumber and
// InvoiceDate of a SummaryResult invoice, Parameter0 and Parameter1 of a
// ProcessResult Info.
type InvoiceRef struct {
	Number string // the invoice number, or the allowance number of an allowance message
	Date   string // yyyyMMdd: the invoice (allowance) date, or the void/cancel date of a follow-up
}

// Check reports a message whose numbers do not add up: Total ≠ Good +
// Failed, or a Count that differs from the number of invoices listed with
// it (when a list is present). The error lists every such problem; the
// caller names the message (ID, MessageType). A message that fails Check is
// still what the platform said: the caller decides what to trust, and
// reports it.
func (m SummaryMessage) Check() error {
	var problems []string
	if m.Total.Count != m.Good.Count+m.Failed.Count {
		problems = append(problems, fmt.Sprintf("Total/Count %d ≠ Good/Count %d + Failed/Count %d", m.Total.Count, m.Good.Count, m.Failed.Count))
	}
	for _, b := range []struct {
		name string
		d    ResultDetail
	}{{"Total", m.Total}, {"Good", m.Good}, {"Failed", m.Failed}} {
		if len(b.d.Invoices) > 0 && b.d.Count != len(b.d.Invoices) {
			problems = append(problems, fmt.Sprintf("%s/Count is %d but %d invoices are listed", b.name, b.d.Count, len(b.d.Invoices)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("the counts do not add up: %s", strings.Join(problems, "; "))
}
