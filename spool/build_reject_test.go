package spool

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/turnkeyd/turnkeyd/mig"
)

// rejected is one expected rejection: the document's order_id, the code,
// column and line, and a part of the message.
type rejected struct {
	order, code, column string
	line                int
	msg                 string
}

const issueHeader = "order_id,invoice_date,buyer_ban,buyer_name,item_description,item_quantity,item_unit_price,item_amount,amount_total\n"

var rejectCases = []struct {
	name string
	v    mig.Version
	csv  string
	want []rejected // in file order; documents not listed must build
}{
	{name: "bad date", csv: issueHeader +
		"A1,2026-02-30,,,x,1,100,,\n" +
		"A2,22/11/2026,,,x,1,100,,\n" +
		"A3,115/11/22,,,x,1,100,,\n",
		want: []rejected{
			{"A1", "DATE_INVALID", "invoice_date", 2, "not a real calendar date"},
			{"A2", "DATE_INVALID", "invoice_date", 3, "write YYYY-MM-DD"},
			{"A3", "DATE_INVALID", "invoice_date", 4, "民國"},
		}},
	{name: "bad BAN checksum and format", csv: issueHeader +
		"A1,,12345678,某公司,x,1,100,,\n" +
		"A2,,4595252,大同,x,1,100,,\n",
		want: []rejected{
			{"A1", "BAN_CHECKSUM", "buyer_ban", 2, "fails the checksum"},
			{"A2", "BAN_FORMAT", "buyer_ban", 3, "dropped leading zeros"},
		}},
	{name: "conflicting document values name both lines", csv: issueHeader +
		"A1,,04595252,大同,x,1,100,,\n" +
		"A1,,,,y,1,100,,\n" +
		"A1,,10458570,大同,z,1,100,,\n",
		want: []rejected{{"A1", "CSV_CONFLICT", "buyer_ban", 4, `"04595252" at line 2 but "10458570" at line 4`}}},
	{name: "rows of one order not consecutive", csv: issueHeader +
		"A1,,,,x,1,100,,\n" +
		"A1,,,,y,1,100,,\n" +
		"A2,,,,z,1,100,,\n" +
		"A1,,,,w,1,100,,\n",
		want: []rejected{
			{"A1", "CSV_NOT_CONSECUTIVE", "order_id", 2, "appears again at lines 5"},
			{"A1", "CSV_NOT_CONSECUTIVE", "order_id", 5, "already appeared at lines 2-3; rows of one document must be consecutive"},
		}},
	{name: "control total mismatch", csv: issueHeader +
		"A1,,,,x,3,33.3333333,,100\n" +
		"A2,,04595252,大同,x,3,100,,301.5\n" +
		"A3,,04595252,大同,x,1,1050,,1050\n",
		want: []rejected{
			{"A1", "CSV_TOTAL_MISMATCH", "amount_total", 2, "not the document's total 99.9999999"},
			{"A2", "CSV_TOTAL_MISMATCH", "amount_total", 3, "not even within NT$1"},
		}},
	{name: "item amount mismatch", csv: issueHeader +
		"A1,,,,x,3,33.3333333,100,\n" +
		"A1,,,,y,2,10,20,\n" +
		"A2,,04595252,大同,x,2,105,210,\n", // gross, converted: compared before the conversion
		want: []rejected{{"A1", "CSV_AMOUNT_MISMATCH", "item_amount", 2, "is not item_quantity 3 × item_unit_price 33.3333333 = 99.9999999"}}},
	{name: "void needs reason and invoice number", csv: "action,order_id,invoice_number,reason\n" +
		"void,V1,AB12345678,\n" +
		"void,V2,,重複開立\n" +
		"cancel,V3,ab1234567,重複開立\n" +
		"void_allowance,V4,,錯誤\n" +
		"void,V5,AB12345678,這是一個非常非常非常非常非常長的作廢原因說明文字\n",
		want: []rejected{
			{"V1", "CSV_REQUIRED", "reason", 2, "reason is blank"},
			{"V2", "CSV_REQUIRED", "invoice_number", 3, "invoice_number is blank"},
			{"V3", "INVOICE_NUMBER_FORMAT", "invoice_number", 4, "two capital letters"},
			{"V4", "CSV_REQUIRED", "allowance_number", 5, "names the allowance it voids"},
			{"V5", "CSV_LENGTH", "reason", 6, "more than the 20"},
		}},
	{name: "zero-rated without customs mark or reason", csv: "order_id,tax_type,customs_mark,zero_tax_reason,item_description,item_quantity,item_unit_price\n" +
		"Z1,2,,71,x,1,100\n" +
		"Z2,2,1,,x,1,100\n" +
		"Z3,2,3,71,x,1,100\n",
		want: []rejected{
			{"Z1", "ZERO_RATED_CUSTOMS_MARK", "customs_mark", 2, "customs_mark is blank"},
			{"Z2", "ZERO_RATED_REASON", "zero_tax_reason", 3, "zero_tax_reason is blank"},
			{"Z3", "CSV_FORMAT", "customs_mark", 4, "not one of 1, 2"},
		}},
	{name: "MIG 3.1 fractional totals and A0401 limits", v: mig.V31, csv: "order_id,buyer_ban,buyer_name,tax_type,amounts,item_description,item_quantity,item_unit_price,item_tax_type\n" +
		"T1,,,,,x,1,952.38,\n" +
		"T2,04595252,大同,,,x,3,100,\n" +
		"T3,04595252,大同,9,net,x,1,100,1\n" +
		"T3,,,,,y,1,100,3\n",
		want: []rejected{
			{"T1", "CSV_WHOLE_DOLLARS", "item_amount", 2, "MIG 3.1 totals must be whole NT$; the lines make SalesAmount 952.38 — use whole-dollar amounts"},
			{"T2", "CSV_WHOLE_DOLLARS", "item_amount", 3, "give amounts=net"},
			{"T3", "CSV_UNSUPPORTED", "tax_type", 4, "several tax types"},
		}},
	{name: "numbers", csv: issueHeader +
		"N1,,,,x,1,\"1,000\",,\n" +
		"N2,,,,x,1,1E+03,,\n" +
		"N3,,,,x,1,100.123456789,,\n" +
		"N4,,,,x,,100,,\n" +
		"N5,,,,x,1,NT$100,,\n",
		want: []rejected{
			{"N1", "CSV_FORMAT", "item_unit_price", 2, "thousands separator"},
			{"N2", "CSV_FORMAT", "item_unit_price", 3, "exponent"},
			{"N3", "CSV_FORMAT", "item_unit_price", 4, "more than 7 decimals"},
			{"N4", "CSV_REQUIRED", "item_quantity", 5, "item_quantity is blank"},
			{"N5", "CSV_FORMAT", "item_unit_price", 6, "currency sign"},
		}},
	{name: "tax types and rates", csv: "order_id,invoice_type,tax_type,tax_rate,item_description,item_quantity,item_unit_price,item_tax_type\n" +
		"R1,,1,5,x,1,100,\n" +
		"R2,08,4,,x,1,100,\n" +
		"R3,,1,,x,1,100,3\n" +
		"R4,,9,,x,1,100,\n" +
		"R5,,,,x,1,100,4\n" +
		"R5,,,,y,1,100,1\n" +
		"R6,,6,,x,1,100,\n" +
		"R7,09,,,x,1,100,\n",
		want: []rejected{
			{"R1", "TAX_RATE", "tax_rate", 2, "0.05 for 5%"},
			{"R2", "CSV_REQUIRED", "tax_rate", 3, "needs tax_rate, one of 0.01, 0.02, 0.15, 0.25"},
			{"R3", "LINE_TAX_TYPE", "item_tax_type", 4, "differs from tax_type 1"},
			{"R4", "CSV_REQUIRED", "item_tax_type", 5, "every line needs item_tax_type"},
			{"R5", "LINE_TAX_TYPE", "item_tax_type", 6, "special-tax line (4)"},
			{"R6", "TAX_TYPE_INVALID", "tax_type", 8, "not one of 1, 2, 3, 4, 9"},
			{"R7", "CSV_FORMAT", "invoice_type", 9, "not 07"},
		}},
	{name: "required values and lengths", csv: "order_id,action,seller_ban,buyer_ban,buyer_name,random_number,item_description,item_quantity,item_unit_price\n" +
		",,,,,,x,1,100\n" +
		"Q1,,,04595252,,,x,1,100\n" +
		"Q2,,04595257,,,,x,1,100\n" +
		"Q3,,,,,123,x,1,100\n" +
		"Q4,,,,,,,1,100\n" +
		"Q5,refund,,,,,x,1,100\n" +
		strings.Repeat("L", 51) + ",,,,,,x,1,100\n" +
		"Q6,allowance,,,,,x,1,100\n",
		want: []rejected{
			{"", "CSV_REQUIRED", "order_id", 2, "order_id is blank"},
			{"Q1", "CSV_REQUIRED", "buyer_name", 3, "names the buyer"},
			{"Q2", "CSV_REQUIRED", "seller_name", 4, "not the configured seller"},
			{"Q3", "CSV_FORMAT", "random_number", 5, "not 4 digits"},
			{"Q4", "CSV_REQUIRED", "item_description", 6, "item_description is blank"},
			{"Q5", "CSV_FORMAT", "action", 7, `"refund" is not one of issue, void, cancel, allowance, void_allowance`},
			{strings.Repeat("L", 51), "CSV_LENGTH", "order_id", 8, "51 characters, more than the 50"},
			{"Q6", "CSV_REQUIRED", "invoice_number", 9, "the allowance refers to an invoice by its number"},
		}},
	{name: "allowances", csv: "action,order_id,invoice_number,original_sequence,item_description,item_quantity,item_unit_price,amount_total\n" +
		"allowance,AL1,AB12345678,x,退貨,1,100,\n" +
		"allowance,AL2,AB12345678,1,退貨,-1,100,\n" +
		"allowance,AL3-with-a-long-order-id,AB12345678,1,退貨,1,100,\n" +
		"allowance,AL4,AB12345678,1,退貨,10,10.5,110\n",
		want: []rejected{
			{"AL1", "CSV_FORMAT", "original_sequence", 2, "not a line number"},
			{"AL2", "CSV_NEGATIVE", "item_quantity", 3, "positive"},
			{"AL3-with-a-long-order-id", "CSV_LENGTH", "allowance_number", 4, "give allowance_number"},
			{"AL4", "CSV_TOTAL_MISMATCH", "amount_total", 5, "net 100 + tax 5"},
		}},
	{name: "UTF-8 replacement and private-use characters", csv: issueHeader +
		"U1,,,,咖啡\uFFFD,1,100,,\n" +
		"U2,,,,王\U000F0001明,1,100,,\n" +
		"U3,,,,正常,1,100,,\n" +
		"U4,,,,tab\x01,1,100,,\n",
		want: []rejected{
			{"U1", "CSV_ENCODING", "item_description", 2, "character 3 is not valid UTF-8"},
			{"U2", "CSV_ENCODING", "item_description", 3, "user-defined character (造字, U+F0001)"},
			{"U4", "CSV_ENCODING", "item_description", 5, "control character U+0001"},
		}},
	{name: "value in an unnamed column", csv: "order_id,,item_description,item_quantity,item_unit_price\n" +
		"W1,,x,1,100\n" +
		"W2,oops,x,1,100\n",
		want: []rejected{{"W2", "CSV_FORMAT", "", 3, "no name in the header"}}},
	{name: "negative total", csv: issueHeader +
		"D1,,,,商品,1,100,,\n" +
		"D1,,,,折扣,1,-150,,\n" +
		"D2,,,,商品,1,100,,\n" +
		"D2,,,,折扣,1,-10,,\n",
		want: []rejected{{"D1", "CSV_NEGATIVE", "item_amount", 2, "below zero"}}},
}

