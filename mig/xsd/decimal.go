package xsd

// decValue is a parsed xsd:decimal or integer value. The digit strings are
// slices of the lexical form, so parsing does not allocate.
type decValue struct {
	neg     bool   // never set for zero
	intPart string // integer digits without leading zeros
	frac    string // fraction digits without trailing zeros
	// digits and fracDigits are what libxml2 compares totalDigits and
	// fractionDigits against (see parseDecimal).
	digits, fracDigits int
}

// maxDecimalDigits is libxml2's limit: a decimal or integer with more
// significant digits is not in its lexical space.
const maxDecimalDigits = 24

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// skipBlanks returns the index of the first non-blank byte at or after i.
func skipBlanks(s string, i int) int {
	for i < len(s) && isBlank(s[i]) {
		i++
	}
	return i
}

// parseDecimal reads an xsd:decimal the way libxml2 2.9 does: surrounding
// blanks are allowed, leading zeros are dropped, and at most 24 digits
// (counted after the leading zeros, trailing fraction zeros included) are
// read. Its digit count is the number of digits after the leading zeros
// with trailing fraction zeros removed, so "0.0001" has 4 digits and 4
// fraction digits, "000123" has 3, "1.2300" has 3 and 2, and zero has 1.
func parseDecimal(s string) (d decValue, ok bool) {
	if s == "" {
		return d, false
	}
	i := skipBlanks(s, 0)
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) {
		return d, false
	}
	leadingZeros := false
	for i < len(s) && s[i] == '0' {
		i++
		leadingZeros = true
	}
	start, n, point := i, 0, -1 // point: digits before the '.', or -1
	for i < len(s) && n < maxDecimalDigits {
		if isDigit(s[i]) {
			i++
			n++
			continue
		}
		if s[i] != '.' {
			break
		}
		i++
		point = n
		for i < len(s) && isDigit(s[i]) {
			i++
			n++
			if n >= maxDecimalDigits {
				break
			}
		}
		if n == 0 && !leadingZeros {
			return d, false
		}
		break
	}
	if skipBlanks(s, i) != len(s) {
		return d, false
	}
	return decimalParts(s, start, n, point, neg), true
}

// decimalParts builds the value of the n digits at s[start:], of which
// point are before the '.' (point < 0: no '.').
func decimalParts(s string, start, n, point int, neg bool) decValue {
	var d decValue
	if point < 0 {
		d.intPart = s[start : start+n]
	} else {
		d.intPart = s[start : start+point]
		frac := s[start+point+1 : start+n+1]
		for len(frac) > 0 && frac[len(frac)-1] == '0' {
			frac = frac[:len(frac)-1]
		}
		d.frac = frac
		d.fracDigits = len(frac)
	}
	d.digits = len(d.intPart) + len(d.frac)
	if d.digits == 0 {
		d.digits, d.fracDigits = 1, 0
	}
	d.neg = neg && (d.intPart != "" || d.frac != "")
	return d
}

// integerSyntax selects the libxml2 parser variant for integer types.
type integerSyntax struct {
	blanks         bool   // xsd:integer and its unbounded subtypes skip blanks
	minZero        bool   // nonNegativeInteger: no negative value
	positive       bool   // positiveInteger: no sign, no zero
	maxPos, maxNeg string // digit limits for long and int; "" if none
}

// parseInteger reads an integer type per libxml2: an optional sign, at
// least one digit, at most 24 digits after the leading zeros.
func parseInteger(s string, syn integerSyntax) (d decValue, ok bool) {
	i := 0
	if syn.blanks {
		i = skipBlanks(s, 0)
	}
	neg := false
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		neg = s[i] == '-'
		i++
	}
	if i == len(s) || !isDigit(s[i]) {
		return d, false
	}
	for i < len(s) && s[i] == '0' {
		i++
	}
	start := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	digits := s[start:i]
	if len(digits) > maxDecimalDigits {
		return d, false
	}
	if syn.blanks {
		i = skipBlanks(s, i)
	}
	if i != len(s) {
		return d, false
	}
	zero := digits == ""
	switch {
	case syn.positive && (neg || zero):
		return d, false
	case syn.minZero && neg && !zero:
		return d, false
	case syn.maxPos != "" && exceeds(digits, syn.maxPos, syn.maxNeg, neg):
		return d, false
	}
	d = decValue{neg: neg && !zero, intPart: digits, digits: max(len(digits), 1)}
	return d, true
}

// exceeds reports whether the magnitude digits is beyond the limit for its sign.
func exceeds(digits, maxPos, maxNeg string, neg bool) bool {
	limit := maxPos
	if neg {
		limit = maxNeg
	}
	return cmpDigits(digits, limit) > 0
}

// cmpDigits compares two digit strings without leading zeros.
func cmpDigits(a, b string) int {
	switch {
	case len(a) != len(b):
		return cmpInt(len(a), len(b))
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmp compares two decimals by value.
func (d decValue) cmp(e decValue) int {
	if d.neg != e.neg {
		if d.neg {
			return -1
		}
		return 1
	}
	c := cmpDigits(d.intPart, e.intPart)
	if c == 0 {
		switch {
		case d.frac < e.frac:
			c = -1
		case d.frac > e.frac:
			c = 1
		}
	}
	if d.neg {
		return -c
	}
	return c
}

// String returns the canonical form, for messages.
func (d decValue) String() string {
	s := d.intPart
	if s == "" {
		s = "0"
	}
	if d.frac != "" {
		s += "." + d.frac
	}
	if d.neg {
		s = "-" + s
	}
	return s
}
