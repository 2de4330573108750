package jobs

import (
	"regexp"
	"testing"
)

// FuzzParseWinningNumbers: any input is either refused or gives numbers
// of the right shape, and Prize never fails on a valid invoice number.
func FuzzParseWinningNumbers(f *testing.F) {
	f.Add([]byte(qry11412))
	f.Add([]byte(`{"code":200,"superPrizeNo":12345678,"firstPrizeNo1":"00000001"}`))
	f.Add([]byte(`{"code":"951","msg":"x"}`))
	digits := regexp.MustCompile(`^[0-9]+$`)
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWinningNumbers(data)
		if err != nil {
			return
		}
		all := append(append([]string{w.Special}, w.Grand...), w.First...)
		for _, n := range all {
			if n != "" && (len(n) != 8 || !digits.MatchString(n)) {
				t.Fatalf("number %q accepted", n)
			}
		}
		for _, n := range w.ExtraSixth {
			if len(n) != 3 || !digits.MatchString(n) {
				t.Fatalf("sixth number %q accepted", n)
			}
		}
		if _, _, err := Prize("AB00000000", w); err != nil {
			t.Fatal(err)
		}
	})
}
