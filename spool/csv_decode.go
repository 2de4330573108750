package spool

// Text encodings of CSV v1 files: UTF-8 (with or without a byte-order mark)
// and Big5 as Windows writes it (code page 950). Bytes that do not decode
// become U+FFFD and 造字 (user-defined characters) private-use code points;
// the rows holding either are rejected (checkText), the rest of the file
// goes on.

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/traditionalchinese"
)

// The encodings ReadOptions.Encoding names.
const (
	EncodingAuto = "auto"
	EncodingUTF8 = "utf-8"
	EncodingBig5 = "big5"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// normalEncoding returns the encoding name e stands for: "" is auto; utf8
// and cp950 are accepted spellings.
func normalEncoding(e string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(e)) {
	case "", EncodingAuto:
		return EncodingAuto, nil
	case EncodingUTF8, "utf8":
		return EncodingUTF8, nil
	case EncodingBig5, "cp950":
		return EncodingBig5, nil
	}
	return "", fmt.Errorf("encoding %q is not one of auto, utf-8, big5", e)
}

// decode returns data as text and the encoding it was read in. A UTF-8
// byte-order mark always means UTF-8 and is dropped. In auto mode a file
// that is valid UTF-8 is UTF-8; otherwise the encoding under which fewer
// byte sequences fail to decode wins, Big5 on a tie. The only errors are
// the files no row of which could be read: UTF-16 and UTF-32.
func decode(data []byte, encoding string) (text, used string, err *FileError) {
	if msg := wideUnicode(data); msg != "" {
		return "", "", &FileError{Line: 1, Column: 1, Msg: msg}
	}
	if bytes.HasPrefix(data, utf8BOM) {
		return decodeUTF8(data[len(utf8BOM):]), EncodingUTF8, nil
	}
	switch encoding {
	case EncodingUTF8:
		return decodeUTF8(data), EncodingUTF8, nil
	case EncodingBig5:
		text, _ := decodeBig5(data)
		return text, EncodingBig5, nil
	}
	if utf8.Valid(data) {
		return decodeUTF8(data), EncodingUTF8, nil
	}
	big5, bad := decodeBig5(data)
	if utf8Errors(data) < bad {
		return decodeUTF8(data), EncodingUTF8, nil
	}
	return big5, EncodingBig5, nil
}

// wideUnicode names a UTF-16 or UTF-32 byte-order mark at the start of data.
func wideUnicode(data []byte) string {
	for _, bom := range []struct {
		mark []byte
		name string
	}{
		{[]byte{0xFF, 0xFE, 0, 0}, "UTF-32LE"},
		{[]byte{0, 0, 0xFE, 0xFF}, "UTF-32BE"},
		{[]byte{0xFF, 0xFE}, "UTF-16LE"},
		{[]byte{0xFE, 0xFF}, "UTF-16BE"},
	} {
		if bytes.HasPrefix(data, bom.mark) {
			return fmt.Sprintf("the file is %s (it starts with that byte-order mark): CSV v1 is UTF-8 or Big5; save it as \"CSV UTF-8\" or as Big5 CSV", bom.name)
		}
	}
	return ""
}

// decodeUTF8 returns data with each invalid byte sequence replaced by
// U+FFFD.
// The text of valid UTF-8 shares data's memory rather than copying it (a
// file may be 256 MiB): data must not change while the text is in use
// (OpenCSV says so to its callers; ReadCSV's data is its own).
func decodeUTF8(data []byte) string {
	if len(data) == 0 {
		return ""
	}
	return strings.ToValidUTF8(unsafe.String(&data[0], len(data)), "\uFFFD")
}

// utf8Errors counts the invalid byte sequences of data read as UTF-8.
func utf8Errors(data []byte) int {
	n := 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			n++
		}
		i += size
	}
	return n
}

// decodeBig5 reads data as Big5 (code page 950) and counts the byte
// sequences that did not decode (each became U+FFFD). A lead byte followed
// by a byte that cannot trail it decodes alone, so an ASCII quote, comma or
// line end after a broken character keeps its meaning. Characters in the
// code page's user-defined (造字) ranges become the private-use code points
// Windows maps them to; golang.org/x/text would read most of them as
// unrelated HKSCS characters.
func decodeBig5(data []byte) (string, int) {
	table := big5Table()
	var b strings.Builder
	b.Grow(len(data) + len(data)/2)
	bad := 0
	for i := 0; i < len(data); {
		c := data[i]
		if c < utf8.RuneSelf {
			b.WriteByte(c)
			i++
			continue
		}
		t := -1
		if i+1 < len(data) {
			t = big5Trail(data[i+1])
		}
		switch {
		case c == 0x80 || c == 0xFF || t < 0:
			b.WriteRune(utf8.RuneError)
			bad++
			i++
		case big5UserDefined(c, data[i+1]) != 0:
			b.WriteRune(big5UserDefined(c, data[i+1]))
			i += 2
		case table[int(c-0x81)*157+t] != 0:
			b.WriteRune(table[int(c-0x81)*157+t])
			i += 2
		default: // a pair with no character: skip an ASCII trail byte alone
			b.WriteRune(utf8.RuneError)
			bad++
			i += 2
			if data[i-1] < utf8.RuneSelf {
				i--
			}
		}
	}
	return b.String(), bad
}

// big5Trail returns the index (0-156) of a Big5 trail byte, -1 for a byte
// that cannot trail a lead byte.
func big5Trail(t byte) int {
	switch {
	case t >= 0x40 && t <= 0x7E:
		return int(t - 0x40)
	case t >= 0xA1 && t <= 0xFE:
		return int(t-0xA1) + 63
	}
	return -1
}

// big5UserDefined returns the private-use code point code page 950 maps a
// user-defined (造字) character to, 0 when lead, trail is not one:
// FA40–FEFE → U+E000…, 8E40–A0FE → U+E311…, 8140–8DFE → U+EEB8…,
// C6A1–C8FE → U+F6B1…F848.
func big5UserDefined(lead, trail byte) rune {
	t := big5Trail(trail)
	if t < 0 {
		return 0
	}
	at := func(first byte, base rune) rune { return base + rune(int(lead-first)*157+t) }
	switch {
	case lead >= 0xFA && lead <= 0xFE:
		return at(0xFA, 0xE000)
	case lead >= 0x8E && lead <= 0xA0:
		return at(0x8E, 0xE311)
	case lead >= 0x81 && lead <= 0x8D:
		return at(0x81, 0xEEB8)
	case lead == 0xC6 && t >= 63, lead == 0xC7, lead == 0xC8:
		return at(0xC6, 0xF6B1-63)
	}
	return 0
}

// big5Table maps each lead (0x81-0xFE) and trail index to its character, 0
// for none, from golang.org/x/text's Big5 decoder (the WHATWG table, which
// agrees with code page 950 outside the user-defined ranges).
var big5Table = sync.OnceValue(func() []rune {
	const leads = 0xFE - 0x81 + 1
	pairs := make([]byte, 0, leads*157*3)
	for lead := 0x81; lead <= 0xFE; lead++ {
		for t := range 157 {
			trail := byte(0x40 + t)
			if t >= 63 {
				trail = byte(0xA1 + t - 63)
			}
			pairs = append(pairs, byte(lead), trail, '\n')
		}
	}
	out, _ := traditionalchinese.Big5.NewDecoder().Bytes(pairs)
	table := make([]rune, leads*157)
	for i, s := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		if r, size := utf8.DecodeRuneInString(s); size == len(s) && r != utf8.RuneError && i < len(table) {
			table[i] = r
		}
	}
	return table
})