func TestReadCSVRejections(t *testing.T) {
	for _, c := range rejectCases {
		t.Run(c.name, func(t *testing.T) {
			v := c.v
			if v == "" {
				v = mig.V41
			}
			checkRejections(t, readText(t, c.csv, v), c.want)
		})
	}
}

// checkRejections compares the rejected requests with want; the other
// requests must have built.
func checkRejections(t *testing.T, reqs []Request, want []rejected) {
	t.Helper()
	var got []Request
	for _, r := range reqs {
		switch {
		case r.Reject != nil && r.Doc != nil:
			t.Errorf("line %d has both a document and a rejection", r.Line)
		case r.Reject != nil:
			got = append(got, r)
		case r.Doc == nil:
			t.Errorf("line %d has neither a document nor a rejection", r.Line)
		}
	}
	for i := range max(len(got), len(want)) {
		switch {
		case i >= len(want):
			t.Errorf("unexpected rejection: %v", got[i].Reject)
			continue
		case i >= len(got):
			t.Errorf("no rejection of %s, want %s %s (line %d)", want[i].order, want[i].code, want[i].column, want[i].line)
			continue
		}
		r, w := got[i], want[i]
		rej := r.Reject
		if r.OrderID != w.order || rej.Code != w.code || rej.Column != w.column || rej.Line != w.line || !strings.Contains(rej.Msg, w.msg) {
			t.Errorf("rejection of %q:\n got  %s %s line %d: %s\n want %s %s line %d: …%s…",
				r.OrderID, rej.Code, rej.Column, rej.Line, rej.Msg, w.code, w.column, w.line, w.msg)
		}
	}
}

