package turnkey

import (
	"testing"
	"time"
)

func TestPackedAt(t *testing.T) {
	taipei := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		id   string
		want time.Time
		ok   bool
	}{
		{"4.1-F0401-20260824-141623456-550e8400-e29b-41d4-a716-446655440000", time.Date(2026, 8, 24, 14, 16, 23, 456e6, taipei), true},
		{"4.1-C0501-20261122-000000001-x", time.Date(2026, 11, 22, 0, 0, 0, 1e6, taipei), true},
		{"", time.Time{}, false},
		{"550e8400-e29b-41d4-a716-446655440000", time.Time{}, false},
		{"4.1-F0401-20260824-1416234-uuid", time.Time{}, false},   // time too short
		{"4.1-F0401-20261324-141623456-uuid", time.Time{}, false}, // month 13
		{"4.1-F0401-2026082a-141623456-uuid", time.Time{}, false}, // not a date
		{"4.1-F0401-20260824-146623456-uuid", time.Time{}, false}, // minute 66
	} {
		got, ok := PackedAt(c.id)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("PackedAt(%q) = %v %v, want %v %v", c.id, got, ok, c.want, c.ok)
		}
	}
}
