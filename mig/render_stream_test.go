package mig

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestRenderStreamJudgesValidDocuments checks that the Stream Validator.Render
// feeds accepts every valid generated document of every type, so that
// valid documents never take the slow path (read back and validate).
func TestRenderStreamJudgesValidDocuments(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range generatedHeads {
		if h.Type == E0501 || h.Type == E0504 {
			continue // read, never rendered
		}
		s := v.schemas[h]
		for seed := range uint64(40) {
			d := randomDocument(newRand(seed), h)
			b := new(treeBuilder)
			b.stream.Reset(s)
			if err := b.write(d, &b.stream); err != nil {
				t.Fatalf("%s seed %d: %v", h, seed, err)
			}
			if errs, err := validateWritten(s, b.out); err != nil || len(errs) > 0 {
				t.Fatalf("%s seed %d: the generated document is not valid: %v %v", h, seed, err, errs)
			}
			if !b.stream.Valid() {
				t.Errorf("%s seed %d: the Stream leaves a valid document to the slow path", h, seed)
			}
			n++
		}
	}
	t.Logf("%d valid documents judged by the Stream", n)
}

// TestRenderSchemaStageUnchanged spoils string fields of generated
// documents in ways the schemas refuse (empty, too long, a stray
// character, a blank) and checks that Validator.Render reports exactly
// the schema violations that validating the document's tree reports, and
// that the Stream never accepts such a document.
func TestRenderSchemaStageUnchanged(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	spoils := []func(string) string{
		func(string) string { return "" },
		func(s string) string { return strings.Repeat(s+"發", 40) },
		func(s string) string { return s + "!" },
		func(s string) string { return " " + s },
	}
	invalid := 0
	for _, h := range generatedHeads {
		if h.Type == E0501 || h.Type == E0504 {
			continue
		}
		s := v.schemas[h]
		for seed := range uint64(6) {
			d := randomDocument(newRand(seed), h)
			field := 0
			forStrings(reflect.ValueOf(d).Elem(), func(f reflect.Value) {
				field++
				if f.Type() == reflect.TypeFor[MessageType]() || f.Type() == reflect.TypeFor[Version]() {
					return // the Head picks the schema
				}
				old := f.String()
				defer f.SetString(old)
				f.SetString(spoils[(int(seed)+field)%len(spoils)](old))
				name := fmt.Sprintf("%s seed %d field %d (%q)", h, seed, field, f.String())

				doc, err := Tree(d)
				if err != nil {
					return // refused before the schema stage, by both paths alike (TestRenderWritesTree)
				}
				want := schemaViolations(s.Validate(doc.Root()))
				b := new(treeBuilder)
				b.stream.Reset(s)
				if err := b.write(d, &b.stream); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if b.stream.Valid() && len(want) > 0 {
					t.Fatalf("%s: the Stream accepts a document with violations %v", name, want)
				}
				_, got, err := v.Render(d)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got = slices.DeleteFunc(got, func(x Violation) bool { return !strings.HasPrefix(x.Code, "XSD_") })
				if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
					t.Fatalf("%s: Render reports\n%v\nthe tree's validation\n%v", name, got, want)
				}
				if len(want) > 0 {
					invalid++
				}
			})
		}
	}
	t.Logf("%d spoiled documents with schema violations, each reported as before", invalid)
	if invalid < 300 {
		t.Fatalf("only %d spoiled documents were invalid", invalid)
	}
}

// TestValidatorRenderConcurrent renders valid and invalid documents of
// every type from several goroutines at once (the builders, their Streams
// and output buffers are pooled) and checks each result against the same
// call made alone. Run with -race, as make test does.
func TestValidatorRenderConcurrent(t *testing.T) {
	v, err := DefaultValidator()
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		out        []byte
		violations []Violation
	}
	var docs []Document
	var want []result
	for _, h := range generatedHeads {
		if h.Type == E0501 || h.Type == E0504 {
			continue
		}
		for seed := range uint64(8) {
			d := randomDocument(newRand(seed), h)
			if seed%2 == 1 {
				// Every other one invalid: its first string field emptied.
				done := false
				forStrings(reflect.ValueOf(d).Elem(), func(f reflect.Value) {
					if !done && f.Type() == reflect.TypeFor[string]() && f.String() != "" {
						f.SetString("")
						done = true
					}
				})
			}
			out, violations, err := v.Render(d)
			if err != nil {
				t.Fatalf("%s seed %d: %v", h, seed, err)
			}
			docs = append(docs, d)
			want = append(want, result{out, violations})
		}
	}
	invalid := 0
	for _, r := range want {
		if len(r.violations) > 0 {
			invalid++
		}
	}
	if invalid == 0 || invalid == len(want) {
		t.Fatalf("%d of %d documents invalid: the test needs both kinds", invalid, len(want))
	}
	const workers = 6
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			for round := range 5 {
				for i := range docs {
					j := (i + w*7 + round) % len(docs)
					out, violations, err := v.Render(docs[j])
					switch {
					case err != nil:
						errs <- err
						return
					case !bytes.Equal(out, want[j].out) || !reflect.DeepEqual(violations, want[j].violations):
						errs <- fmt.Errorf("document %d (%s) rendered concurrently differs from alone", j, docs[j].Header())
						return
					}
				}
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
