package turnkey

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/beevik/etree"
	"github.com/turnkeyd/turnkeyd/internal/xmlread"
)

// ParseProcessResult reads a ProcessResult file. It needs
// MessageInfo/MessageType and at least one Result/Info with a Code;
// MessageInfo/Id, Description and Parameter0..4 may be absent. Errors name
// the element path, e.g. /ProcessResult/Result/Info[2]/Code.
func ParseProcessResult(data []byte) (*ProcessResult, error) {
	root, err := readResult(data, "ProcessResult")
	if err != nil {
		return nil, err
	}
	info, err := root.req("MessageInfo")
	if err != nil {
		return nil, err
	}
	r := &ProcessResult{}
	if r.MessageID, err = info.optText("Id"); err != nil {
		return nil, err
	}
	if r.MessageType, err = info.reqText("MessageType"); err != nil {
		return nil, err
	}
	result, err := root.req("Result")
	if err != nil {
		return nil, err
	}
	infos := result.list("Info")
	if len(infos) == 0 {
		return nil, fmt.Errorf("%s: no <Info>: a ProcessResult carries at least one code", result.path)
	}
	for _, n := range infos {
		var ri ResultInfo
		if ri.Code, err = n.reqText("Code"); err != nil {
			return nil, err
		}
		if ri.Description, err = n.optText("Description"); err != nil {
			return nil, err
		}
		for k := range ri.Parameters {
			if ri.Parameters[k], err = n.optText("Parameter" + strconv.Itoa(k)); err != nil {
				return nil, err
			}
		}
		r.Results = append(r.Results, ri)
	}
	return r, nil
}

// ParseSummaryResult reads a SummaryResult file. Every DetailList/Message
// needs Info/Id, Info/MessageType and ResultType with Total, Good and
// Failed, each with a Count (a whole number ≥ 0); a listed Invoice needs a
// ReferenceNumber and an InvoiceDate of 8 digits. Count is read inside
// <ResultDetailType>, as Turnkey writes it, or directly inside Total, Good
// and Failed. Whether the numbers add up is SummaryMessage.Check.
func ParseSummaryResult(data []byte) (*SummaryResult, error) {
	root, err := readResult(data, "SummaryResult")
	if err != nil {
		return nil, err
	}
	list, err := root.req("DetailList")
	if err != nil {
		return nil, err
	}
	s := &SummaryResult{}
	for _, n := range list.list("Message") {
		m, err := summaryMessage(n)
		if err != nil {
			return nil, err
		}
		s.Messages = append(s.Messages, m)
	}
	return s, nil
}

func summaryMessage(n node) (SummaryMessage, error) {
	var m SummaryMessage
	info, err := n.req("Info")
	if err != nil {
		return m, err
	}
	if m.ID, err = info.reqText("Id"); err != nil {
		return m, err
	}
	if m.MessageType, err = info.reqText("MessageType"); err != nil {
		return m, err
	}
	rt, err := n.req("ResultType")
	if err != nil {
		return m, err
	}
	for _, b := range []struct {
		name string
		d    *ResultDetail
	}{{"Total", &m.Total}, {"Good", &m.Good}, {"Failed", &m.Failed}} {
		bucket, err := rt.req(b.name)
		if err != nil {
			return m, err
		}
		if *b.d, err = resultDetail(bucket); err != nil {
			return m, err
		}
	}
	return m, nil
}

var yyyyMMdd = regexp.MustCompile(`^[0-9]{8}$`)

func resultDetail(bucket node) (ResultDetail, error) {
	var d ResultDetail
	n, ok, err := bucket.opt("ResultDetailType")
	if err != nil {
		return d, err
	}
	if !ok {
		n = bucket
	}
	count, err := n.req("Count")
	if err != nil {
		return d, err
	}
	text, err := count.text()
	if err != nil {
		return d, err
	}
	if d.Count, err = parseCount(text); err != nil {
		return d, fmt.Errorf("%s: %w", count.path, err)
	}
	invoices, ok, err := n.opt("Invoices")
	if err != nil || !ok {
		return d, err
	}
	for _, inv := range invoices.list("Invoice") {
		var ref InvoiceRef
		if ref.Number, err = inv.reqText("ReferenceNumber"); err != nil {
			return d, err
		}
		if ref.Date, err = inv.reqText("InvoiceDate"); err != nil {
			return d, err
		}
		if !yyyyMMdd.MatchString(ref.Date) {
			return d, fmt.Errorf("%s/InvoiceDate: %q is not a date yyyyMMdd", inv.path, clip(ref.Date))
		}
		d.Invoices = append(d.Invoices, ref)
	}
	return d, nil
}

