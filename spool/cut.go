package spool

import (
	"fmt"
	"unicode/utf8"
)

// Messages quote the values they are about, and a value can be anything
// the ERP wrote: a 10 MB field would make a 10 MB answer line (and ledger
// row). Values are cut to maxValue characters and whole messages to
// maxMessage bytes, saying how long the original was.
const (
	maxValue   = 80
	maxMessage = 2000
)

// CutValue returns v, or its first maxValue characters and how long it is.
func CutValue(v string) string {
	if utf8.RuneCountInString(v) <= maxValue {
		return v
	}
	i, n := 0, 0
	for i = range v {
		if n == maxValue {
			break
		}
		n++
	}
	return fmt.Sprintf("%s… (%d characters in all)", v[:i], utf8.RuneCountInString(v))
}

// CutMessage returns msg, or its first maxMessage bytes (at a character
// boundary) and how long it is.
func CutMessage(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	n := maxMessage
	for n > 0 && !utf8.RuneStart(msg[n]) {
		n--
	}
	return fmt.Sprintf("%s… (message cut: %d bytes in all)", msg[:n], len(msg))
}
