package sim

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// BookletSize is how many numbers an E0501 booklet (本) holds.
const BookletSize = 50

// EmitE0501 writes a track allocation as Turnkey delivers it: an
// InvoiceEnvelope 4.1 whose InvoicePack holds one InvoiceAssignNo (E0501
// 4.1) of numbers begin..end (whole booklets of 50) of track for the
// seller ban, invoice type 07 or 08 and period yearMonth (ROC year + even
// month, e.g. "11504"). The file goes to E0501Dir/<yyyyMMdd>/<HHmm>/. An
// allocation the project's validator refuses is not written.
func (s *Sim) EmitE0501(ban, invoiceType, yearMonth, track string, begin, end int) (path string, err error) {
	if s.cfg.E0501Dir == "" {
		return "", errors.New("sim: Config.E0501Dir is empty")
	}
	if begin < 0 || end > 99999999 || begin > end || (end-begin+1)%BookletSize != 0 {
		return "", fmt.Errorf("sim E0501: range %d..%d is not whole booklets of %d numbers within 00000000..99999999", begin, end, BookletSize)
	}
	a := &mig.TrackAssignment{
		Head: mig.Head{Type: mig.E0501, Version: mig.V41},
		BAN:  ban, InvoiceType: invoiceType, YearMonth: yearMonth, Track: track,
		Begin: fmt.Sprintf("%08d", begin), End: fmt.Sprintf("%08d", end),
		Booklets: decimal.FromInt(int64((end - begin + 1) / BookletSize)),
	}
	bare, _ := newDoc("InvoiceAssignNo", a.Namespace())
	assignNo(bare.Root(), a)
	if err := s.checkEmitted(serialize(bare)); err != nil {
		return "", fmt.Errorf("sim E0501: %w", err)
	}
	doc, root := newDoc("InvoiceEnvelope", "urn:GEINV:InvoiceEnvelope:4.1")
	for _, tag := range []string{"From", "FromVAC", "To", "ToVAC"} {
		if strings.HasSuffix(tag, "VAC") {
			text(root.CreateElement(tag), "RoutingId", platformParty)
		} else {
			text(root.CreateElement(tag), "PartyId", ban)
		}
	}
	pack := root.CreateElement("InvoicePack")
	pack.CreateAttr("messageType", "E0501")
	pack.CreateAttr("count", "1")
	pack.CreateAttr("version", "4.1")
	msg := pack.CreateElement("InvoiceAssignNo")
	msg.CreateAttr("xmlns", a.Namespace())
	assignNo(msg, a)
	return s.emit(s.cfg.E0501Dir, "E0501", doc)
}

func assignNo(e *etree.Element, a *mig.TrackAssignment) {
	text(e, "Ban", a.BAN)
	text(e, "InvoiceType", a.InvoiceType)
	text(e, "YearMonth", a.YearMonth)
	text(e, "InvoiceTrack", a.Track)
	text(e, "InvoiceBeginNo", a.Begin)
	text(e, "InvoiceEndNo", a.End)
	text(e, "InvoiceBooklet", a.Booklets.String())
}

// WinningNumbers are the numbers drawn for a period (domain.md §6.3).
// Invoices match on their 8 digits; the track letters do not count.
type WinningNumbers struct {
	Special    string   // 特別獎: all 8 digits win NT$10,000,000
	Grand      []string // 特獎: all 8 digits win NT$2,000,000
	First      []string // 頭獎: all 8 win NT$200,000; the last 7, 6, 5, 4, 3 win 二獎 … 六獎
	ExtraSixth []string // 增開六獎: 3 digits; the last 3 win NT$200 (may be empty)
}

// ErrNoWinners is EmitE0504's answer when no invoice of the period won:
// the platform sends no list (an E0504 holds at least one PrizeInvoice).
var ErrNoWinners = errors.New("sim E0504: no invoice of the period won")

