package mig

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// addSeeds adds every file matching the patterns under testdata.
func addSeeds(f *testing.F, patterns ...string) {
	f.Helper()
	for _, p := range patterns {
		files, err := filepath.Glob(filepath.Join("testdata", p))
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

// FuzzParse: Parse never panics, and a document it returns that Render
// accepts comes back unchanged from Parse(Render(doc)).
func FuzzParse(f *testing.F) {
	addSeeds(f, "render/*/want.xml", "parse/*")
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Parse(data)
		if err != nil {
			return
		}
		out, err := Render(doc)
		if err != nil {
			return
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Render(Parse(data))): %v\n%s", err, out)
		}
		if !reflect.DeepEqual(again, doc) {
			t.Fatalf("Parse(Render(doc)) != doc\n got %+v\nwant %+v\n%s", again, doc, out)
		}
	})
}

// FuzzParseTrackAssignments: never panics, and returns ranges or an error.
func FuzzParseTrackAssignments(f *testing.F) {
	addSeeds(f, "parse/e0501-*")
	f.Add(testEnvelope(V41, randomDocument(newRand(3), Head{E0501, V41}).(*TrackAssignment)))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ParseTrackAssignments(data)
		if err == nil && len(got) == 0 {
			t.Fatal("no error and no track assignment")
		}
		for _, a := range got {
			if a == nil || a.Type != E0501 {
				t.Fatalf("not an E0501 assignment: %+v", a)
			}
		}
	})
}
