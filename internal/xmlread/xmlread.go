// Package xmlread owns how turnkeyd reads an XML file from outside (a MIG
// message, a Turnkey result file): UTF-8 only, with or without a byte-order
// mark, a syntax error with its line, exactly one root element.
package xmlread

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/beevik/etree"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

var declaredEncoding = regexp.MustCompile(`^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']`)

// EncodingError reports a declared encoding other than UTF-8.
type EncodingError struct{ Name string }

func (e *EncodingError) Error() string {
	return fmt.Sprintf("the XML declaration names the encoding %q: the file must be UTF-8; convert it (e.g. iconv -f %s -t UTF-8) and declare encoding=\"UTF-8\"",
		Clip(e.Name), Clip(e.Name))
}

// Read parses data as UTF-8 XML. It refuses another declared encoding
// (*EncodingError) and gives the line of a syntax error.
func Read(data []byte) (*etree.Document, error) {
	data = bytes.TrimPrefix(data, utf8BOM)
	if m := declaredEncoding.FindSubmatch(data); m != nil && !isUTF8(string(m[1])) {
		return nil, &EncodingError{Name: string(m[1])}
	}
	doc := etree.NewDocument()
	doc.ReadSettings.CharsetReader = func(charset string, r io.Reader) (io.Reader, error) {
		if isUTF8(charset) {
			return r, nil
		}
		return nil, &EncodingError{Name: charset}
	}
	if err := doc.ReadFromBytes(data); err != nil {
		var enc *EncodingError
		if errors.As(err, &enc) {
			return nil, enc
		}
		return nil, fmt.Errorf("not well-formed XML: %w", syntaxDetail(data, err))
	}
	return doc, nil
}

func isUTF8(s string) bool {
	return strings.EqualFold(s, "UTF-8") || strings.EqualFold(s, "UTF8")
}

// syntaxDetail replaces etree's position-less ErrXML with the error
// encoding/xml gives for the same input, which has a line number.
func syntaxDetail(data []byte, err error) error {
	if !errors.Is(err, etree.ErrXML) {
		return err
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		_, terr := dec.Token()
		if terr == io.EOF {
			line, _ := dec.InputPos()
			return fmt.Errorf("line %d: unexpected end of input (an element is not closed; truncated?)", line)
		}
		if terr != nil {
			return terr
		}
	}
}

// Root returns the document's root element and refuses a second one or
// text (or CDATA) beside it.
func Root(doc *etree.Document) (*etree.Element, error) {
	var root *etree.Element
	for _, t := range doc.Child {
		switch t := t.(type) {
		case *etree.Element:
			if root != nil {
				return nil, fmt.Errorf("not well-formed XML: a second root element <%s> after <%s>", t.Tag, root.Tag)
			}
			root = t
		case *etree.CharData:
			if !t.IsWhitespace() || t.IsCData() {
				return nil, fmt.Errorf("not well-formed XML: text %q outside the root element", Clip(t.Data))
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element: the input is empty or holds no XML element")
	}
	return root, nil
}

// Clip shortens s for an error message, on a character boundary.
func Clip(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
