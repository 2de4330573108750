package xsd

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkLengthsReference is checkLengths as first written: it always
// counts the characters of the normalized value.
func checkLengthsReference(t *simpleType, v string, val *value, buf []violation) []violation {
	l := t.lengths
	var n int
	if builtinInfos[t.kind].family == famBinary {
		n = val.octets
	} else {
		if !t.normalize && t.ws != wsPreserve {
			v = normalizeSpace(v, t.ws)
		}
		n = utf8.RuneCountInString(v)
	}
	unit := "characters"
	if builtinInfos[t.kind].family == famBinary {
		unit = "bytes"
	}
	if l.length >= 0 && n != l.length {
		buf = append(buf, violation{"length", fmt.Sprintf("value has %d %s; exactly %d required", n, unit, l.length)})
	}
	if l.minLength >= 0 && n < l.minLength {
		buf = append(buf, violation{"minLength", fmt.Sprintf("value has %d %s; at least %d required", n, unit, l.minLength)})
	}
	if l.maxLength >= 0 && n > l.maxLength {
		buf = append(buf, violation{"maxLength", fmt.Sprintf("value has %d %s; at most %d allowed", n, unit, l.maxLength)})
	}
	return buf
}

// TestCheckLengthsReference compares checkLengths, which counts characters
// only when the byte length does not decide, with the reference on every
// combination of small length facets, each whiteSpace, and values with
// blanks, multi-byte characters and invalid UTF-8.
func TestCheckLengthsReference(t *testing.T) {
	pieces := []string{"", "a", " ", "  ", "\t", "\n", "\r", "é", "統", "發票", "\U0001F600", "\xff", "\xe7\xb5", "abcd", " x ", "12345678"}
	var values []string
	for _, a := range pieces {
		for _, b := range pieces {
			values = append(values, a+b)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		values = append(values, b.String())
	}
	facet := []int{-1, 0, 1, 3, 4, 5, 8}
	kinds := []builtinKind{bString, bNormalizedString, bToken, bBase64Binary}
	checked := 0
	for _, kind := range kinds {
		for _, normalize := range []bool{false, true} {
			for _, length := range facet {
				for _, minLength := range facet {
					for _, maxLength := range facet {
						if length < 0 && minLength < 0 && maxLength < 0 {
							continue // parse does not call checkLengths
						}
						st := &simpleType{kind: kind, ws: builtinInfos[kind].ws, normalize: normalize,
							lengths: lengthFacets{length, minLength, maxLength}, digits: digitFacets{-1, -1}}
						for _, v := range values {
							if normalize {
								v = normalizeSpace(v, st.ws)
							}
							var val value
							if kind == bBase64Binary {
								val.octets = len(v) % 7
							}
							got := st.checkLengths(v, &val, nil)
							want := checkLengthsReference(st, v, &val, nil)
							if !reflect.DeepEqual(got, want) {
								t.Fatalf("%s normalize=%v lengths=%+v value %q: got %v, want %v",
									builtinInfos[kind].name, normalize, st.lengths, v, got, want)
							}
							checked++
						}
					}
				}
			}
		}
	}
	t.Logf("%d cases", checked)
}

// TestRuneCount compares runeCount with utf8.RuneCountInString on every
// string of up to three bytes over the bytes that matter to UTF-8, and on
// random strings of them and of CJK text.
func TestRuneCount(t *testing.T) {
	check := func(s string) {
		if got, want := runeCount(s), utf8.RuneCountInString(s); got != want {
			t.Fatalf("runeCount(%q) = %d, want %d", s, got, want)
		}
	}
	edge := []byte{0x00, 'a', 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
		0xE0, 0xE1, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF}
	check("")
	for _, a := range edge {
		for _, b := range edge {
			for _, c := range edge {
				check(string([]byte{a, b, c}))
				check(string([]byte{a, b, c}) + "統")
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 100000 {
		b := make([]byte, rng.IntN(16))
		for i := range b {
			b[i] = edge[rng.IntN(len(edge))]
		}
		check(string(b))
		check("統一發票" + string(b) + "發")
	}
}