// TestBig5 reads a Big5 file with Chinese text, once detected and once
// named, and rejects the rows with bytes that are not Big5 or a 造字.
func TestBig5(t *testing.T) {
	text := "order_id,buyer_name,buyer_ban,item_description,item_quantity,item_unit,item_unit_price\r\n" +
		"B5-1,,,珍珠奶茶（大杯）,2,杯,65\r\n" +
		"B5-2,台灣積體電路製造股份有限公司,22099131,晶圓代工服務,1,批,105000\r\n" +
		"B5-3,,,許功蓋碁銹裏,1,個,10\r\n"
	data, err := traditionalchinese.Big5.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{EncodingAuto, EncodingBig5} {
		t.Run(enc, func(t *testing.T) {
			opt := testOptions(mig.V41)
			opt.Encoding = enc
			reqs, err := ReadCSV(strings.NewReader(data), "big5.csv", opt)
			if err != nil {
				t.Fatal(err)
			}
			checkRejections(t, reqs, nil)
			if len(reqs) != 3 {
				t.Fatalf("%d documents, want 3", len(reqs))
			}
			inv := doc[*mig.Invoice](t, reqs[0])
			wantStr(t, "description", inv.Items[0].Description+" "+inv.Items[0].Unit, "珍珠奶茶（大杯） 杯")
			inv = doc[*mig.Invoice](t, reqs[1])
			wantStr(t, "buyer", inv.Buyer.Name, "台灣積體電路製造股份有限公司")
			wantAmounts(t, inv, "1", "0.05", "100000", "0", "0", "5000", "105000")
			inv = doc[*mig.Invoice](t, reqs[2])
			wantStr(t, "trail byte 0x5C (許功蓋) and ETEN characters", inv.Items[0].Description, "許功蓋碁銹裏")
		})
	}
	t.Run("read as UTF-8", func(t *testing.T) {
		opt := testOptions(mig.V41)
		opt.Encoding = EncodingUTF8
		reqs, err := ReadCSV(strings.NewReader(data), "big5.csv", opt)
		if err != nil {
			t.Fatal(err)
		}
		checkRejections(t, reqs, []rejected{
			{"B5-1", "CSV_ENCODING", "item_description", 2, "looks like Big5: set spool.encoding to big5"},
			{"B5-2", "CSV_ENCODING", "buyer_name", 3, "looks like Big5: set spool.encoding to big5"},
			{"B5-3", "CSV_ENCODING", "item_description", 4, "looks like Big5: set spool.encoding to big5"},
		})
	})
	t.Run("bad rows", func(t *testing.T) {
		head, _ := traditionalchinese.Big5.NewEncoder().String("order_id,item_description,item_quantity,item_unit_price\r\nG1,咖啡,1,100\r\n")
		var b bytes.Buffer
		b.WriteString(head)
		b.WriteString("G2,\xA4\xA4\x80\xA4\xE5,1,100\r\n") // 中, an invalid byte, 文
		b.WriteString("G3,\xA4\xFD\xFA\x40,1,100\r\n")     // 王 and the 造字 0xFA40
		b.WriteString("G4,\"\xA4\",1,100\r\n")             // a lead byte before a quote
		b.WriteString("G5,\xC6\xA1\xA4\xA4,1,100\r\n")     // 0xC6A1, user-defined in code page 950
		b.WriteString("G6,\xA6\x6E\xAA\xBA,1,100\r\n")     // 好的
		reqs, err := ReadCSV(&b, "big5.csv", testOptions(mig.V41))
		if err != nil {
			t.Fatal(err)
		}
		checkRejections(t, reqs, []rejected{
			{"G2", "CSV_ENCODING", "item_description", 3, "character 2 is not valid Big5"},
			{"G3", "CSV_ENCODING", "item_description", 4, "造字, U+E000"},
			{"G4", "CSV_ENCODING", "item_description", 5, "not valid Big5"},
			{"G5", "CSV_ENCODING", "item_description", 6, "造字, U+F6B1"},
		})
		wantStr(t, "last row", doc[*mig.Invoice](t, reqs[5]).Items[0].Description, "好的")
	})
}

