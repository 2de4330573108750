package turnkey

import (
	"strings"
	"time"
)

// turnkeyZone is the time zone of the times in Turnkey's message names:
// Taiwan's local time, which has no daylight saving.
var turnkeyZone = time.FixedZone("Asia/Taipei", 8*3600)

// PackedAt returns when Turnkey packed the message named id (a
// ProcessResult's MessageInfo/Id, a SummaryResult's Info/Id), from its
// grammar <MIG>-<MSG>-<yyyyMMdd>-<HHmmssSSS>-<uuid>, e.g.
// 4.1-F0401-20260824-141623456-550e8400-…, to the millisecond. A message
// holds only files Turnkey had taken from its upload folders by then, so a
// document handed over later cannot be in it. ok is false for an id of
// another shape (empty, or a Turnkey version that names messages
// otherwise): the caller then knows nothing about the time.
func PackedAt(id string) (t time.Time, ok bool) {
	parts := strings.SplitN(id, "-", 5)
	if len(parts) < 4 || len(parts[2]) != 8 || len(parts[3]) != 9 {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation("20060102150405.000", parts[2]+parts[3][:6]+"."+parts[3][6:], turnkeyZone)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
