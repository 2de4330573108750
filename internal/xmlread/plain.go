package xmlread

import (
	"strconv"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// Events receives the elements and text of a document as ReadPlain reads
// them, in document order: the root's Start comes first.
type Events interface {
	Start(local string)
	Text(s string)
	End()
}

// ReadPlain reads data as Read does, but only when data has the plain form
// turnkeyd and most ERPs write: UTF-8 with an optional byte-order mark, an
// optional declaration `<?xml version="1.0" encoding="UTF-8"?>`, one root
// element whose only attribute is a default namespace declaration
// (xmlns="..."), child elements with unprefixed ASCII names and no
// attributes, text with the predefined entities and character references,
// no comments, processing instructions, CDATA sections or DOCTYPE, no
// carriage return. It returns the same tree Read would (element for
// element, text for text, whitespace included), the root, and true; false
// for any other input, well-formed or not: read that with Read, which has
// the last word and the error messages.
//
// Once the root's start tag is read, events is called with its namespace;
// the Events it returns (nil for none) receive the document as it is read,
// whitespace included, so that a checker can judge it without walking the
// tree.
//
// With lean, the tree leaves out what a reader of element-only content
// never looks at: the declaration, whitespace outside the root, and text
// of whitespace only in an element that has child elements. Text() of an
// element without child elements, and every element, are as Read gives
// them.
func ReadPlain(data []byte, events func(ns string) Events, lean bool) (*etree.Document, *etree.Element, bool) {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		data = data[3:]
	}
	p := plainReader{s: string(data), lean: lean}
	return p.read(events)
}

// plainReader reads one document; every name and entity-free text is a
// substring of s, the document's one copy.
type plainReader struct {
	s    string
	i    int
	buf  []byte // text with entities
	lean bool
}

// plainDecls are the XML declarations ReadPlain accepts.
var plainDecls = []string{
	`<?xml version="1.0" encoding="UTF-8"?>`,
	`<?xml version="1.0" encoding="utf-8"?>`,
	`<?xml version="1.0"?>`,
}

func (p *plainReader) read(events func(ns string) Events) (*etree.Document, *etree.Element, bool) {
	doc := etree.NewDocument()
	for _, d := range plainDecls {
		if len(p.s) >= len(d) && p.s[:len(d)] == d {
			if !p.lean {
				doc.CreateProcInst("xml", d[len("<?xml "):len(d)-len("?>")])
			}
			p.i = len(d)
			break
		}
	}
	if !p.space(&doc.Element) || !p.at('<') {
		return nil, nil, false
	}
	p.i++
	name, ok := p.name()
	if !ok {
		return nil, nil, false
	}
	root := doc.CreateElement(name)
	ns, ok := p.rootAttr()
	if !ok {
		return nil, nil, false
	}
	root.CreateAttr("xmlns", ns)
	var ev Events
	if events != nil {
		ev = events(ns)
	}
	if ev != nil {
		ev.Start(name)
	}
	if !p.content(root, ev, 1) || !p.space(&doc.Element) || p.i != len(p.s) {
		return nil, nil, false
	}
	return doc, root, true
}

