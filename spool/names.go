package spool

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// maxName is the longest file name (in bytes) the common file systems
// allow: ext4, XFS and NTFS all stop at 255.
const maxName = 255

// fitName returns base+suffix when it fits maxName. Otherwise base is cut
// (at a character boundary) and ends in "~" and 12 hex digits of its
// SHA-256, so that different long names keep different answers and the
// whole fits.
func fitName(base, suffix string) string {
	if len(base)+len(suffix) <= maxName {
		return base + suffix
	}
	sum := sha256.Sum256([]byte(base))
	tag := "~" + hex.EncodeToString(sum[:6])
	n := maxName - len(suffix) - len(tag)
	for n > 0 && !utf8.RuneStart(base[n]) {
		n--
	}
	return base[:n] + tag + suffix
}
