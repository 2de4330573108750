package jobs

import (
	"strings"
	"testing"
)

// qry11412 is the QryWinningList answer for 114年 11-12月 (drawn
// 2026-01-25; domain.md §10.4), with one made-up additional sixth prize.
const qry11412 = `{"v":"0.2","code":"200","msg":"執行成功","invoYm":"11412",
 "superPrizeNo":"97023797","spcPrizeNo":"00507588","spcPrizeNo2":"","spcPrizeNo3":"",
 "firstPrizeNo1":"92377231","firstPrizeNo2":"05232592","firstPrizeNo3":"78125249",
 "firstPrizeNo4":"","firstPrizeNo5":"","firstPrizeNo6":"","firstPrizeNo7":"","firstPrizeNo8":"","firstPrizeNo9":"","firstPrizeNo10":"",
 "sixthPrizeNo1":"123","sixthPrizeNo2":"","sixthPrizeNo3":"","sixthPrizeNo4":"","sixthPrizeNo5":"","sixthPrizeNo6":"",
 "superPrizeAmt":"10000000","spcPrizeAmt":"2000000","firstPrizeAmt":"200000","secondPrizeAmt":"40000",
 "thirdPrizeAmt":"10000","fourthPrizeAmt":"4000","fifthPrizeAmt":"1000","sixthPrizeAmt":"200"}`

func TestPrizeEveryTier(t *testing.T) {
	w, err := ParseWinningNumbers([]byte(qry11412))
	if err != nil {
		t.Fatal(err)
	}
	if w.Period != "11412" || w.Special != "97023797" || len(w.Grand) != 1 || len(w.First) != 3 || len(w.ExtraSixth) != 1 {
		t.Fatalf("parsed %+v", w)
	}
	for _, tc := range []struct {
		number, prize string
		amount        int64
	}{
		{"AB97023797", PrizeSpecial, 10_000_000},
		{"ZZ00507588", PrizeGrand, 2_000_000},
		{"CD92377231", PrizeFirst, 200_000},
		{"XY12377231", PrizeSecond, 40_000}, // last 7 of 92377231
		{"XY10377231", PrizeThird, 10_000},  // last 6
		{"XY11177231", PrizeFourth, 4_000},  // last 5
		{"XY11117231", PrizeFifth, 1_000},   // last 4
		{"XY11111231", PrizeSixth, 200},     // last 3
		{"XY00000592", PrizeSixth, 200},     // last 3 of the second first-prize number
		{"XY70125249", PrizeThird, 10_000},  // last 6 of the third
		{"XY55555123", PrizeSixth, 200},     // an additional sixth prize
		{"XY55555555", PrizeNone, 0},
		{"XY00000797", PrizeNone, 0},             // the special prize's ending wins nothing
		{"XY10507588", PrizeNone, 0},             // nor does the grand prize's
		{"qq97023797", PrizeSpecial, 10_000_000}, // the letters are ignored
		{"QQ92377231", PrizeFirst, 200_000},
	} {
		prize, amount, err := Prize(tc.number, w)
		if err != nil || prize != tc.prize || amount != tc.amount {
			t.Errorf("%s: %s %d %v, want %s %d", tc.number, prize, amount, err, tc.prize, tc.amount)
		}
	}
	if _, _, err := Prize("12345678", w); err == nil {
		t.Error("a number without letters accepted")
	}
}

func TestParseWinningNumbersRefuses(t *testing.T) {
	for _, tc := range []struct{ name, json, want string }{
		{"error answer", `{"code":"951","msg":"連線逾時"}`, "code 951: 連線逾時"},
		{"short number", `{"superPrizeNo":"1234567"}`, `superPrizeNo "1234567" is not 8 digits`},
		{"long sixth", `{"superPrizeNo":"12345678","sixthPrizeNo1":"1234"}`, `sixthPrizeNo1 "1234" is not 3 digits`},
		{"no numbers", `{"code":200,"invoYm":"11412"}`, "no superPrizeNo"},
		{"not json", `superPrizeNo=1`, "not a QryWinningList JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseWinningNumbers([]byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%v, want %q", err, tc.want)
			}
		})
	}
}