func (p *plainReader) at(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

// space skips whitespace outside the root, kept as a token of e as etree
// does.
func (p *plainReader) space(e *etree.Element) bool {
	start := p.i
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
	if p.i > start && !p.lean {
		e.CreateText("").SetData(p.s[start:p.i])
	}
	return true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func isNameStart(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isNameByte(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.' }

// name reads an unprefixed ASCII name.
func (p *plainReader) name() (string, bool) {
	start := p.i
	if p.i >= len(p.s) || !isNameStart(p.s[p.i]) {
		return "", false
	}
	for p.i < len(p.s) && isNameByte(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i], true
}

// rootAttr reads the rest of the root's start tag: xmlns="..." and '>'.
func (p *plainReader) rootAttr() (string, bool) {
	if !p.skipSpace() {
		return "", false
	}
	if n, ok := p.name(); !ok || n != "xmlns" {
		return "", false
	}
	p.skipSpace()
	if !p.at('=') {
		return "", false
	}
	p.i++
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != '"' && p.s[p.i] != '\'' {
		return "", false
	}
	q := p.s[p.i]
	p.i++
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != q {
		switch c := p.s[p.i]; {
		case c == '&' || c == '<' || c < 0x20 || c >= 0x80:
			return "", false
		}
		p.i++
	}
	if p.i >= len(p.s) {
		return "", false
	}
	v := p.s[start:p.i]
	p.i++
	p.skipSpace()
	if !p.at('>') {
		return "", false
	}
	p.i++
	return v, true
}

// skipSpace skips whitespace inside a tag and reports whether there was any.
func (p *plainReader) skipSpace() bool {
	start := p.i
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

// plainDepth bounds the nesting ReadPlain reads (MIG messages nest about 5
// deep); deeper documents go to Read.
const plainDepth = 64

// content reads the content of e, at depth (the root is 1), whose start tag
// has been read, up to and including its end tag.
func (p *plainReader) content(e *etree.Element, ev Events, depth int) bool {
	if depth > plainDepth {
		return false
	}
	children := false
	for {
		text, ok := p.text()
		if !ok {
			return false
		}
		if text != "" {
			if ev != nil {
				ev.Text(text)
			}
		}
		// p.s[p.i] == '<'
		p.i++
		end := p.at('/')
		if text != "" && (!p.lean || !children && end || !isWhitespace(text)) {
			e.CreateText("").SetData(text)
		}
		if end {
			p.i++
			name, ok := p.name()
			if !ok || name != e.Tag {
				return false
			}
			p.skipSpace()
			if !p.at('>') {
				return false
			}
			p.i++
			if ev != nil {
				ev.End()
			}
			return true
		}
		name, ok := p.name()
		if !ok {
			return false
		}
		child := e.CreateElement(name)
		children = true
		if ev != nil {
			ev.Start(name)
		}
		p.skipSpace()
		switch {
		case p.at('>'):
			p.i++
			if !p.content(child, ev, depth+1) {
				return false
			}
		case p.i+1 < len(p.s) && p.s[p.i] == '/' && p.s[p.i+1] == '>':
			p.i += 2
			if ev != nil {
				ev.End()
			}
		default:
			return false
		}
	}
}

// text reads character data up to the next '<', resolving references.
func (p *plainReader) text() (string, bool) {
	start := p.i
	p.buf = p.buf[:0]
	plain := true // no reference so far: the text is p.s[start:p.i]
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == '<':
			if plain {
				return p.s[start:p.i], true
			}
			return string(p.buf), true
		case c == '&':
			if plain {
				p.buf = append(p.buf, p.s[start:p.i]...)
				plain = false
			}
			r, ok := p.reference()
			if !ok {
				return "", false
			}
			p.buf = utf8.AppendRune(p.buf, r)
			continue
		case c == ']' && p.i+2 < len(p.s) && p.s[p.i+1] == ']' && p.s[p.i+2] == '>':
			return "", false // not allowed outside CDATA
		case c < 0x20:
			if c != '\t' && c != '\n' {
				return "", false
			}
		case c >= 0x80:
			r, size := utf8.DecodeRuneInString(p.s[p.i:])
			if r == utf8.RuneError && size == 1 || !isXMLChar(r) {
				return "", false
			}
			if !plain {
				p.buf = append(p.buf, p.s[p.i:p.i+size]...)
			}
			p.i += size
			continue
		}
		if !plain {
			p.buf = append(p.buf, c)
		}
		p.i++
	}
	return "", false // the input ends inside an element
}

// reference reads an entity or character reference at p.i.
func (p *plainReader) reference() (rune, bool) {
	end := p.i + 1
	for end < len(p.s) && end-p.i <= 12 && p.s[end] != ';' {
		end++
	}
	if end >= len(p.s) || p.s[end] != ';' {
		return 0, false
	}
	ref := p.s[p.i+1 : end]
	p.i = end + 1
	switch ref {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	if len(ref) < 2 || ref[0] != '#' {
		return 0, false
	}
	digits, base := ref[1:], 10
	if digits[0] == 'x' {
		digits, base = digits[1:], 16
	}
	if digits == "" || digits[0] == '+' || digits[0] == '-' {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil || !isXMLChar(rune(n)) {
		return 0, false
	}
	return rune(n), true
}

// isXMLChar reports whether r is a character XML 1.0 allows (other than
// the carriage return, which ReadPlain leaves to Read).
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// isWhitespace reports whether s is whitespace only, as etree decides it.
func isWhitespace(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}
