// Package decimal owns the exact decimal numbers of MIG amounts: parsing the
// xsd:decimal lexical form, arithmetic without float noise, half-up rounding
// and the canonical text form the renderer writes.
//
// A Decimal is always kept canonical (no trailing fraction zeros, no negative
// zero), so two Decimals with the same value compare equal with ==, and the
// text form of a value is unique: 1e6 is written "1000000", 0.1+0.2 is "0.3".
package decimal

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is the exact number coef × 10^-scale. The zero value is 0.
type Decimal struct {
	coef  int64  // the coefficient while it fits in an int64 (big == "")
	big   string // otherwise the coefficient's base-10 text, so == still compares values
	scale int32  // digits after the point, ≥ 0, no trailing zero in the coefficient
}

// maxScale bounds the scale of results so that a hostile input cannot make
// arithmetic unbounded; MIG amounts carry at most 7 fraction digits.
const maxScale = 64

// ErrSyntax reports text that is not an xsd:decimal.
var ErrSyntax = errors.New("not a decimal number")

// Zero is 0.
var Zero = Decimal{}

// New returns coef × 10^-scale. A negative scale multiplies.
func New(coef int64, scale int32) Decimal {
	if scale < 0 {
		return fromBig(new(big.Int).Mul(big.NewInt(coef), pow10(-scale)), 0)
	}
	return normalize(Decimal{coef: coef, scale: scale})
}

// FromInt returns n.
func FromInt(n int64) Decimal { return Decimal{coef: n} }

// MustParse is Parse for constants in code and tests; it panics on bad text.
func MustParse(s string) Decimal {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Parse reads the xsd:decimal lexical form: an optional sign, digits, and an
// optional point with more digits, with at least one digit in all. Exponents,
// spaces and thousands separators are refused.
func Parse(s string) (Decimal, error) {
	if s == "" {
		return Zero, fmt.Errorf("%w: empty text", ErrSyntax)
	}
	text := s
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	intPart, fracPart, _ := strings.Cut(s, ".")
	if intPart == "" && fracPart == "" {
		return Zero, fmt.Errorf("%w: %q has no digits", ErrSyntax, text)
	}
	if !allDigits(intPart) || !allDigits(fracPart) {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, text)
	}
	fracPart = strings.TrimRight(fracPart, "0")
	intPart = strings.TrimLeft(intPart, "0")
	if len(fracPart) > maxScale {
		return Zero, fmt.Errorf("%w: %q has more than %d fraction digits", ErrSyntax, text, maxScale)
	}
	digits := intPart + fracPart
	scale := int32(len(fracPart))
	if len(digits) <= 18 {
		var c int64
		for i := 0; i < len(digits); i++ {
			c = c*10 + int64(digits[i]-'0')
		}
		if neg {
			c = -c
		}
		return normalize(Decimal{coef: c, scale: scale}), nil
	}
	b, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Zero, fmt.Errorf("%w: %q", ErrSyntax, text)
	}
	if neg {
		b.Neg(b)
	}
	return fromBig(b, scale), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String returns the canonical form: an optional "-", the integer digits
// (at least one) and, when the value has a fraction, a point and the fraction
// digits without trailing zeros.
func (d Decimal) String() string {
	if d.big == "" && d.scale == 0 {
		return strconv.FormatInt(d.coef, 10)
	}
	var buf [32]byte
	return string(d.appendCanonical(buf[:0]))
}

// AppendText appends the canonical form to b.
func (d Decimal) AppendText(b []byte) ([]byte, error) {
	return d.appendCanonical(b), nil
}

