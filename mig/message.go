// Package mig owns the MIG messages turnkeyd exchanges with Turnkey and the
// MOF platform: the document model, the renderer and parser (beevik/etree),
// the schema validator run against the XSDs in package schemas, and the
// business rules the schemas cannot express.
//
// The model is one Go type per kind of document; a document's Head says which
// message type and MIG version it is rendered as. An Invoice is an F0401 in
// MIG 4.1 and a C0401 (consumer buyer) or A0401 (business buyer) in MIG 3.1.
package mig

import (
	"fmt"
	"regexp"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// Decimal is an exact decimal amount; see package decimal.
type Decimal = decimal.Decimal

// Version is a MIG version as written in namespaces, e.g. "4.1".
type Version string

// The MIG versions turnkeyd writes. V40 and V32 are only read (E0501, E0504
// arrive in whatever version Turnkey's download folder is set to).
const (
	V41 Version = "4.1"
	V40 Version = "4.0"
	V32 Version = "3.2"
	V31 Version = "3.1"
)

// MessageType is a MIG message code such as "F0401".
type MessageType string

// The message types turnkeyd renders, validates or reads.
const (
	F0401 MessageType = "F0401" // 4.x invoice (consumer and business buyers)
	F0501 MessageType = "F0501" // 4.x void (作廢), root CancelInvoice
	F0701 MessageType = "F0701" // 4.x cancel (註銷), root VoidInvoice
	G0401 MessageType = "G0401" // 4.x allowance (折讓)
	G0501 MessageType = "G0501" // 4.x void allowance, root CancelAllowance
	C0401 MessageType = "C0401" // 3.x consumer invoice
	C0501 MessageType = "C0501" // 3.x consumer void
	C0701 MessageType = "C0701" // 3.x consumer cancel
	D0401 MessageType = "D0401" // 3.x consumer allowance
	D0501 MessageType = "D0501" // 3.x consumer void allowance
	A0401 MessageType = "A0401" // 3.x business-buyer storage invoice
	E0402 MessageType = "E0402" // blank (unused) track ranges, root BranchTrackBlank
	E0501 MessageType = "E0501" // track allocation, root InvoiceAssignNo (read only)
	E0504 MessageType = "E0504" // winner list, root Award (read only)
)

// messageInfo is what the package knows of a message type.
type messageInfo struct {
	root     string    // the root element's local name
	versions []Version // the versions turnkeyd has schemas for and renders
	readOnly bool      // parsed, never rendered by turnkeyd
}

var messages = map[MessageType]messageInfo{
	F0401: {root: "Invoice", versions: []Version{V41}},
	F0501: {root: "CancelInvoice", versions: []Version{V41}},
	F0701: {root: "VoidInvoice", versions: []Version{V41}},
	G0401: {root: "Allowance", versions: []Version{V41}},
	G0501: {root: "CancelAllowance", versions: []Version{V41}},
	C0401: {root: "Invoice", versions: []Version{V31}},
	C0501: {root: "CancelInvoice", versions: []Version{V31}},
	C0701: {root: "VoidInvoice", versions: []Version{V31}},
	D0401: {root: "Allowance", versions: []Version{V31}},
	D0501: {root: "CancelAllowance", versions: []Version{V31}},
	A0401: {root: "Invoice", versions: []Version{V31}},
	E0402: {root: "BranchTrackBlank", versions: []Version{V41, V31}},
	E0501: {root: "InvoiceAssignNo", versions: []Version{V41, V31}, readOnly: true},
	E0504: {root: "Award", versions: []Version{V41}, readOnly: true},
}

// Head says what a document is rendered as.
type Head struct {
	Type    MessageType
	Version Version
}

// Header returns h; every document embeds a Head.
func (h Head) Header() Head { return h }

// String returns e.g. "F0401 4.1", the form `turnkeyd check` prints.
func (h Head) String() string { return string(h.Type) + " " + string(h.Version) }

// Namespace returns the root namespace of h, e.g.
// "urn:GEINV:eInvoiceMessage:F0401:4.1". E0501 in 3.2 and later drops the
// "eInvoiceMessage" part, as the MOF schemas do.
func (h Head) Namespace() string {
	if h.Type == E0501 && h.Version != V31 {
		return "urn:GEINV:E0501:" + string(h.Version)
	}
	return "urn:GEINV:eInvoiceMessage:" + string(h.Type) + ":" + string(h.Version)
}

// Root returns the local name of the root element of h's message type.
func (h Head) Root() string { return messages[h.Type].root }

// Supported reports whether turnkeyd has a schema for h.
func (h Head) Supported() bool {
	info, ok := messages[h.Type]
	if !ok {
		return false
	}
	for _, v := range info.versions {
		if v == h.Version {
			return true
		}
	}
	return false
}

var namespacePattern = regexp.MustCompile(`^urn:GEINV:(?:eInvoiceMessage:)?([A-Z][0-9]{4}):([0-9]\.[0-9])$`)

// HeadOf finds the message type and version from a root namespace. It knows
// every MIG namespace form; whether turnkeyd has a schema for the result is
// Head.Supported.
func HeadOf(namespace string) (Head, error) {
	m := namespacePattern.FindStringSubmatch(namespace)
	if m == nil {
		return Head{}, fmt.Errorf("namespace %q is not a MIG message namespace (urn:GEINV:eInvoiceMessage:<MSG>:<version>)", namespace)
	}
	return Head{Type: MessageType(m[1]), Version: Version(m[2])}, nil
}

// Document is one MIG message: *Invoice, *InvoiceVoid, *InvoiceCancel,
// *Allowance, *AllowanceVoid, *BlankTracks, *TrackAssignment or *WinnerList.
type Document interface {
	Header() Head
}

// InvoiceHead returns the Head an invoice gets in version v: F0401 in 4.x;
// in 3.1 A0401 for a business buyer (a BAN) and C0401 for a consumer.
func InvoiceHead(v Version, businessBuyer bool) Head {
	switch {
	case v != V31:
		return Head{Type: F0401, Version: v}
	case businessBuyer:
		return Head{Type: A0401, Version: v}
	}
	return Head{Type: C0401, Version: v}
}

// HeadFor returns the Head of the message that carries the given kind of
// document in version v: kind is one of "void", "cancel", "allowance",
// "void_allowance", "blank".
func HeadFor(v Version, kind string) (Head, error) {
	four := v != V31
	var t MessageType
	switch kind {
	case "void":
		t = pick(four, F0501, C0501)
	case "cancel":
		t = pick(four, F0701, C0701)
	case "allowance":
		t = pick(four, G0401, D0401)
	case "void_allowance":
		t = pick(four, G0501, D0501)
	case "blank":
		t = E0402
	default:
		return Head{}, fmt.Errorf("unknown document kind %q", kind)
	}
	return Head{Type: t, Version: v}, nil
}

func pick(four bool, a, b MessageType) MessageType {
	if four {
		return a
	}
	return b
}
