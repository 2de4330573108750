package mig

import (
	"encoding/base64"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/mig/decimal"
)

// randomDocument returns a random document for h (any Head turnkeyd renders,
// and the read-only E0501 3.1/3.2/4.0/4.1 and E0504 4.0/4.1) that is
//
//   - valid against the official schema of h: every required element set,
//     every optional element set sometimes, strings of varied length up to
//     each element's maxLength counted in characters (CJK text included, with
//     &, <, >, quotes and single inner spaces to exercise escaping), decimals
//     with 0..7 fraction digits where the schema allows them and integers
//     where it does not (3.1 amounts), 1..20 items;
//   - consistent with the business rules: BANs with a valid checksum,
//     consumer buyers 0000000000, real dates and times, even-month ROC
//     periods, line Amount = Quantity × UnitPrice, consumer sales tax
//     included with TaxAmount 0, business sales net with TaxAmount =
//     round-half-up(net × rate), TotalAmount = Sales + FreeTax + ZeroTax +
//     Tax, TaxType 9 only for mixed lines, zero-rated invoices with
//     CustomsClearanceMark (and ZeroTaxRateReason in 4.1), one of print /
//     carrier (3J0002 "/" + 7 of [0-9A-Z.+-], CQ0001 2 letters + 14 digits)
//     / donation (3-7 digit code, PrintMark N, no carrier) for consumers,
//     voids and allowances dated on or after what they refer to, E0402
//     ranges of 8-digit numbers in order without overlap.
//
// The same r gives the same document. Tests that mutate documents to check
// the validator start from these; keep them valid.
func randomDocument(r *rand.Rand, h Head) Document {
	g := &docGen{r: r, h: h, v31: h.Version == V31}
	switch h.Type {
	case F0401, C0401, A0401:
		return g.invoice()
	case F0501, C0501:
		return g.invoiceVoid()
	case F0701, C0701:
		return g.invoiceCancel()
	case G0401, D0401:
		return g.allowance()
	case G0501, D0501:
		return g.allowanceVoid()
	case E0402:
		return g.blankTracks()
	case E0501:
		return g.trackAssignment()
	case E0504:
		return g.winnerList()
	}
	panic("randomDocument: no generator for " + h.String())
}

// generatedHeads lists every Head randomDocument supports.
var generatedHeads = []Head{
	{F0401, V41}, {F0501, V41}, {F0701, V41}, {G0401, V41}, {G0501, V41}, {E0402, V41},
	{C0401, V31}, {C0501, V31}, {C0701, V31}, {D0401, V31}, {D0501, V31}, {A0401, V31}, {E0402, V31},
	{E0501, V31}, {E0501, V32}, {E0501, V40}, {E0501, V41}, {E0504, V40}, {E0504, V41},
}

// newRand returns the generator's source for a seed.
func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7475726e6b6579)) }

type docGen struct {
	r   *rand.Rand
	h   Head
	v31 bool
}

func (g *docGen) chance(p float64) bool { return g.r.Float64() < p }
func (g *docGen) intn(n int) int        { return g.r.IntN(n) }

// between returns an int in [lo, hi].
func (g *docGen) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

// length returns a string length in [lo, hi], often short, sometimes the
// maximum or near it.
func (g *docGen) length(lo, hi int) int {
	switch x := g.r.Float64(); {
	case x < 0.15:
		return hi
	case x < 0.3:
		return max(lo, hi-g.intn(3))
	case x < 0.4:
		return lo
	}
	return g.between(lo, min(hi, lo+12))
}

var (
	genCJK   = []rune("發票咖啡茶葉蛋糕便當牛奶麵包水果蘋果香蕉服務費運費維修零件台北市中山區忠孝東路號樓股份有限公司電子測試商品禮盒")
	genASCII = []rune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_./()#&<>\"'")
)

// text returns lo..hi characters of mixed CJK and ASCII with single inner
// spaces: no leading, trailing or double whitespace, so that it means the
// same under the schema's whiteSpace collapse.
func (g *docGen) text(lo, hi int) string {
	n := g.length(lo, hi)
	rs := make([]rune, 0, n)
	for len(rs) < n {
		switch x := g.r.Float64(); {
		case x < 0.08 && len(rs) > 0 && len(rs) < n-1 && rs[len(rs)-1] != ' ':
			rs = append(rs, ' ')
		case x < 0.6:
			rs = append(rs, genCJK[g.intn(len(genCJK))])
		default:
			rs = append(rs, genASCII[g.intn(len(genASCII))])
		}
	}
	return string(rs)
}

// optText returns text(1, hi) with probability p, else "".
func (g *docGen) optText(p float64, hi int) string {
	if !g.chance(p) {
		return ""
	}
	return g.text(1, hi)
}

func (g *docGen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.intn(10))
	}
	return string(b)
}

func (g *docGen) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + g.intn(26))
	}
	return string(b)
}

