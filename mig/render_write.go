package mig

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// appendTree appends doc serialized byte for byte as etree's
// Document.WriteTo writes it (tested against it), without etree's
// per-element allocations. It writes elements, attributes, text and the XML
// declaration itself under the settings Tree uses, and lets etree write
// anything else.
func appendTree(dst []byte, doc *etree.Document) []byte {
	return appendTreeText(dst, doc, false)
}

// appendBuiltTree is appendTree for a tree a treeBuilder built without
// error: the builder has checked every text value with xmlText (and
// indentation is whitespace), so text is only escaped, not checked again.
// Attribute values are still checked: the builder does not check them.
func appendBuiltTree(dst []byte, doc *etree.Document) []byte {
	return appendTreeText(dst, doc, true)
}

// appendTreeText is appendTree; textChecked says that every character data
// token holds text xmlText accepts.
func appendTreeText(dst []byte, doc *etree.Document, textChecked bool) []byte {
	s := &doc.WriteSettings
	if !s.CanonicalText || s.CanonicalEndTags || s.CanonicalAttrVal || s.AttrSingleQuote {
		var buf bytes.Buffer
		doc.WriteTo(&buf)
		return append(dst, buf.Bytes()...)
	}
	for _, t := range doc.Child {
		dst = appendToken(dst, t, s, textChecked)
	}
	return dst
}

func appendToken(dst []byte, t etree.Token, s *etree.WriteSettings, textChecked bool) []byte {
	switch t := t.(type) {
	case *etree.Element:
		return appendElement(dst, t, s, textChecked)
	case *etree.CharData:
		if !t.IsCData() {
			if textChecked {
				return appendValidText(dst, t.Data)
			}
			return appendText(dst, t.Data, false)
		}
	case *etree.ProcInst:
		if t.Target != "" && !strings.Contains(t.Target, "?>") && !strings.Contains(t.Inst, "?>") {
			dst = append(dst, "<?"...)
			dst = append(dst, t.Target...)
			if t.Inst != "" {
				dst = append(dst, ' ')
				dst = append(dst, t.Inst...)
			}
			return append(dst, "?>"...)
		}
	}
	var buf bytes.Buffer
	t.WriteTo(&buf, s)
	return append(dst, buf.Bytes()...)
}

func appendElement(dst []byte, e *etree.Element, s *etree.WriteSettings, textChecked bool) []byte {
	dst = append(dst, '<')
	dst = appendTag(dst, e.Space, e.Tag)
	for i := range e.Attr {
		a := &e.Attr[i]
		dst = append(dst, ' ')
		dst = appendTag(dst, a.Space, a.Key)
		dst = append(dst, `="`...)
		dst = appendText(dst, a.Value, true)
		dst = append(dst, '"')
	}
	if len(e.Child) == 0 {
		return append(dst, "/>"...)
	}
	dst = append(dst, '>')
	for _, c := range e.Child {
		dst = appendToken(dst, c, s, textChecked)
	}
	dst = append(dst, "</"...)
	dst = appendTag(dst, e.Space, e.Tag)
	return append(dst, '>')
}

func appendTag(dst []byte, space, tag string) []byte {
	if space != "" {
		dst = append(dst, space...)
		dst = append(dst, ':')
	}
	return append(dst, tag...)
}

// appendText escapes text as etree does with CanonicalText (&, <, > and a
// carriage return become references), or an attribute value as etree does
// by default (&, <, >, ' and "); a character XML cannot carry becomes
// U+FFFD.
func appendText(dst []byte, s string, attr bool) []byte {
	if !attr && xmlText(s) {
		return appendValidText(dst, s)
	}
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
		case r == '"' && attr:
			esc = "&quot;"
		case r == '\'' && attr:
			esc = "&apos;"
		case r == '\r' && !attr:
			esc = "&#xD;"
		case r == '\t' || r == '\n' || r == '\r' || r == '"' || r == '\'':
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

// appendValidText escapes text xmlText accepts: only the ASCII characters &,
// <, > and carriage return need a reference, so no rune is decoded.
func appendValidText(dst []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if !textEscaped[s[i]] {
			continue
		}
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\r':
			esc = "&#xD;"
		}
		dst = append(dst, s[last:i]...)
		dst = append(dst, esc...)
		last = i + 1
	}
	return append(dst, s[last:]...)
}

// textEscaped marks the bytes appendValidText writes as a reference: one
// table look-up per byte instead of a comparison with each of them.
var textEscaped = [256]bool{'&': true, '<': true, '>': true, '\r': true}