// The prizes, best first: PrizeType code (UXB2B's numbering, 1 特別獎 … 8
// 六獎, 9 增開六獎: MOF publishes no list), amount, and how many trailing
// digits of a number must match.
var prizes = []struct {
	code   string
	amount int64
	digits int
	from   func(WinningNumbers) []string
}{
	{"1", 10_000_000, 8, func(w WinningNumbers) []string { return []string{w.Special} }},
	{"2", 2_000_000, 8, func(w WinningNumbers) []string { return w.Grand }},
	{"3", 200_000, 8, func(w WinningNumbers) []string { return w.First }},
	{"4", 40_000, 7, func(w WinningNumbers) []string { return w.First }},
	{"5", 10_000, 6, func(w WinningNumbers) []string { return w.First }},
	{"6", 4_000, 5, func(w WinningNumbers) []string { return w.First }},
	{"7", 1_000, 4, func(w WinningNumbers) []string { return w.First }},
	{"8", 200, 3, func(w WinningNumbers) []string { return w.First }},
	{"9", 200, 3, func(w WinningNumbers) []string { return w.ExtraSixth }},
}

var rocPeriod = regexp.MustCompile(`^[0-9]{3}(02|04|06|08|10|12)$`)

// EmitE0504 writes the winner list (中獎清冊, E0504 4.1, root Award) of
// the seller headBAN for the period yearMonth (ROC year + the period's
// even month, e.g. "11412" for November–December 2025) into
// E0504Dir/<yyyyMMdd>/<HHmm>/. It lists the invoices the platform holds
// that can win: issued or reissued (not voided or cancelled) by headBAN,
// dated in the period, to a consumer (buyer 0000000000), not donated and
// with a random number; each with its best prize under numbers. The claim
// period runs from the 6th of the second month after the period to the 5th
// of the fifth (e.g. 1150206–1150505 for 11412). DepositMark N,
// RedeemDataType 1, PrizeDataSource 01 and PrintType 01 (printed) or 02
// are placeholders: MOF publishes no code lists. ErrNoWinners when no
// invoice won.
func (s *Sim) EmitE0504(headBAN, yearMonth string, numbers WinningNumbers) (path string, err error) {
	if s.cfg.E0504Dir == "" {
		return "", errors.New("sim: Config.E0504Dir is empty")
	}
	if !rocPeriod.MatchString(yearMonth) {
		return "", fmt.Errorf("sim E0504: period %q is not a ROC year and an even month, e.g. 11412", yearMonth)
	}
	roc, _ := strconv.Atoi(yearMonth[:3])
	month, _ := strconv.Atoi(yearMonth[3:])
	first := time.Date(roc+1911, time.Month(month-1), 1, 0, 0, 0, 0, taipei)
	from, to := mig.DateOf(first), mig.DateOf(first.AddDate(0, 2, -1))

	s.mu.Lock()
	var won []prizeWon
	for _, inv := range s.st.Invoices {
		if inv.Seller != headBAN || (inv.Status != Issued && inv.Status != Reissued) || inv.Date < from || inv.Date > to ||
			inv.Buyer != mig.Consumer || inv.DonateMark == "1" || inv.RandomNumber == "" {
			continue
		}
		if p, ok := prizeOf(inv.Number, numbers); ok {
			won = append(won, prizeWon{inv: *inv, prize: p})
		}
	}
	s.mu.Unlock()
	if len(won) == 0 {
		return "", ErrNoWinners
	}
	slices.SortFunc(won, func(a, b prizeWon) int { return cmp.Compare(a.inv.Number, b.inv.Number) })
	doc := winnerList(headBAN, yearMonth, first, won)
	if err := s.checkEmitted(serialize(doc)); err != nil {
		return "", fmt.Errorf("sim E0504: %w", err)
	}
	return s.emit(s.cfg.E0504Dir, "E0504", doc)
}

type prizeWon struct {
	inv   Invoice
	prize int // index in prizes
}

// prizeOf returns the best prize of an invoice number.
func prizeOf(number string, w WinningNumbers) (int, bool) {
	if len(number) != 10 {
		return 0, false
	}
	digits := number[2:]
	for i, p := range prizes {
		for _, n := range p.from(w) {
			if len(n) >= p.digits && strings.HasSuffix(digits, n[len(n)-p.digits:]) {
				return i, true
			}
		}
	}
	return 0, false
}

