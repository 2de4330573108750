package xsd

import "bytes"

// normalizeAttrSpace applies XML attribute-value normalization to the
// literal tabs, newlines and carriage returns inside attribute values
// (they become spaces), which encoding/xml does not do. Character
// references such as &#9; are left alone, as the XML specification and
// libxml2 require. data is copied only when something changes.
func normalizeAttrSpace(data []byte) []byte {
	out := data
	copied := false
	for i := 0; i < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		rest := data[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(data, i, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(data, i, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(data, i, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			i = skipDeclaration(data, i)
		default:
			var quote byte
			for i++; i < len(data) && (quote != 0 || data[i] != '>'); i++ {
				c := data[i]
				switch {
				case quote == 0 && (c == '"' || c == '\''):
					quote = c
				case c == quote:
					quote = 0
				case quote != 0 && (c == '\t' || c == '\n' || c == '\r'):
					if !copied {
						out, copied = bytes.Clone(data), true
					}
					out[i] = ' '
				}
			}
		}
	}
	return out
}

// skipPast returns the index of the last byte of the first end after i.
func skipPast(data []byte, i int, end string) int {
	j := bytes.Index(data[i:], []byte(end))
	if j < 0 {
		return len(data)
	}
	return i + j + len(end) - 1
}

// skipDeclaration skips <!DOCTYPE ...> with its internal subset.
func skipDeclaration(data []byte, i int) int {
	depth := 0
	var quote byte
	for ; i < len(data); i++ {
		switch c := data[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '<':
			depth++
		case c == '>':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return i
}