// ban returns a random BAN that passes the checksum of domain.md §4.1.
func (g *docGen) ban() string {
	for {
		s := g.digits(7)
		for d := byte('0'); d <= '9'; d++ {
			if genBANValid(s + string(d)) {
				if g.chance(0.5) {
					return s + string(d)
				}
			}
		}
	}
}

// genBANValid is the BAN checksum: weights 1,2,1,2,1,2,4,1, digit sums of
// the products; valid when the sum is a multiple of 5, or with 7 as the
// seventh digit also when sum+1 is.
func genBANValid(s string) bool {
	if len(s) != 8 {
		return false
	}
	weights := [8]int{1, 2, 1, 2, 1, 2, 4, 1}
	sum := 0
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		p := int(s[i]-'0') * weights[i]
		sum += p/10 + p%10
	}
	return sum%5 == 0 || (s[6] == '7' && (sum+1)%5 == 0)
}

func (g *docGen) invoiceNumber() string { return g.letters(2) + g.digits(8) }

// day returns a real date in 2025-2026.
func (g *docGen) day() time.Time {
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	return base.AddDate(0, 0, g.intn(730))
}

func (g *docGen) timeOfDay() TimeOfDay {
	t := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(g.intn(86400)) * time.Second)
	return TimeOfDayOf(t)
}

// yearMonth returns an ROC year and even month, e.g. "11510".
func (g *docGen) yearMonth() string {
	return strconv.Itoa(g.between(113, 116)) + []string{"02", "04", "06", "08", "10", "12"}[g.intn(6)]
}

// dec returns a decimal in [lo, hi) with up to frac fraction digits.
func (g *docGen) dec(lo, hi int64, frac int) Decimal {
	f := 0
	if frac > 0 && g.chance(0.5) {
		f = g.between(1, frac)
	}
	scale := int64(1)
	for range f {
		scale *= 10
	}
	c := lo*scale + g.r.Int64N((hi-lo)*scale)
	return decimal.New(c, int32(f))
}

func (g *docGen) party(identifier string) Party {
	email := 400
	if g.v31 {
		email = 80
	}
	p := Party{Identifier: identifier, Name: g.text(1, 60)}
	p.Address = g.optText(0.5, 100)
	p.PersonInCharge = g.optText(0.3, 30)
	if g.chance(0.4) {
		p.TelephoneNumber = "02-" + g.digits(g.length(1, 23))
	}
	if g.chance(0.2) {
		p.FacsimileNumber = "02-" + g.digits(g.length(1, 23))
	}
	if g.chance(0.3) {
		p.EmailAddress = strings.ToLower(g.letters(g.length(1, email-12))) + "@example.com"
	}
	p.CustomerNumber = g.optText(0.3, 20)
	p.RoleRemark = g.optText(0.2, 40)
	return p
}

// carrier returns a carrier type and its barcode.
func (g *docGen) carrier() (string, string) {
	if g.chance(0.5) {
		const set = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.+-"
		b := []byte{'/'}
		for range 7 {
			b = append(b, set[g.intn(len(set))])
		}
		return "3J0002", string(b)
	}
	return "CQ0001", g.letters(2) + g.digits(14)
}

// reason returns a void or cancel reason: 1..20 characters.
func (g *docGen) reason() string { return g.text(1, 20) }

