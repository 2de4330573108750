package xsd

// builtinKind identifies a built-in datatype of the supported subset.
type builtinKind uint8

const (
	bString builtinKind = iota
	bNormalizedString
	bToken
	bDecimal
	bInteger
	bNonNegativeInteger
	bPositiveInteger
	bLong
	bInt
	bBoolean
	bTime
	bDate
	bBase64Binary
)

// family groups built-ins by the facets they accept and how values compare.
type family uint8

const (
	famString family = iota
	famDecimal
	famBoolean
	famDateTime
	famBinary
)

type builtinInfo struct {
	name   string
	base   string // the built-in it restricts; "" for a primitive
	family family
	ws     whiteSpace
}

var builtinInfos = [...]builtinInfo{
	bString:             {"string", "", famString, wsPreserve},
	bNormalizedString:   {"normalizedString", "string", famString, wsReplace},
	bToken:              {"token", "normalizedString", famString, wsCollapse},
	bDecimal:            {"decimal", "", famDecimal, wsCollapse},
	bInteger:            {"integer", "decimal", famDecimal, wsCollapse},
	bNonNegativeInteger: {"nonNegativeInteger", "integer", famDecimal, wsCollapse},
	bPositiveInteger:    {"positiveInteger", "nonNegativeInteger", famDecimal, wsCollapse},
	bLong:               {"long", "integer", famDecimal, wsCollapse},
	bInt:                {"int", "long", famDecimal, wsCollapse},
	bBoolean:            {"boolean", "", famBoolean, wsCollapse},
	bTime:               {"time", "", famDateTime, wsCollapse},
	bDate:               {"date", "", famDateTime, wsCollapse},
	bBase64Binary:       {"base64Binary", "", famBinary, wsCollapse},
}

var (
	longLimits = integerSyntax{maxPos: "9223372036854775807", maxNeg: "9223372036854775808"}
	intLimits  = integerSyntax{maxPos: "2147483647", maxNeg: "2147483648"}
)

// builtinTypes are the simple types named xsd:string, xsd:decimal, ...;
// they are immutable and shared by all schemas.
var builtinTypes = func() map[string]*simpleType {
	m := make(map[string]*simpleType, len(builtinInfos))
	for k, info := range builtinInfos {
		m[info.name] = &simpleType{name: qname{xsdNS, info.name}, kind: builtinKind(k), ws: info.ws,
			lengths: lengthFacets{-1, -1, -1}, digits: digitFacets{-1, -1}}
	}
	for _, st := range m {
		if b := builtinInfos[st.kind].base; b != "" {
			st.base = m[b]
		}
	}
	return m
}()

// lexical checks v against the lexical space of built-in k exactly as
// libxml2 does for element and attribute values, and stores the parsed
// value in val. Only decimal, integer and boolean tolerate surrounding
// blanks there (long, int, date and time do not; time allows leading ones).
func lexical(k builtinKind, v string, val *value) (ok bool) {
	switch k {
	case bString, bNormalizedString, bToken:
		return true
	case bDecimal:
		val.dec, ok = parseDecimal(v)
	case bInteger:
		val.dec, ok = parseInteger(v, integerSyntax{blanks: true})
	case bNonNegativeInteger:
		val.dec, ok = parseInteger(v, integerSyntax{blanks: true, minZero: true})
	case bPositiveInteger:
		val.dec, ok = parseInteger(v, integerSyntax{blanks: true, positive: true})
	case bLong:
		val.dec, ok = parseInteger(v, longLimits)
	case bInt:
		val.dec, ok = parseInteger(v, intLimits)
	case bBoolean:
		val.b, ok = parseBoolean(v)
	case bTime:
		ok = validTime(v)
	case bDate:
		ok = validDate(v)
	case bBase64Binary:
		val.octets, ok = base64Octets(v)
	}
	return ok
}

// value is a parsed simple value; which fields are set depends on the family.
type value struct {
	str    string   // enumeration values (facetValue): the normalized text, or canonical base64
	dec    decValue // decimal family
	b      bool     // boolean
	octets int      // base64Binary: decoded length
}

// parseBoolean accepts 0, 1, true, false with surrounding blanks.
func parseBoolean(v string) (b, ok bool) {
	i := skipBlanks(v, 0)
	rest := v[i:]
	for _, w := range [...]struct {
		s string
		b bool
	}{{"0", false}, {"1", true}, {"true", true}, {"false", false}} {
		if len(rest) >= len(w.s) && rest[:len(w.s)] == w.s {
			return w.b, skipBlanks(rest, len(w.s)) == len(rest)
		}
	}
	return false, false
}

// base64Octets checks base64Binary as libxml2 does: characters outside the
// base64 alphabet are ignored, padding must be correct, and the unused bits
// before the padding must be zero. It returns the decoded length.
func base64Octets(v string) (int, bool) {
	i, n := 0, 0
	for ; i < len(v); i++ {
		d := base64Digit(v[i])
		if d == 64 {
			break
		}
		if d >= 0 {
			n++
		}
	}
	pad, last := 0, i
	for ; i < len(v); i++ {
		switch d := base64Digit(v[i]); {
		case d >= 0 && d < 64:
			return 0, false
		case d == 64:
			pad++
		}
	}
	total := 3 * (n / 4)
	switch pad {
	case 0:
		return total, n%4 == 0
	case 1:
		return total + 2, n%4 == 3 && lastDigit(v[:last])&^0x3c == 0
	case 2:
		return total + 1, n%4 == 2 && lastDigit(v[:last])&^0x30 == 0
	}
	return 0, false
}

// lastDigit returns the value of the last base64 alphabet character of s.
func lastDigit(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if d := base64Digit(s[i]); d >= 0 && d < 64 {
			return d
		}
	}
	return 0
}

// base64Digit returns 0-63 for the alphabet, 64 for '=', -1 otherwise.
func base64Digit(c byte) int {
	switch {
	case c >= 'A' && c <= 'Z':
		return int(c - 'A')
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 26
	case c >= '0' && c <= '9':
		return int(c-'0') + 52
	case c == '+':
		return 62
	case c == '/':
		return 63
	case c == '=':
		return 64
	}
	return -1
}

// base64Canonical keeps the alphabet and padding characters, which is what
// libxml2 compares base64Binary enumerations on.
func base64Canonical(v string) string {
	b := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if base64Digit(v[i]) >= 0 {
			b = append(b, v[i])
		}
	}
	return string(b)
}