// TestEncodingDetection checks which encoding auto picks.
func TestEncodingDetection(t *testing.T) {
	big5, _ := traditionalchinese.Big5.NewEncoder().String("統一發票")
	tests := []struct {
		name, data, enc, want string
	}{
		{"ASCII", "abc", EncodingAuto, EncodingUTF8},
		{"UTF-8", "統一發票", EncodingAuto, EncodingUTF8},
		{"BOM beats big5", "\xEF\xBB\xBF統一發票", EncodingBig5, EncodingUTF8},
		{"Big5", big5, EncodingAuto, EncodingBig5},
		{"UTF-8 with one broken byte stays UTF-8", "統一發票統一發票\xFF統一發票", EncodingAuto, EncodingUTF8},
		{"named utf-8", big5, EncodingUTF8, EncodingUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, used, ferr := decode([]byte(tt.data), tt.enc)
			if ferr != nil {
				t.Fatal(ferr)
			}
			wantStr(t, "encoding", used, tt.want)
		})
	}
}

// TestRejectionError checks the one-line form a result file shows.
func TestRejectionError(t *testing.T) {
	reqs := readText(t, issueHeader+"A1,,12345678,某公司,x,1,100,,\n", mig.V41)
	got := reqs[0].Reject.Error()
	if want := "BAN_CHECKSUM buyer_ban (line 2) 12345678: buyer BAN 12345678 fails the checksum"; !strings.HasPrefix(got, want) {
		t.Errorf("Error() = %q, want prefix %q", got, want)
	}
	r := &Rejection{Code: "CSV_FORMAT", Column: "item_unit_price", Line: 3, Value: "1,000 x", Msg: "m"}
	if got, want := r.Error(), `CSV_FORMAT item_unit_price (line 3) "1,000 x": m`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
