package mig

import (
	"bytes"
	"reflect"
	"testing"
)

// roundTrips is the number of random documents per Head in TestRoundTrip.
const roundTrips = 300

// TestRoundTrip checks Parse(Render(x)) == x for random documents of every
// message type and version, and that Render is deterministic (that it is
// exactly Tree serialized: TestRenderWritesTree).
func TestRoundTrip(t *testing.T) {
	for _, h := range generatedHeads {
		t.Run(string(h.Type)+"_"+string(h.Version), func(t *testing.T) {
			t.Parallel()
			for i := range roundTrips {
				seed := uint64(1000 + i)
				want := randomDocument(newRand(seed), h)
				out, err := renderAny(want)
				if err != nil {
					t.Fatalf("seed %d: render: %v", seed, err)
				}
				got, err := Parse(out)
				if err != nil {
					t.Fatalf("seed %d: parse: %v\n%s", seed, err, out)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("seed %d: Parse(Render(x)) != x\n got %+v\nwant %+v\n%s", seed, got, want, out)
				}
				again, _ := renderAny(randomDocument(newRand(seed), h))
				if !bytes.Equal(out, again) {
					t.Fatalf("seed %d: two renders of the same document differ", seed)
				}
			}
		})
	}
}
