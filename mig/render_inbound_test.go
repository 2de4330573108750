package mig

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"github.com/beevik/etree"
)

// Test-only rendering of the messages turnkeyd reads and never writes (E0501,
// E0504) and of Turnkey's InvoiceEnvelope, to make parser fixtures, round
// trips and oracle checks of the generator. Elements are written in the
// order of the 3.1 sequence (E0501) or of the model (xsd:all elsewhere).

// renderAny renders d with Render, or with the test renderer for read-only
// messages.
func renderAny(d Document) ([]byte, error) {
	switch v := d.(type) {
	case *TrackAssignment:
		return serializeTree(treeTrackAssignment(v)), nil
	case *WinnerList:
		return serializeTree(treeWinnerList(v)), nil
	}
	return Render(d)
}

func serializeTree(doc *etree.Document) []byte {
	var buf bytes.Buffer
	if _, err := doc.WriteTo(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func treeTrackAssignment(v *TrackAssignment) *etree.Document {
	b := new(treeBuilder)
	root := b.start("InvoiceAssignNo", v.Namespace())
	b.assignNo(root, v)
	if err := b.finish(root); err != nil {
		panic(err)
	}
	doc := b.doc
	return doc
}

func (b *treeBuilder) assignNo(n treeNode, v *TrackAssignment) {
	b.req(n, "Ban", v.BAN)
	b.req(n, "InvoiceType", v.InvoiceType)
	b.req(n, "YearMonth", v.YearMonth)
	b.req(n, "InvoiceTrack", v.Track)
	b.req(n, "InvoiceBeginNo", v.Begin)
	b.req(n, "InvoiceEndNo", v.End)
	b.dec(n, "InvoiceBooklet", v.Booklets)
}

func treeWinnerList(v *WinnerList) *etree.Document {
	b := new(treeBuilder)
	root := b.start("Award", v.Namespace())
	m := b.open(root, "Main")
	b.req(m, "HeadBan", v.HeadBAN)
	b.req(m, "YearMonth", v.YearMonth)
	b.req(m, "AwardListType", v.AwardListType)
	b.dec(m, "TotalRecordCnt", v.TotalRecordCount)
	b.dec(m, "TotalPrizeAmount", v.TotalPrizeAmount)
	b.req(m, "RecAwardBegin", v.RecAwardBegin)
	b.req(m, "RecAwardEnd", v.RecAwardEnd)
	b.close(m)
	details := b.open(root, "Details")
	for i := range v.Prizes {
		p := &v.Prizes[i]
		n := b.open(details, "PrizeInvoice")
		b.req(n, "InvTrack", p.Track)
		b.req(n, "InvoiceNumber", p.InvoiceNumber)
		b.req(n, "InvoiceDate", string(p.InvoiceDate))
		b.opt(n, "InvoiceTime", string(p.InvoiceTime))
		b.party(n, "Seller", &p.Seller)
		b.req(n, "BuyerId", p.BuyerID)
		b.dec(n, "TotalAmount", p.TotalAmount)
		b.opt(n, "CarrierType", p.CarrierType)
		b.opt(n, "CarrierTypeName", p.CarrierTypeName)
		b.opt(n, "CarrierId1", p.CarrierID1)
		b.opt(n, "CarrierId2", p.CarrierID2)
		b.req(n, "RandomNumber", p.RandomNumber)
		b.req(n, "PrizeType", p.PrizeType)
		b.dec(n, "PrizeAmount", p.PrizeAmount)
		b.req(n, "DepositMark", p.DepositMark)
		b.req(n, "RedeemDataType", p.RedeemDataType)
		b.req(n, "PrizeDataSource", p.PrizeDataSource)
		b.req(n, "PrintType", p.PrintType)
		b.close(n)
	}
	b.close(details)
	if err := b.finish(root); err != nil {
		panic(err)
	}
	doc := b.doc
	return doc
}

// envelope wraps E0501 messages as Turnkey delivers them: an
// InvoiceEnvelope of version env whose InvoicePack holds each
// InvoiceAssignNo with its own namespace.
func testEnvelope(env Version, ts ...*TrackAssignment) []byte {
	b := new(treeBuilder)
	root := b.start("InvoiceEnvelope", "urn:GEINV:InvoiceEnvelope:"+string(env))
	for _, tag := range []string{"From", "To"} {
		n := b.open(root, tag)
		b.req(n, "PartyId", ts[0].BAN)
		b.close(n)
		n = b.open(root, tag+"VAC")
		b.req(n, "RoutingId", "FAKEROUTE")
		b.close(n)
	}
	pack := b.open(root, "InvoicePack")
	pack.e.CreateAttr("messageType", "E0501")
	pack.e.CreateAttr("count", strconv.Itoa(len(ts)))
	pack.e.CreateAttr("version", string(ts[0].Version))
	for _, t := range ts {
		n := b.open(pack, "InvoiceAssignNo")
		n.e.CreateAttr("xmlns", t.Namespace())
		b.assignNo(n, t)
		b.close(n)
	}
	b.close(pack)
	if err := b.finish(root); err != nil {
		panic(err)
	}
	doc := b.doc
	return serializeTree(doc)
}

func TestRenderAnyReadOnly(t *testing.T) {
	for _, h := range generatedHeads {
		if h.Type != E0501 && h.Type != E0504 {
			continue
		}
		t.Run(h.String(), func(t *testing.T) {
			d := randomDocument(newRand(1), h)
			if _, err := Render(d); err == nil {
				t.Fatalf("Render(%s) succeeded; turnkeyd must not render a read-only message", h)
			}
			out, err := renderAny(d)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte(fmt.Sprintf(`xmlns="%s"`, h.Namespace()))) {
				t.Errorf("no namespace %s in\n%s", h.Namespace(), out)
			}
		})
	}
}
