package xsd

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// randomOccurs picks minOccurs/maxOccurs attributes for a particle.
func randomOccurs(r *rand.Rand) string {
	return [...]string{`minOccurs="0"`, `maxOccurs="2"`, `minOccurs="0" maxOccurs="unbounded"`,
		`maxOccurs="unbounded"`, `minOccurs="2" maxOccurs="3"`, `minOccurs="0" maxOccurs="2"`, "", ""}[r.Intn(8)]
}

// randomModel builds a random model group over the elements a, b and c.
func randomModel(r *rand.Rand, depth int) string {
	if depth == 0 || r.Intn(3) == 0 {
		return el(string(rune('a'+r.Intn(3))), randomOccurs(r))
	}
	kids := make([]string, 1+r.Intn(3))
	for i := range kids {
		kids[i] = randomModel(r, depth-1)
	}
	if r.Intn(2) == 0 {
		return seq(randomOccurs(r), kids...)
	}
	return choice(randomOccurs(r), kids...)
}

// TestXmllintRandomContentModels checks, on random nested content models,
// that every schema Compile accepts is accepted by xmllint too, with the
// same verdict on every child sequence of length ≤ 3. Models that violate
// Unique Particle Attribution are refused by Compile; xmllint accepts some
// of them, which the test counts and logs.
func TestXmllintRandomContentModels(t *testing.T) {
	lint := xmllintPath(t)
	r := rand.New(rand.NewSource(1))
	seqs := childSequences([]string{"a", "b", "c"}, 3)
	files := make([]string, len(seqs))
	for j := range seqs {
		files[j] = fmt.Sprintf("c%04d.xml", j)
	}
	models, refused, instances := 150, 0, 0
	for i := 0; i < models; i++ {
		model := seq("", randomModel(r, 3))
		dir := filepath.Join(t.TempDir(), "s")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "s.xsd"), xs("", `<xs:element name="r"><xs:complexType>`+model+`</xs:complexType></xs:element>`))
		for j, s := range seqs {
			writeFile(t, filepath.Join(dir, files[j]), "<r>"+s+"</r>")
		}
		schema, err := Compile(os.DirFS(dir), "s.xsd")
		verdicts, compiled, out := xmllintVerdicts(t, lint, dir, "s.xsd", files)
		switch {
		case err != nil && compiled:
			refused++
			continue
		case err != nil:
			continue
		case !compiled:
			t.Errorf("Compile accepts a model xmllint refuses: %s\n%s", model, firstLines(out, 3))
			continue
		}
		for j, s := range seqs {
			instances++
			errs, _ := schema.ValidateBytes([]byte("<r>" + s + "</r>"))
			if (len(errs) == 0) != verdicts[files[j]] {
				t.Errorf("%s on %s: ours %v, xmllint valid=%v: %s", model, s, errs, verdicts[files[j]], messagesFor(out, files[j]))
			}
		}
	}
	t.Logf("%d random models: %d instances agree with xmllint; %d non-deterministic models refused by Compile but accepted by xmllint",
		models, instances, refused)
}