// appendCanonical appends the canonical form (see String) to b.
func (d Decimal) appendCanonical(b []byte) []byte {
	if d.big == "" && d.scale == 0 {
		return strconv.AppendInt(b, d.coef, 10)
	}
	var buf [20]byte
	digits := d.big
	if digits == "" {
		digits = string(strconv.AppendInt(buf[:0], d.coef, 10))
	}
	if digits[0] == '-' {
		b = append(b, '-')
		digits = digits[1:]
	}
	intDigits := len(digits) - int(d.scale)
	if intDigits <= 0 {
		// 0.0…0digits
		b = append(b, "0."...)
		for range -intDigits {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = append(b, digits[:intDigits]...)
	if d.scale > 0 {
		b = append(b, '.')
		b = append(b, digits[intDigits:]...)
	}
	return b
}

// MarshalText implements encoding.TextMarshaler with the canonical form.
func (d Decimal) MarshalText() ([]byte, error) { return d.AppendText(nil) }

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (d *Decimal) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Scale returns the number of fraction digits of the canonical form.
func (d Decimal) Scale() int32 { return d.scale }

// Digits returns the number of digits of the canonical form, without sign,
// point or leading zeros of the integer part; 0 has one digit. It is what an
// XSD totalDigits facet compares against.
func (d Decimal) Digits() int {
	var n int
	if d.big != "" {
		n = len(strings.TrimPrefix(d.big, "-"))
	} else {
		c := d.coef
		if c < 0 {
			c = -c
		}
		n = len(strconv.FormatInt(c, 10))
	}
	if int(d.scale) > n {
		return int(d.scale)
	}
	return n
}

// Sign returns -1, 0 or +1.
func (d Decimal) Sign() int {
	if d.big != "" {
		if d.big[0] == '-' {
			return -1
		}
		return 1
	}
	switch {
	case d.coef < 0:
		return -1
	case d.coef > 0:
		return 1
	}
	return 0
}

// IsZero reports whether d is 0.
func (d Decimal) IsZero() bool { return d.Sign() == 0 }

// IsInteger reports whether d has no fraction.
func (d Decimal) IsInteger() bool { return d.scale == 0 }

// Neg returns -d.
func (d Decimal) Neg() Decimal {
	if d.big == "" && d.coef != math.MinInt64 {
		return Decimal{coef: -d.coef, scale: d.scale}
	}
	return fromBig(new(big.Int).Neg(d.bigCoef()), d.scale)
}

// Abs returns |d|.
func (d Decimal) Abs() Decimal {
	if d.Sign() < 0 {
		return d.Neg()
	}
	return d
}

// Add returns d + e.
func (d Decimal) Add(e Decimal) Decimal {
	if d.big == "" && e.big == "" {
		a, b, s, ok := alignSmall(d, e)
		if ok {
			if c, ok := addInt64(a, b); ok {
				return normalize(Decimal{coef: c, scale: s})
			}
		}
	}
	a, b, s := alignBig(d, e)
	return fromBig(a.Add(a, b), s)
}

// Sub returns d - e.
func (d Decimal) Sub(e Decimal) Decimal { return d.Add(e.Neg()) }

// Mul returns d × e, exactly.
func (d Decimal) Mul(e Decimal) Decimal {
	s := d.scale + e.scale
	if d.big == "" && e.big == "" {
		if c, ok := mulInt64(d.coef, e.coef); ok {
			return normalize(Decimal{coef: c, scale: s})
		}
	}
	return fromBig(new(big.Int).Mul(d.bigCoef(), e.bigCoef()), s)
}

// Cmp returns -1, 0 or +1 as d is less than, equal to or greater than e.
func (d Decimal) Cmp(e Decimal) int {
	if d.big == "" && e.big == "" {
		if a, b, _, ok := alignSmall(d, e); ok {
			switch {
			case a < b:
				return -1
			case a > b:
				return 1
			}
			return 0
		}
	}
	a, b, _ := alignBig(d, e)
	return a.Cmp(b)
}

// Equal reports whether d and e have the same value.
func (d Decimal) Equal(e Decimal) bool { return d.Cmp(e) == 0 }

// Round returns d rounded to places fraction digits, halves away from zero
// (the commercial "round half up": 2.5 → 3, -2.5 → -3).
func (d Decimal) Round(places int32) Decimal {
	if places < 0 {
		places = 0
	}
	if d.scale <= places {
		return d
	}
	drop := d.scale - places
	if d.big == "" && drop <= 18 {
		p := pow10Int64[drop]
		q, r := d.coef/p, d.coef%p
		if r < 0 {
			r = -r
		}
		if r*2 >= p {
			if d.coef < 0 {
				q--
			} else {
				q++
			}
		}
		return normalize(Decimal{coef: q, scale: places})
	}
	p := pow10(drop)
	q, r := new(big.Int).QuoRem(d.bigCoef(), p, new(big.Int))
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(p) >= 0 {
		if d.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return fromBig(q, places)
}

// Div returns d ÷ e rounded half up to places fraction digits. It panics
// when e is zero, like integer division.
func (d Decimal) Div(e Decimal, places int32) Decimal {
	if e.IsZero() {
		panic("decimal: division by zero")
	}
	// d/e = (dc / 10^ds) / (ec / 10^es); compute with two extra digits, then round.
	extra := places + 2
	num := d.bigCoef()
	num.Mul(num, pow10(e.scale+extra))
	den := new(big.Int).Mul(e.bigCoef(), pow10(d.scale))
	q := new(big.Int).Quo(num, den)
	return fromBig(q, extra).Round(places)
}

// Int64 returns the integer part of d and whether it fits in an int64.
func (d Decimal) Int64() (int64, bool) {
	if d.big == "" {
		if d.scale == 0 {
			return d.coef, true
		}
		if d.scale <= 18 {
			return d.coef / pow10Int64[d.scale], true
		}
		return 0, true
	}
	q := new(big.Int).Quo(d.bigCoef(), pow10(d.scale))
	return q.Int64(), q.IsInt64()
}

func (d Decimal) bigCoef() *big.Int {
	if d.big != "" {
		c, _ := new(big.Int).SetString(d.big, 10)
		return c
	}
	return big.NewInt(d.coef)
}

// fromBig builds a canonical Decimal from a coefficient it may keep.
func fromBig(c *big.Int, scale int32) Decimal {
	if scale > 0 && c.Sign() != 0 {
		ten := big.NewInt(10)
		q, r := new(big.Int), new(big.Int)
		for scale > 0 {
			q.QuoRem(c, ten, r)
			if r.Sign() != 0 {
				break
			}
			c, q = q, c
			scale--
		}
	}
	if c.Sign() == 0 {
		return Zero
	}
	if c.IsInt64() {
		return Decimal{coef: c.Int64(), scale: scale}
	}
	return Decimal{big: c.String(), scale: scale}
}

func normalize(d Decimal) Decimal {
	if d.big != "" {
		return fromBig(d.bigCoef(), d.scale)
	}
	if d.coef == 0 {
		return Zero
	}
	for d.scale > 0 && d.coef%10 == 0 {
		d.coef /= 10
		d.scale--
	}
	return d
}

// alignSmall brings both coefficients to the larger scale in int64 if they fit.
func alignSmall(d, e Decimal) (a, b int64, s int32, ok bool) {
	a, b, s = d.coef, e.coef, d.scale
	switch {
	case d.scale < e.scale:
		s = e.scale
		a, ok = scaleUp(a, e.scale-d.scale)
		return a, b, s, ok
	case e.scale < d.scale:
		b, ok = scaleUp(b, d.scale-e.scale)
		return a, b, s, ok
	}
	return a, b, s, true
}

func alignBig(d, e Decimal) (a, b *big.Int, s int32) {
	a, b, s = d.bigCoef(), e.bigCoef(), d.scale
	switch {
	case d.scale < e.scale:
		s = e.scale
		a.Mul(a, pow10(e.scale-d.scale))
	case e.scale < d.scale:
		b.Mul(b, pow10(d.scale-e.scale))
	}
	return a, b, s
}

func scaleUp(c int64, by int32) (int64, bool) {
	if by > 18 {
		return 0, c == 0
	}
	return mulInt64(c, pow10Int64[by])
}

func addInt64(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) == (b > 0) {
		return c, true
	}
	return 0, false
}

func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if (c < 0) != ((a < 0) != (b < 0)) || c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

var pow10Int64 = func() [19]int64 {
	var p [19]int64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

func pow10(n int32) *big.Int {
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil)
}
