package spool

// The record layer of CSV v1: RFC 4180 records over decoded text, with
// every field's line and column (in characters) kept for messages. Quoting
// is strict: a quote inside an unquoted field or text after a closing quote
// is a FileError, because a file whose quoting is broken cannot be split
// into rows with any confidence.

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// field is one field of a record as written, with where it starts.
type field struct {
	text      string
	line, col int // 1-based; col counts characters
}

// record is one CSV record; a quoted field may make it span lines.
type record struct {
	line, endLine int
	fields        []field
	endCol        int // the column just after the record's last character
}

// blank reports whether every field of r is empty or white space; such
// records (blank lines, a spreadsheet's ",,,,") are skipped.
func (r *record) blank() bool {
	for _, f := range r.fields {
		if strings.TrimSpace(f.text) != "" {
			return false
		}
	}
	return true
}

// scanner splits text into records.
type scanner struct {
	text      string
	pos       int
	line, col int // of text[pos]
}

func newScanner(text string) *scanner { return &scanner{text: text, line: 1, col: 1} }

// peek returns the character at pos and its size, (0, 0) at the end.
func (s *scanner) peek() (rune, int) {
	if s.pos >= len(s.text) {
		return 0, 0
	}
	c := s.text[s.pos]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s.text[s.pos:])
}

// next consumes one character; a line end (\n, \r\n or a lone \r) moves to
// the next line and is returned as '\n'.
func (s *scanner) next() rune {
	r, size := s.peek()
	s.pos += size
	switch r {
	case '\r':
		if s.pos < len(s.text) && s.text[s.pos] == '\n' {
			s.pos++
		}
		fallthrough
	case '\n':
		s.line++
		s.col = 1
		return '\n'
	}
	s.col++
	return r
}

func (s *scanner) atLineEnd() bool {
	r, size := s.peek()
	return size == 0 || r == '\n' || r == '\r'
}

func (s *scanner) skipBlanks() {
	for {
		if r, _ := s.peek(); r != ' ' && r != '\t' {
			return
		}
		s.next()
	}
}

// record reads the next record; ok is false at the end of the text.
func (s *scanner) record() (rec record, ok bool, err *FileError) {
	if s.pos >= len(s.text) {
		return record{}, false, nil
	}
	rec.line = s.line
	for {
		f, err := s.field()
		if err != nil {
			return record{}, false, err
		}
		rec.fields = append(rec.fields, f)
		rec.endLine, rec.endCol = s.line, s.col
		if r, size := s.peek(); size == 0 || r != ',' {
			if size != 0 {
				s.next() // the line end
			}
			return rec, true, nil
		}
		s.next()
	}
}

// field reads one field and stops before the comma or line end after it.
func (s *scanner) field() (field, *FileError) {
	f := field{line: s.line, col: s.col}
	var b strings.Builder
	start := s.pos
	s.skipBlanks()
	if r, _ := s.peek(); r != '"' {
		s.pos, s.line, s.col = start, f.line, f.col
		for !s.atLineEnd() {
			switch r, _ := s.peek(); r {
			case ',':
				f.text = s.text[start:s.pos]
				return f, nil
			case '"':
				return f, s.fail(fmt.Sprintf("a quote (\") inside an unquoted value: a value that holds a quote must be quoted as a whole, its quotes doubled, e.g. \"%s\"",
					strings.ReplaceAll(strings.TrimSpace(s.text[start:s.pos])+`"…`, `"`, `""`)))
			}
			s.next()
		}
		f.text = s.text[start:s.pos]
		return f, nil
	}
	openLine, openCol := s.line, s.col
	s.next()
	for {
		r, size := s.peek()
		switch {
		case size == 0:
			return f, &FileError{Line: openLine, Column: openCol,
				Msg: "unterminated quoted field: the quote opened here is never closed, so the rest of the file would be one value; close it with a quote, and double any quote inside the value (\"\")"}
		case r == '"':
			s.next()
			if r, _ := s.peek(); r == '"' {
				s.next()
				b.WriteByte('"')
				continue
			}
			s.skipBlanks()
			if !s.atLineEnd() {
				if r, _ := s.peek(); r != ',' {
					return f, s.fail(fmt.Sprintf("text after the closing quote of a quoted value (the value started at %d:%d): put the whole value inside the quotes and double any quote inside it (\"\")", openLine, openCol))
				}
			}
			f.text = b.String()
			return f, nil
		default:
			b.WriteRune(s.next())
		}
	}
}

func (s *scanner) fail(msg string) *FileError {
	return &FileError{Line: s.line, Column: s.col, Msg: msg}
}
