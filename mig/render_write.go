package mig

import "unicode/utf8"

// The escaping Render writes, byte for byte as etree writes the tree Tree
// builds (tested against it): text with CanonicalText, attribute values
// with etree's defaults.

// appendAttr escapes an attribute value as etree does: &, <, >, " and '
// become references; a character XML cannot carry becomes U+FFFD.
func appendAttr(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && c != '"' && c != '\'' {
			i++
			continue
		}
		r, width := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"':
			esc = "&quot;"
		case r == '\'':
			esc = "&apos;"
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r > 0xD7FF && r < 0xE000 || r == 0xFFFE || r == 0xFFFF || r == utf8.RuneError && width == 1:
			esc = "\uFFFD"
		}
		i += width
		if esc == "" {
			continue
		}
		dst = append(dst, s[last:i-width]...)
		dst = append(dst, esc...)
		last = i
	}
	return append(dst, s[last:]...)
}

// appendXMLText appends text escaped as etree's CanonicalText writes it
// (&, <, > and carriage return as references) and reports whether it is
// UTF-8 made only of characters XML 1.0 allows (xmlText). When it is not,
// what was appended is of no use. Checking and escaping are one pass: a
// table for ASCII, a shortcut for the three-byte sequences of CJK text,
// and a full decode for the rest.
func appendXMLText(dst []byte, s string) ([]byte, bool) {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch asciiText[c] {
			case textPlain:
				i++
				continue
			case textRefused:
				return dst, false
			}
			dst = append(dst, s[last:i]...)
			dst = append(dst, textRefs[c]...)
			i++
			last = i
			continue
		}
		if c >= 0xE1 && c <= 0xEC && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			i += 3 // U+1000..U+CFFF, CJK included: valid whenever well formed
			continue
		}
		// Valid UTF-8 cannot hold surrogates; of the rest XML refuses the
		// non-characters U+FFFE and U+FFFF.
		r, n := utf8.DecodeRuneInString(s[i:])
		if n == 1 || r == 0xFFFE || r == 0xFFFF {
			return dst, false // invalid UTF-8 (a valid one-byte sequence is ASCII)
		}
		i += n
	}
	return append(dst, s[last:]...), true
}

// What appendXMLText does with an ASCII byte.
const (
	textPlain   = iota
	textRefused // a C0 control other than tab, newline and carriage return
	textEscaped // written as textRefs[c]
)

var asciiText = func() (t [utf8.RuneSelf]uint8) {
	for c := range 0x20 {
		if c != '\t' && c != '\n' && c != '\r' {
			t[c] = textRefused
		}
	}
	for c := range textRefs {
		if textRefs[c] != "" {
			t[c] = textEscaped
		}
	}
	return t
}()

var textRefs = [utf8.RuneSelf]string{'&': "&amp;", '<': "&lt;", '>': "&gt;", '\r': "&#xD;"}
