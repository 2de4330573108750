package mig

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"testing"
)

// TestCheckPlainSameVerdicts: Check, which takes plain valid files as a
// stream (checkPlain), gives exactly what the tree way (checkTree) gives,
// with schemas compiled at once or on first use (NewLazyValidator),
// on goldens, random valid documents of every type and version, the
// differential test's mutations, digit changes that break business rules,
// and other spellings of the same XML; and it takes the stream way for
// every plain file without a schema violation.
func TestCheckPlainSameVerdicts(t *testing.T) {
	perHead := 12 // about 1,000 files: 20 s under -race on a loaded 2-core machine
	if testing.Short() {
		perHead = 4
	}
	v := testValidator(t)
	lazy := NewLazyValidator(nil) // as turnkeyd check uses it
	type checkCase struct {
		name  string
		data  []byte
		plain bool // must take the stream way
	}
	var cases []checkCase
	goldens, _ := filepath.Glob("testdata/render/*/want.xml")
	for _, g := range goldens {
		data, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, checkCase{g, data, true})
	}
	r := rand.New(rand.NewPCG(13, 13))
	for hi, h := range diffHeads {
		for i := range perHead {
			data, err := renderAny(randomDocument(newRand(uint64(hi*100000+i)), h))
			if err != nil {
				t.Fatalf("render %s: %v", h, err)
			}
			name := fmt.Sprintf("%s-%s-%d", h.Type, h.Version, i)
			cases = append(cases,
				checkCase{name, data, true},
				checkCase{name + "-digit", changeDigit(r, data), false},
				checkCase{name + "-references", toReferences(r, data), false},
				checkCase{name + "-crlf", bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), false},
			)
			mutated, kind := mutate(t, r, data)
			cases = append(cases, checkCase{name + "-" + kind, mutated, false})
		}
	}
	streamed := 0
	for _, c := range cases {
		wantH, wantV, wantErr := v.checkTree(c.data)
		for _, v := range []*Validator{v, lazy} {
			h, violations, err := v.Check(c.data)
			if h != wantH || !reflect.DeepEqual(violations, wantV) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s (lazy %v): Check gives %s %v %v, the tree way %s %v %v\n%s", c.name, v.lazy != nil, h, violations, err, wantH, wantV, wantErr, c.data)
			}
		}
		_, _, plain := v.checkPlain(c.data)
		if c.plain && !plain {
			t.Errorf("%s: a valid plain file did not take the stream way", c.name)
		}
		if plain {
			streamed++
		}
	}
	t.Logf("%d files, %d checked as a stream", len(cases), streamed)
}

var digitRun = regexp.MustCompile(`>[0-9]+<`)

// changeDigit changes one digit of a value made of digits: the schema
// mostly still holds, the business rules (checksums, sums) mostly break.
func changeDigit(r *rand.Rand, data []byte) []byte {
	locs := digitRun.FindAllIndex(data, -1)
	out := bytes.Clone(data)
	if len(locs) == 0 {
		return out
	}
	loc := locs[r.IntN(len(locs))]
	i := loc[0] + 1 + r.IntN(loc[1]-loc[0]-2)
	out[i] = '0' + byte((int(out[i]-'0')+1+r.IntN(9))%10)
	return out
}

var textRun = regexp.MustCompile(`>[^<>]+<`)

// toReferences writes some characters of the text as character or entity
// references: the same document.
func toReferences(r *rand.Rand, data []byte) []byte {
	return textRun.ReplaceAllFunc(data, func(m []byte) []byte {
		s := []rune(string(m[1 : len(m)-1]))
		var b bytes.Buffer
		b.WriteByte('>')
		for _, c := range s {
			switch {
			case c == '&':
				b.WriteString("&amp;")
			case r.IntN(4) == 0:
				b.WriteString("&#" + strconv.Itoa(int(c)) + ";")
			case r.IntN(4) == 0:
				b.WriteString("&#x" + strconv.FormatInt(int64(c), 16) + ";")
			default:
				b.WriteRune(c)
			}
		}
		b.WriteByte('<')
		return b.Bytes()
	})
}
