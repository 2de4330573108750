package mig

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// xmlTextReference is xmlText as it was first written, without its table.
func xmlTextReference(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
			return false
		case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBF && (s[i+2] == 0xBE || s[i+2] == 0xBF):
			return false
		}
	}
	return true
}

// TestXMLTextReference compares xmlText with the reference on every string
// of up to two bytes, on every string of three and four bytes over bytes
// that matter to UTF-8 and XML, and on random strings.
func TestXMLTextReference(t *testing.T) {
	check := func(s string) {
		if got, want := xmlText(s), xmlTextReference(s); got != want {
			t.Fatalf("xmlText(%q) = %v, want %v", s, got, want)
		}
	}
	check("")
	for a := range 256 {
		check(string([]byte{byte(a)}))
		for b := range 256 {
			check(string([]byte{byte(a), byte(b)}))
		}
	}
	edge := []byte{0x00, 0x09, 0x0A, 0x0D, 0x1F, 0x20, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBD, 0xBE, 0xBF,
		0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF}
	for _, a := range edge {
		for _, b := range edge {
			for _, c := range edge {
				check(string([]byte{a, b, c}))
				for _, d := range edge {
					check(string([]byte{a, b, c, d}))
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = edge[rng.IntN(len(edge))]
		}
		check(string(b))
		check("統一發票" + string(b))
	}
	for _, s := range []string{"統一發票", "a\uFFFEb", "a\uFFFFb", "\uFFFD", "\uFFFC", "\U0010FFFF", "\xed\xa0\x80", "a\x00", "\x1fb"} {
		check(s)
	}
}
