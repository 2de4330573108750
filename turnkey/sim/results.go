package sim

import (
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/mig"
)

// The namespaces of the result files the simulator writes (domain.md §3.5).
const (
	ProcessResultNamespace = "urn:GEINV:ProcessResult:4.1"
	SummaryResultNamespace = "urn:GEINV:SummaryResult:4.1"
)

// platformParty names the platform in RoutingInfo/From. The real value is
// not public; turnkeyd does not read RoutingInfo.
const platformParty = "EINVOICE-SIM"

// envelope is the decided messages of one envelope.
type envelope struct {
	id   string
	head mig.Head
	recs []*fileRecord
}

// resultFiles builds the result files of the messages decided in one
// step: a ProcessResult per refused message, and per seller a
// SummaryResult with one Message per envelope.
func (s *Sim) resultFiles(decided []*fileRecord, now time.Time) []outFile {
	var out []outFile
	var sellers []string
	envelopes := map[string][]*envelope{}
	for _, rec := range decided {
		list := envelopes[rec.Seller]
		if list == nil {
			sellers = append(sellers, rec.Seller)
		}
		if n := len(list); n == 0 || list[n-1].id != rec.MessageID {
			list = append(list, &envelope{id: rec.MessageID, head: rec.Head})
		}
		list[len(list)-1].recs = append(list[len(list)-1].recs, rec)
		envelopes[rec.Seller] = list
	}
	for _, seller := range sellers {
		for _, env := range envelopes[seller] {
			for _, rec := range env.recs {
				if rec.Verdict == Refused {
					out = append(out, s.resultFile(s.cfg.ProcessResultDir, "ProcessResult", processResult(env, rec), now))
				}
			}
		}
	}
	for _, seller := range sellers {
		out = append(out, s.resultFile(s.cfg.SummaryResultDir, "SummaryResult", summaryResult(seller, envelopes[seller]), now))
	}
	return out
}

// resultFile names a result file <yyyyMMddHHmmssSSS>-<n>-<kind>.xml in the
// folder <dir>/<yyyyMMdd>/<HHmm>, n counting every file the simulator has
// written.
func (s *Sim) resultFile(dir, kind string, doc *etree.Document, now time.Time) outFile {
	s.st.Written++
	t := now.In(taipei)
	return outFile{
		Dir:  filepath.Join(dir, t.Format("20060102"), t.Format("1504")),
		Name: fmt.Sprintf("%s%03d-%06d-%s.xml", t.Format("20060102150405"), t.Nanosecond()/1e6, s.st.Written, kind),
		Data: serialize(doc),
	}
}

// processResult is the platform's verdict on one refused message, with
// the parameters describe gives it (docs/turnkey.md).
func processResult(env *envelope, rec *fileRecord) *etree.Document {
	doc, root := newDoc("ProcessResult", ProcessResultNamespace)
	routing(root, rec.Seller)
	messageInfo(root.CreateElement("MessageInfo"), env)
	info := root.CreateElement("Result").CreateElement("Info")
	text(info, "Code", rec.Code)
	text(info, "Description", rec.Reason)
	for k, p := range rec.Params {
		if p != "" {
			text(info, "Parameter"+strconv.Itoa(k), p)
		}
	}
	return doc
}

// summaryResult reconciles the envelopes of one seller decided in a step.
func summaryResult(seller string, envs []*envelope) *etree.Document {
	doc, root := newDoc("SummaryResult", SummaryResultNamespace)
	routing(root, seller)
	list := root.CreateElement("DetailList")
	for _, env := range envs {
		m := list.CreateElement("Message")
		messageInfo(m.CreateElement("Info"), env)
		var all, good, failed []*fileRecord
		for _, rec := range env.recs {
			all = append(all, rec)
			if rec.Verdict == Accepted {
				good = append(good, rec)
			} else {
				failed = append(failed, rec)
			}
		}
		rt := m.CreateElement("ResultType")
		listed := env.head.Type != mig.E0402 // blank-track messages list no invoices
		resultDetail(rt.CreateElement("Total"), all, listed)
		resultDetail(rt.CreateElement("Good"), good, listed)
		resultDetail(rt.CreateElement("Failed"), failed, listed)
	}
	return doc
}

func resultDetail(parent *etree.Element, recs []*fileRecord, listed bool) {
	d := parent.CreateElement("ResultDetailType")
	text(d, "Count", strconv.Itoa(len(recs)))
	if !listed || len(recs) == 0 {
		return
	}
	invoices := d.CreateElement("Invoices")
	for _, rec := range recs {
		inv := invoices.CreateElement("Invoice")
		text(inv, "ReferenceNumber", rec.Ref.Number)
		text(inv, "InvoiceDate", rec.Ref.Date)
	}
}

// messageInfo writes Id, Size, MessageType, Service and Action of an
// envelope. Service is the Turnkey category folder (B2SSTORAGE, …) and
// Action "Upload": placeholders, the real values are not public.
func messageInfo(e *etree.Element, env *envelope) {
	size := 0
	for _, rec := range env.recs {
		size += rec.Size
	}
	text(e, "Id", env.id)
	text(e, "Size", strconv.Itoa(size))
	text(e, "MessageType", string(env.head.Type))
	text(e, "Service", filepath.Base(filepath.Dir(filepath.Dir(env.recs[0].Src))))
	text(e, "Action", "Upload")
}

func routing(root *etree.Element, seller string) {
	r := root.CreateElement("RoutingInfo")
	text(r.CreateElement("From"), "PartyId", platformParty)
	text(r.CreateElement("FromVAC"), "RoutingId", platformParty)
	text(r.CreateElement("To"), "PartyId", seller)
	text(r.CreateElement("ToVAC"), "RoutingId", seller)
}

func newDoc(root, namespace string) (*etree.Document, *etree.Element) {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8"`)
	r := doc.CreateElement(root)
	r.CreateAttr("xmlns", namespace)
	return doc, r
}

func text(parent *etree.Element, tag, value string) {
	parent.CreateElement(tag).SetText(value)
}

func serialize(doc *etree.Document) []byte {
	doc.Indent(2)
	b, err := doc.WriteToBytes()
	if err != nil { // writing to memory does not fail
		panic(err)
	}
	return b
}