// winnerList builds the Award document; period is the first day of the
// period.
func winnerList(headBAN, yearMonth string, period time.Time, won []prizeWon) *etree.Document {
	doc, root := newDoc("Award", mig.Head{Type: mig.E0504, Version: mig.V41}.Namespace())
	var total int64
	for _, w := range won {
		total += prizes[w.prize].amount
	}
	main := root.CreateElement("Main")
	text(main, "HeadBan", headBAN)
	text(main, "YearMonth", yearMonth)
	text(main, "AwardListType", "1")
	text(main, "TotalRecordCnt", strconv.Itoa(len(won)))
	text(main, "TotalPrizeAmount", strconv.FormatInt(total, 10))
	text(main, "RecAwardBegin", rocDate(period.AddDate(0, 3, 5)))
	text(main, "RecAwardEnd", rocDate(period.AddDate(0, 6, 4)))
	details := root.CreateElement("Details")
	for _, w := range won {
		inv, p := w.inv, prizes[w.prize]
		e := details.CreateElement("PrizeInvoice")
		text(e, "InvTrack", inv.Number[:2])
		text(e, "InvoiceNumber", inv.Number)
		text(e, "InvoiceDate", string(inv.Date))
		if inv.Time != "" {
			text(e, "InvoiceTime", string(inv.Time))
		}
		seller := e.CreateElement("Seller")
		text(seller, "Identifier", inv.Seller)
		text(seller, "Name", inv.SellerName)
		text(e, "BuyerId", inv.Buyer)
		text(e, "TotalAmount", inv.Total.String())
		if inv.CarrierType != "" {
			text(e, "CarrierType", inv.CarrierType)
			if name := carrierNames[inv.CarrierType]; name != "" {
				text(e, "CarrierTypeName", name)
			}
			text(e, "CarrierId1", inv.CarrierID1)
			text(e, "CarrierId2", inv.CarrierID2)
		}
		text(e, "RandomNumber", inv.RandomNumber)
		text(e, "PrizeType", p.code)
		text(e, "PrizeAmount", strconv.FormatInt(p.amount, 10))
		text(e, "DepositMark", "N")
		text(e, "RedeemDataType", "1")
		text(e, "PrizeDataSource", "01")
		printType := "02"
		if inv.PrintMark == "Y" {
			printType = "01"
		}
		text(e, "PrintType", printType)
	}
	return doc
}

var carrierNames = map[string]string{"3J0002": "手機條碼", "CQ0001": "自然人憑證"}

// rocDate formats t as ROC yyyMMdd.
func rocDate(t time.Time) string {
	return fmt.Sprintf("%03d%s", t.Year()-1911, t.Format("0102"))
}

// checkEmitted validates an emitted message with the project's validator.
func (s *Sim) checkEmitted(data []byte) error {
	_, violations, err := s.validator.Check(data)
	if err != nil {
		return err
	}
	if len(violations) > 0 {
		var parts []string
		for _, v := range violations {
			parts = append(parts, v.String())
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return nil
}

// emit writes an emitted file atomically as <dir>/<yyyyMMdd>/<HHmm>/
// <yyyyMMddHHmmssSSS>-<n>-<kind>.xml.
func (s *Sim) emit(dir, kind string, doc *etree.Document) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.resultFile(dir, kind, doc, s.now())
	if err := s.save(); err != nil { // the counter, so names stay unique after a restart
		return "", err
	}
	if err := os.MkdirAll(f.Dir, 0o755); err != nil {
		return "", fmt.Errorf("sim %s: %w", kind, err)
	}
	if err := atomicfile.Write(f.Dir, f.Name, f.Data); err != nil {
		return "", fmt.Errorf("sim %s: %w", kind, err)
	}
	path := filepath.Join(f.Dir, f.Name)
	s.log.Info("emitted", "message", kind, "file", path)
	return path, nil
}
