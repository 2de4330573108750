package mig

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// ParseTrackAssignments reads the track ranges of an E0501 file: a bare
// InvoiceAssignNo (3.1, 3.2, 4.0 or 4.1) or a Turnkey InvoiceEnvelope
// (3.1, 3.2, 4.0 or 4.1) whose InvoicePack holds one or more of them. A
// pack's count attribute, when present, must match the number of messages.
func ParseTrackAssignments(data []byte) ([]*TrackAssignment, error) {
	_, root, err := readRoot(data)
	if err != nil {
		return nil, err
	}
	if root.Tag != "InvoiceEnvelope" {
		h, err := rootHead(root)
		if err != nil {
			return nil, err
		}
		if h.Type != E0501 {
			return nil, fmt.Errorf("the root <%s> is a %s message, not E0501 (InvoiceAssignNo)", root.Tag, h)
		}
		t, err := parseTrackAssignment(root, h)
		if err != nil {
			return nil, err
		}
		return []*TrackAssignment{t}, nil
	}
	return parseEnvelope(root)
}

var envelopeNamespace = regexp.MustCompile(`^urn:GEINV:InvoiceEnvelope:(3\.1|3\.2|4\.0|4\.1)$`)

func parseEnvelope(root *etree.Element) ([]*TrackAssignment, error) {
	ns := strings.TrimSpace(root.NamespaceURI())
	if !envelopeNamespace.MatchString(ns) {
		return nil, fmt.Errorf("InvoiceEnvelope namespace %q is not urn:GEINV:InvoiceEnvelope:<3.1|3.2|4.0|4.1>", ns)
	}
	var out []*TrackAssignment
	var err error
	eachChild(root, func(pack *etree.Element) {
		if pack.Tag != "InvoicePack" || err != nil {
			return
		}
		var got []*TrackAssignment
		got, err = parsePack(pack)
		out = append(out, got...)
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New("the InvoiceEnvelope holds no InvoicePack with an InvoiceAssignNo")
	}
	return out, nil
}

func parsePack(pack *etree.Element) ([]*TrackAssignment, error) {
	var out []*TrackAssignment
	for _, c := range pack.ChildElements() {
		h, err := packedHead(pack, c)
		if err != nil {
			return nil, err
		}
		t, err := parseTrackAssignment(c, h)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if a := pack.SelectAttr("count"); a != nil {
		n, err := strconv.Atoi(strings.TrimSpace(a.Value))
		if err != nil || n != len(out) {
			return nil, fmt.Errorf("%s: count=%q but the pack holds %d InvoiceAssignNo: the file may be truncated", elementPath(pack), a.Value, len(out))
		}
	}
	return out, nil
}

// packedHead is the Head of a message inside an InvoicePack: its own
// namespace, or when it has none of its own, the pack's messageType and
// version attributes.
func packedHead(pack, c *etree.Element) (Head, error) {
	if c.Tag != "InvoiceAssignNo" {
		return Head{}, fmt.Errorf("%s: <%s> is not an E0501 InvoiceAssignNo", elementPath(c), c.Tag)
	}
	if _, err := HeadOf(strings.TrimSpace(c.NamespaceURI())); err == nil {
		return rootHead(c)
	}
	h := Head{Type: MessageType(pack.SelectAttrValue("messageType", "")), Version: Version(pack.SelectAttrValue("version", ""))}
	if h.Type != E0501 {
		return Head{}, fmt.Errorf("%s: InvoiceAssignNo has no E0501 namespace and the pack's messageType is %q", elementPath(c), h.Type)
	}
	for _, v := range readVersions[E0501] {
		if v == h.Version {
			return h, nil
		}
	}
	return Head{}, fmt.Errorf("%s: E0501 version %q is not one turnkeyd reads", elementPath(c), h.Version)
}

func parseTrackAssignment(e *etree.Element, h Head) (*TrackAssignment, error) {
	v := &TrackAssignment{Head: h}
	var p parser
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "Ban":
			v.BAN = c.Text()
		case "InvoiceType":
			v.InvoiceType = c.Text()
		case "YearMonth":
			v.YearMonth = c.Text()
		case "InvoiceTrack":
			v.Track = c.Text()
		case "InvoiceBeginNo":
			v.Begin = c.Text()
		case "InvoiceEndNo":
			v.End = c.Text()
		case "InvoiceBooklet":
			v.Booklets = p.dec(c)
		}
	})
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

func parseWinnerList(root *etree.Element, h Head) (*WinnerList, error) {
	v := &WinnerList{Head: h}
	var p parser
	eachChild(root, func(c *etree.Element) {
		switch c.Tag {
		case "Main":
			eachChild(c, func(m *etree.Element) {
				switch m.Tag {
				case "HeadBan":
					v.HeadBAN = m.Text()
				case "YearMonth":
					v.YearMonth = m.Text()
				case "AwardListType":
					v.AwardListType = m.Text()
				case "TotalRecordCnt":
					v.TotalRecordCount = p.dec(m)
				case "TotalPrizeAmount":
					v.TotalPrizeAmount = p.dec(m)
				case "RecAwardBegin":
					v.RecAwardBegin = m.Text()
				case "RecAwardEnd":
					v.RecAwardEnd = m.Text()
				}
			})
		case "Details":
			eachChild(c, func(it *etree.Element) {
				if it.Tag == "PrizeInvoice" {
					v.Prizes = append(v.Prizes, p.prize(it))
				}
			})
		}
	})
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

func (p *parser) prize(e *etree.Element) PrizeInvoice {
	var v PrizeInvoice
	eachChild(e, func(c *etree.Element) {
		switch c.Tag {
		case "InvTrack":
			v.Track = c.Text()
		case "InvoiceNumber":
			v.InvoiceNumber = c.Text()
		case "InvoiceDate":
			v.InvoiceDate = Date(c.Text())
		case "InvoiceTime":
			v.InvoiceTime = TimeOfDay(collapsedText(c))
		case "Seller":
			v.Seller = p.party(c)
		case "BuyerId":
			v.BuyerID = c.Text()
		case "TotalAmount":
			v.TotalAmount = p.dec(c)
		case "CarrierType":
			v.CarrierType = c.Text()
		case "CarrierTypeName":
			v.CarrierTypeName = c.Text()
		case "CarrierId1":
			v.CarrierID1 = c.Text()
		case "CarrierId2":
			v.CarrierID2 = c.Text()
		case "RandomNumber":
			v.RandomNumber = c.Text()
		case "PrizeType":
			v.PrizeType = c.Text()
		case "PrizeAmount":
			v.PrizeAmount = p.dec(c)
		case "DepositMark":
			v.DepositMark = c.Text()
		case "RedeemDataType":
			v.RedeemDataType = c.Text()
		case "PrizeDataSource":
			v.PrizeDataSource = c.Text()
		case "PrintType":
			v.PrintType = c.Text()
		}
	})
	return v
}