// parseCount reads a Count: ASCII digits, at most 9 of them.
func parseCount(s string) (int, error) {
	if s == "" || len(s) > 9 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a count (a whole number from 0 to 999999999)", clip(s))
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a count: %w", clip(s), err)
	}
	return n, nil
}

// node is an element with its path for error messages.
type node struct {
	e    *etree.Element
	path string
}

// children returns the child elements named name (local name, any prefix).
func (n node) children(name string) []*etree.Element {
	var out []*etree.Element
	for _, c := range n.e.ChildElements() {
		if c.Tag == name {
			out = append(out, c)
		}
	}
	return out
}

// opt returns the single child named name, if there is one.
func (n node) opt(name string) (node, bool, error) {
	cs := n.children(name)
	switch len(cs) {
	case 0:
		return node{}, false, nil
	case 1:
		return node{e: cs[0], path: n.path + "/" + name}, true, nil
	}
	return node{}, false, fmt.Errorf("%s: %d <%s> elements where one is expected", n.path, len(cs), name)
}

// req returns the single child named name and fails when it is missing.
func (n node) req(name string) (node, error) {
	c, ok, err := n.opt(name)
	if err == nil && !ok {
		err = fmt.Errorf("%s: <%s> is missing", n.path, name)
	}
	return c, err
}

// list returns the children named name, their paths numbered from 1.
func (n node) list(name string) []node {
	cs := n.children(name)
	out := make([]node, len(cs))
	for i, c := range cs {
		out[i] = node{e: c, path: n.path + "/" + name + "[" + strconv.Itoa(i+1) + "]"}
	}
	return out
}

// text returns the element's text with surrounding white space removed; an
// element holding elements has no text value.
func (n node) text() (string, error) {
	var b strings.Builder
	for _, t := range n.e.Child {
		switch t := t.(type) {
		case *etree.Element:
			return "", fmt.Errorf("%s: holds the element <%s> where a value is expected", n.path, t.Tag)
		case *etree.CharData:
			b.WriteString(t.Data)
		}
	}
	return strings.TrimSpace(b.String()), nil
}

// optText returns the text of the optional child name ("" when absent).
func (n node) optText(name string) (string, error) {
	c, ok, err := n.opt(name)
	if err != nil || !ok {
		return "", err
	}
	return c.text()
}

// reqText returns the text of the child name, which must be present and
// not blank.
func (n node) reqText(name string) (string, error) {
	c, err := n.req(name)
	if err != nil {
		return "", err
	}
	s, err := c.text()
	if err == nil && s == "" {
		err = fmt.Errorf("%s: is empty", c.path)
	}
	return s, err
}

// resultKinds are the roots of the files turnkeyd reads from Turnkey's
// Unpack folders, with the function that reads each.
var resultKinds = map[string]string{
	"ProcessResult":   "ParseProcessResult",
	"SummaryResult":   "ParseSummaryResult",
	"InvoiceEnvelope": "mig.ParseTrackAssignments (an E0501 envelope)",
	"InvoiceAssignNo": "mig.ParseTrackAssignments (E0501)",
	"Award":           "mig.Parse (an E0504 winner list)",
}

// readResult reads UTF-8 XML (with or without a BOM) and returns its root,
// which must have the local name want.
func readResult(data []byte, want string) (node, error) {
	doc, err := xmlread.Read(data)
	if err != nil {
		return node{}, err
	}
	root, err := xmlread.Root(doc)
	if err != nil {
		return node{}, err
	}
	if root.Tag != want {
		if reader, ok := resultKinds[root.Tag]; ok {
			return node{}, fmt.Errorf("the root element is <%s>, not <%s>: read this file with %s", root.Tag, want, reader)
		}
		return node{}, fmt.Errorf("the root element is <%s>, not <%s>: this is not a Turnkey %s file", clip(root.Tag), want, want)
	}
	return node{e: root, path: "/" + want}, nil
}

func clip(s string) string { return xmlread.Clip(s) }
