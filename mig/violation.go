package mig

import "strings"

// Violation is one thing wrong with a document: a schema violation
// (codes starting XSD_) or a business rule (e.g. BAN_CHECKSUM).
type Violation struct {
	Code   string // stable, upper snake case, e.g. "BAN_CHECKSUM", "XSD_PATTERN"
	Path   string // element path, e.g. /Invoice/Details/ProductItem[3]/Quantity
	Value  string // the offending value, when there is one
	Reason string // what is wrong and what to do, for a person
}

// String returns "<CODE> <path>: <reason>", the form `turnkeyd check` prints.
func (v Violation) String() string {
	var b strings.Builder
	b.WriteString(v.Code)
	if v.Path != "" {
		b.WriteByte(' ')
		b.WriteString(v.Path)
	}
	b.WriteString(": ")
	b.WriteString(v.Reason)
	return b.String()
}
