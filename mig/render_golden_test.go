package mig

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden want.xml files under testdata/render")

// loadDocument reads a document from JSON: its Head fields pick the type.
func loadDocument(data []byte) (Document, error) {
	var h Head
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, err
	}
	d := newDocument(h.Type)
	if d == nil {
		return nil, fmt.Errorf("unknown message type %q", h.Type)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(d); err != nil {
		return nil, err
	}
	return d, nil
}

func goldenCases(t *testing.T) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "render", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases under testdata/render: %v", err)
	}
	return dirs
}

// TestRenderGolden renders each testdata/render/<case>/doc.json and compares
// with want.xml; -update rewrites want.xml.
func TestRenderGolden(t *testing.T) {
	for _, dir := range goldenCases(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "doc.json"))
			if err != nil {
				t.Fatal(err)
			}
			d, err := loadDocument(data)
			if err != nil {
				t.Fatalf("doc.json: %v", err)
			}
			got, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			wantPath := filepath.Join(dir, "want.xml")
			if *update {
				if err := os.WriteFile(wantPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run go test ./mig -run TestRenderGolden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Render differs from %s (review, then -update):\n got:\n%s\nwant:\n%s", wantPath, got, want)
			}
			back, err := Parse(got)
			if err != nil {
				t.Fatalf("Parse(Render): %v", err)
			}
			if !reflect.DeepEqual(back, d) {
				t.Errorf("Parse(Render(doc.json)) differs:\n got %+v\nwant %+v", back, d)
			}
		})
	}
}

// TestRenderGoldenOracle checks every golden want.xml against the official
// schemas.
func TestRenderGoldenOracle(t *testing.T) {
	var files []string
	for _, dir := range goldenCases(t) {
		files = append(files, filepath.Join(dir, "want.xml"))
	}
	runOracle(t, files...)
}

// readTestdata reads testdata/<elems...>.
func readTestdata(t testing.TB, elems ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, elems...)...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
