package jobs

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Prize names, as `turnkeyd prizes check` prints them and the winners file
// writes them.
const (
	PrizeSpecial = "special_10m" // 特別獎: all 8 digits = superPrizeNo
	PrizeGrand   = "grand_2m"    // 特獎: all 8 = a spcPrizeNo
	PrizeFirst   = "first"       // 頭獎: all 8 = a firstPrizeNo
	PrizeSecond  = "second"      // 二獎: the last 7 of a firstPrizeNo
	PrizeThird   = "third"       // the last 6
	PrizeFourth  = "fourth"      // the last 5
	PrizeFifth   = "fifth"       // the last 4
	PrizeSixth   = "sixth"       // the last 3 of a firstPrizeNo, or = a sixthPrizeNo (增開六獎)
	PrizeNone    = "none"
)

// PrizeAmounts are the amounts in NT$ of each prize (domain.md §6.3).
var PrizeAmounts = map[string]int64{
	PrizeSpecial: 10_000_000, PrizeGrand: 2_000_000, PrizeFirst: 200_000, PrizeSecond: 40_000,
	PrizeThird: 10_000, PrizeFourth: 4_000, PrizeFifth: 1_000, PrizeSixth: 200, PrizeNone: 0,
}

// WinningNumbers are a period's winning numbers, as the MOF app API's
// QryWinningList answers them.
type WinningNumbers struct {
	Period     string   // invoYm, ROC year + even month
	Special    string   // superPrizeNo
	Grand      []string // spcPrizeNo, spcPrizeNo2, spcPrizeNo3
	First      []string // firstPrizeNo1..10
	ExtraSixth []string // sixthPrizeNo1..6, 3 digits
}

var (
	eightDigits = regexp.MustCompile(`^[0-9]{8}$`)
	threeDigits = regexp.MustCompile(`^[0-9]{3}$`)
)

// ParseWinningNumbers reads a QryWinningList JSON answer: superPrizeNo,
// spcPrizeNo…, firstPrizeNo1..10, sixthPrizeNo1..6 (an empty string is no
// number), invoYm, and code (200 when given). A number that is not 8 digits
// (3 for sixthPrizeNo) is an error naming its field.
func ParseWinningNumbers(data []byte) (WinningNumbers, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return WinningNumbers{}, fmt.Errorf("winning numbers: not a QryWinningList JSON object: %w", err)
	}
	field := func(name string) (string, error) {
		v, ok := raw[name]
		if !ok || string(v) == "null" {
			return "", nil
		}
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			return strings.TrimSpace(s), nil
		}
		var n json.Number
		if err := json.Unmarshal(v, &n); err == nil {
			return n.String(), nil
		}
		return "", fmt.Errorf("winning numbers: %s is %s, not a string", name, v)
	}
	var w WinningNumbers
	var errs []string
	get := func(name string, pattern *regexp.Regexp) string {
		s, err := field(name)
		if err != nil {
			errs = append(errs, err.Error())
		} else if s != "" && pattern != nil && !pattern.MatchString(s) {
			errs = append(errs, fmt.Sprintf("%s %q is not %s digits", name, s, map[bool]string{true: "8", false: "3"}[pattern == eightDigits]))
			return ""
		}
		return s
	}
	if code := get("code", nil); code != "" && code != "200" {
		msg, _ := field("msg")
		return w, fmt.Errorf("winning numbers: the answer is an error, code %s: %s", code, msg)
	}
	w.Period = get("invoYm", nil)
	w.Special = get("superPrizeNo", eightDigits)
	for _, name := range []string{"spcPrizeNo", "spcPrizeNo2", "spcPrizeNo3"} {
		if s := get(name, eightDigits); s != "" {
			w.Grand = append(w.Grand, s)
		}
	}
	for i := 1; i <= 10; i++ {
		if s := get(fmt.Sprintf("firstPrizeNo%d", i), eightDigits); s != "" {
			w.First = append(w.First, s)
		}
	}
	for i := 1; i <= 6; i++ {
		if s := get(fmt.Sprintf("sixthPrizeNo%d", i), threeDigits); s != "" {
			w.ExtraSixth = append(w.ExtraSixth, s)
		}
	}
	if len(errs) > 0 {
		return w, fmt.Errorf("winning numbers: %s", strings.Join(errs, "; "))
	}
	if w.Special == "" && len(w.Grand) == 0 && len(w.First) == 0 {
		return w, fmt.Errorf("winning numbers: no superPrizeNo, spcPrizeNo or firstPrizeNo: is this a QryWinningList answer?")
	}
	return w, nil
}

// invoiceNumber is a track's two letters and 8 digits; the letters never
// matter for a prize.
var invoiceNumber = regexp.MustCompile(`^[A-Za-z]{2}[0-9]{8}$`)

// Prize returns the highest prize the invoice number wins under w, and its
// amount. Only the 8 digits are compared: the letters are ignored.
func Prize(number string, w WinningNumbers) (string, int64, error) {
	if !invoiceNumber.MatchString(number) {
		return "", 0, fmt.Errorf("%q is not an invoice number (two letters and 8 digits, e.g. AB12345678)", number)
	}
	digits := number[2:]
	win := func(name string) (string, int64, error) { return name, PrizeAmounts[name], nil }
	if w.Special != "" && digits == w.Special {
		return win(PrizeSpecial)
	}
	for _, g := range w.Grand {
		if digits == g {
			return win(PrizeGrand)
		}
	}
	// 頭獎 … 六獎: the longest common ending with a first-prize number.
	tiers := []string{PrizeSixth, PrizeFifth, PrizeFourth, PrizeThird, PrizeSecond, PrizeFirst} // 3 … 8 digits
	best := -1
	for _, f := range w.First {
		for k := len(tiers) - 1; k > best; k-- {
			if n := k + 3; digits[8-n:] == f[8-n:] {
				best = k
				break
			}
		}
	}
	if best >= 0 {
		return win(tiers[best])
	}
	for _, s := range w.ExtraSixth {
		if digits[5:] == s {
			return win(PrizeSixth)
		}
	}
	return win(PrizeNone)
}