// attachment returns base64 of up to 3 KiB of random bytes.
func (g *docGen) attachment() string {
	b := make([]byte, g.between(1, 3072))
	for i := range b {
		b[i] = byte(g.intn(256))
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (g *docGen) invoiceVoid() *InvoiceVoid {
	d := g.day()
	v := &InvoiceVoid{
		Head:          g.h,
		InvoiceNumber: g.invoiceNumber(),
		InvoiceDate:   DateOf(d),
		BuyerID:       Consumer,
		SellerID:      g.ban(),
		VoidDate:      DateOf(d.AddDate(0, 0, g.intn(6))),
		VoidTime:      g.timeOfDay(),
		Reason:        g.reason(),
		Remark:        g.optText(0.3, 200),
	}
	if g.h.Type == F0501 && g.chance(0.4) {
		v.BuyerID = g.ban()
	}
	v.ReturnTaxDocumentNumber = g.optText(0.2, 60)
	if g.h.Type == F0501 {
		v.Reserved1 = g.optText(0.2, 20)
		v.Reserved2 = g.optText(0.2, 100)
	}
	return v
}

func (g *docGen) invoiceCancel() *InvoiceCancel {
	d := g.day()
	v := &InvoiceCancel{
		Head:          g.h,
		InvoiceNumber: g.invoiceNumber(),
		InvoiceDate:   DateOf(d),
		BuyerID:       Consumer,
		SellerID:      g.ban(),
		CancelDate:    DateOf(d.AddDate(0, 0, g.intn(6))),
		CancelTime:    g.timeOfDay(),
		Reason:        g.reason(),
		Remark:        g.optText(0.3, 200),
	}
	if g.h.Type == F0701 && g.chance(0.4) {
		v.BuyerID = g.ban()
	}
	if g.h.Type == F0701 {
		v.Reserved1 = g.optText(0.2, 20)
		v.Reserved2 = g.optText(0.2, 100)
	}
	return v
}

func (g *docGen) allowanceVoid() *AllowanceVoid {
	d := g.day()
	v := &AllowanceVoid{
		Head:            g.h,
		AllowanceNumber: g.allowanceNumber(),
		AllowanceDate:   DateOf(d),
		BuyerID:         Consumer,
		SellerID:        g.ban(),
		VoidDate:        DateOf(d.AddDate(0, 0, g.intn(6))),
		VoidTime:        g.timeOfDay(),
		Reason:          g.reason(),
		Remark:          g.optText(0.3, 200),
	}
	if g.h.Type == G0501 {
		v.AllowanceType = "2"
		if g.chance(0.4) {
			v.BuyerID = g.ban()
		}
	}
	return v
}

func (g *docGen) allowanceNumber() string {
	const set = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"
	b := make([]byte, g.length(1, 16))
	for i := range b {
		b[i] = set[g.intn(len(set))]
	}
	return string(b)
}

func (g *docGen) blankTracks() *BlankTracks {
	v := &BlankTracks{
		Head:        g.h,
		HeadBAN:     g.ban(),
		InvoiceType: []string{"07", "08"}[g.intn(2)],
		YearMonth:   g.yearMonth(),
		Track:       g.letters(2),
	}
	v.BranchBAN = v.HeadBAN
	if g.chance(0.4) {
		v.BranchBAN = g.ban()
	}
	n := g.between(1, 20)
	next := int64(g.intn(1000)) * 50
	for range n {
		begin := next + int64(g.intn(50))
		end := next + int64(g.between(1, 4))*50 - 1
		v.Ranges = append(v.Ranges, NumberRange{Begin: genNumber8(begin), End: genNumber8(end)})
		next = end + 1 + int64(g.intn(100))*50
	}
	return v
}

func genNumber8(n int64) string {
	s := strconv.FormatInt(n, 10)
	return strings.Repeat("0", 8-len(s)) + s
}

func (g *docGen) trackAssignment() *TrackAssignment {
	booklets := g.between(1, 400)
	begin := int64(g.intn(1_000_000)) * 50
	return &TrackAssignment{
		Head:        g.h,
		BAN:         g.ban(),
		InvoiceType: []string{"07", "08"}[g.intn(2)],
		YearMonth:   g.yearMonth(),
		Track:       g.letters(2),
		Begin:       genNumber8(begin),
		End:         genNumber8(begin + int64(booklets)*50 - 1),
		Booklets:    decimal.FromInt(int64(booklets)),
	}
}

// rocDate returns t as an ROC yyyMMdd date, e.g. "1150106".
func rocDate(t time.Time) string {
	return strconv.Itoa(t.Year()-1911) + t.Format("0102")
}

var genPrizes = []int64{200, 1000, 4000, 10000, 40000, 200000, 2000000, 10000000}

func (g *docGen) winnerList() *WinnerList {
	v := &WinnerList{
		Head:          g.h,
		HeadBAN:       g.ban(),
		YearMonth:     g.yearMonth(),
		AwardListType: strconv.Itoa(g.between(0, 9)),
	}
	begin := g.day()
	v.RecAwardBegin, v.RecAwardEnd = rocDate(begin), rocDate(begin.AddDate(0, 3, -1))
	seller := g.party(v.HeadBAN)
	total := decimal.Zero
	for range g.between(1, 20) {
		track := g.letters(2)
		p := PrizeInvoice{
			Track:           track,
			InvoiceNumber:   track + g.digits(8),
			InvoiceDate:     DateOf(g.day()),
			Seller:          seller,
			BuyerID:         Consumer,
			TotalAmount:     g.dec(1, 100000, 7),
			RandomNumber:    g.digits(4),
			PrizeType:       strconv.Itoa(g.between(1, 9)),
			PrizeAmount:     decimal.FromInt(genPrizes[g.intn(len(genPrizes))]),
			DepositMark:     []string{"", "Y", "N"}[g.intn(3)],
			RedeemDataType:  strconv.Itoa(g.between(0, 9)),
			PrizeDataSource: g.digits(g.between(0, 2)),
			PrintType:       g.digits(g.between(0, 2)),
		}
		if g.chance(0.7) {
			p.InvoiceTime = g.timeOfDay()
		}
		if g.chance(0.5) {
			p.CarrierType, p.CarrierID1 = g.carrier()
			p.CarrierID2 = p.CarrierID1
			p.CarrierTypeName = g.optText(0.8, 60)
		}
		total = total.Add(p.PrizeAmount)
		v.Prizes = append(v.Prizes, p)
	}
	v.TotalRecordCount = decimal.FromInt(int64(len(v.Prizes)))
	v.TotalPrizeAmount = total
	return v
}
