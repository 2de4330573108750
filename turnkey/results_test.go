package turnkey

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "results", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func refs(pairs ...string) []InvoiceRef {
	var out []InvoiceRef
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, InvoiceRef{Number: pairs[i], Date: pairs[i+1]})
	}
	return out
}

func TestParseProcessResult(t *testing.T) {
	tests := []struct {
		file     string
		want     *ProcessResult
		accepted bool
	}{
		{"process-4.1-several-info.xml", &ProcessResult{
			MessageID:   "4.1-F0401-20260115-103012345-3f1c2a4e-8d2b-4c1a-9e0f-6b7d8c9a0b1c",
			MessageType: "F0401",
			Results: []ResultInfo{
				{Code: "E1003", Description: "B2C 發票重覆開立", Parameters: [5]string{"AB12345679", "20260115", "04595252", "0000000000", "第 2 次開立"}},
				{Code: "E0201", Description: "訊息重複", Parameters: [5]string{"AB12345679", "20260115"}},
			},
		}, false},
		{"process-4.0-minimal.xml", &ProcessResult{
			MessageType: "F0501",
			Results:     []ResultInfo{{Code: "S2001", Parameters: [5]string{"AB12345678", "20260116"}}},
		}, false},
		{"process-prefixed-bom.xml", &ProcessResult{
			MessageID:   "4.1-G0501-20260121-110000000-00000000-0000-4000-8000-000000000004",
			MessageType: "G0501",
			Results:     []ResultInfo{{Code: "00000", Description: "訊息存證成功", Parameters: [5]string{"AL2026010001", "20260121"}}},
		}, true},
		{"process-no-namespace.xml", &ProcessResult{
			MessageID: "4.1-E0402-20260305-100000000-x", MessageType: "E0402",
			Results: []ResultInfo{{Code: "S9001", Description: "模擬平台拒絕"}},
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseProcessResult(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.Accepted() != tt.accepted {
				t.Errorf("Accepted() = %v, want %v", got.Accepted(), tt.accepted)
			}
		})
	}
}

func TestResultInfoRef(t *testing.T) {
	info := ResultInfo{Code: "E1003", Parameters: [5]string{"AB12345679", "20260115", "x"}}
	if got, want := info.Ref(), (InvoiceRef{Number: "AB12345679", Date: "20260115"}); got != want {
		t.Errorf("Ref() = %+v, want %+v", got, want)
	}
}

func TestParseSummaryResult(t *testing.T) {
	tests := []struct {
		file  string
		want  *SummaryResult
		check []string // per message: "" when Check passes, else a substring of its error
	}{
		{"summary-4.1-good-failed.xml", &SummaryResult{Messages: []SummaryMessage{
			{
				ID: "4.1-F0401-20260115-103012345-3f1c2a4e-8d2b-4c1a-9e0f-6b7d8c9a0b1c", MessageType: "F0401",
				Total:  ResultDetail{Count: 3, Invoices: refs("AB12345678", "20260115", "AB12345679", "20260115", "AB12345680", "20260115")},
				Good:   ResultDetail{Count: 2, Invoices: refs("AB12345678", "20260115", "AB12345680", "20260115")},
				Failed: ResultDetail{Count: 1, Invoices: refs("AB12345679", "20260115")},
			},
			{
				ID: "4.1-F0501-20260116-090000001-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", MessageType: "F0501",
				Total:  ResultDetail{Count: 1, Invoices: refs("AB12345678", "20260116")},
				Good:   ResultDetail{Count: 1, Invoices: refs("AB12345678", "20260116")},
				Failed: ResultDetail{Count: 0},
			},
		}}, []string{"", ""}},
		{"summary-3.0-c0401.xml", &SummaryResult{Messages: []SummaryMessage{{
			ID: "3.1-C0401-20251120-235959999-77777777-8888-4999-aaaa-bbbbbbbbbbbb", MessageType: "C0401",
			Total:  ResultDetail{Count: 2, Invoices: refs("CD87654321", "20251120", "CD87654322", "20251120")},
			Good:   ResultDetail{Count: 2, Invoices: refs("CD87654321", "20251120", "CD87654322", "20251120")},
			Failed: ResultDetail{Count: 0},
		}}}, []string{""}},
		{"summary-4.0-prefixed-bom-crlf.xml", &SummaryResult{Messages: []SummaryMessage{{
			ID: "4.0-G0401-20260120-080000000-12345678-1234-4234-8234-123456789012", MessageType: "G0401",
			Total:  ResultDetail{Count: 1, Invoices: refs("AL2026010001", "20260120")},
			Good:   ResultDetail{Count: 0},
			Failed: ResultDetail{Count: 1, Invoices: refs("AL2026010001", "20260120")},
		}}}, []string{""}},
		{"summary-no-namespace-e0402.xml", &SummaryResult{Messages: []SummaryMessage{{
			ID: "4.1-E0402-20260305-100000000-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", MessageType: "E0402",
			Total: ResultDetail{Count: 2}, Good: ResultDetail{Count: 2}, Failed: ResultDetail{Count: 0},
		}}}, []string{""}},
		{"summary-inconsistent-total.xml", &SummaryResult{Messages: []SummaryMessage{{
			ID: "4.1-F0401-20260115-103012345-00000000-0000-4000-8000-000000000001", MessageType: "F0401",
			Total:  ResultDetail{Count: 3},
			Good:   ResultDetail{Count: 1, Invoices: refs("AB12345678", "20260115")},
			Failed: ResultDetail{Count: 1, Invoices: refs("AB12345679", "20260115")},
		}}}, []string{"Total/Count 3 ≠ Good/Count 1 + Failed/Count 1"}},
		{"summary-inconsistent-list.xml", &SummaryResult{Messages: []SummaryMessage{{
			ID: "4.1-F0701-20260115-183000000-00000000-0000-4000-8000-000000000002", MessageType: "F0701",
			Total:  ResultDetail{Count: 2},
			Good:   ResultDetail{Count: 2, Invoices: refs("AB12345678", "20260115")},
			Failed: ResultDetail{Count: 0},
		}}}, []string{"Good/Count is 2 but 1 invoices are listed"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseSummaryResult(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			for i, m := range got.Messages {
				err := m.Check()
				switch {
				case tt.check[i] == "" && err != nil:
					t.Errorf("message %d: Check() = %v, want nil", i+1, err)
				case tt.check[i] != "" && (err == nil || !strings.Contains(err.Error(), tt.check[i])):
					t.Errorf("message %d: Check() = %v, want an error containing %q", i+1, err, tt.check[i])
				}
			}
		})
	}
}

func TestSummaryMessageCheck(t *testing.T) {
	one := refs("AB12345678", "20260115")
	tests := []struct {
		name string
		m    SummaryMessage
		want []string
	}{
		{"consistent without lists", SummaryMessage{Total: ResultDetail{Count: 5}, Good: ResultDetail{Count: 3}, Failed: ResultDetail{Count: 2}}, nil},
		{"all zero", SummaryMessage{}, nil},
		{"total", SummaryMessage{Total: ResultDetail{Count: 2}, Good: ResultDetail{Count: 2}, Failed: ResultDetail{Count: 1}}, []string{"Total/Count 2 ≠ Good/Count 2 + Failed/Count 1"}},
		{"total list", SummaryMessage{Total: ResultDetail{Count: 2, Invoices: one}, Good: ResultDetail{Count: 2}}, []string{"Total/Count is 2 but 1 invoices"}},
		{"failed list", SummaryMessage{Total: ResultDetail{Count: 3}, Good: ResultDetail{Count: 0}, Failed: ResultDetail{Count: 3, Invoices: one}}, []string{"Failed/Count is 3 but 1"}},
		{"both", SummaryMessage{ID: "m1", Total: ResultDetail{Count: 1}, Good: ResultDetail{Count: 0, Invoices: one}}, []string{"Total/Count 1 ≠", "Good/Count is 0 but 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.m.Check()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Check() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check() = nil, want %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Check() = %v, want it to contain %q", err, w)
				}
			}
		})
	}
}

func TestParseResultErrors(t *testing.T) {
	summary := readFixture(t, "summary-4.1-good-failed.xml")
	process := readFixture(t, "process-4.1-several-info.xml")
	tests := []struct {
		name    string
		parse   string // "process" or "summary"
		data    []byte
		wantErr string
	}{
		{"process truncated", "process", readFixture(t, "broken-process-truncated.xml"), "not well-formed XML"},
		{"process missing code", "process", readFixture(t, "broken-process-missing-code.xml"), "/ProcessResult/Result/Info[2]: <Code> is missing"},
		{"process no info", "process", readFixture(t, "broken-process-no-info.xml"), "/ProcessResult/Result: no <Info>"},
		{"process two MessageInfo", "process", readFixture(t, "broken-process-two-message-infos.xml"), "/ProcessResult: 2 <MessageInfo> elements"},
		{"process nested code", "process", readFixture(t, "broken-process-nested-code.xml"), "/ProcessResult/Result/Info[1]/Code: holds the element <Value>"},
		{"process not XML", "process", readFixture(t, "broken-process-not-xml.xml"), `text "MessageType,Code`},
		{"process empty", "process", nil, "no root element"},
		{"process of a summary", "process", summary, "the root element is <SummaryResult>, not <ProcessResult>: read this file with ParseSummaryResult"},
		{"process of an E0501", "process", []byte(`<InvoiceEnvelope xmlns="urn:GEINV:InvoiceEnvelope:4.1"/>`), "mig.ParseTrackAssignments"},
		{"process of another root", "process", []byte(`<Invoice xmlns="urn:GEINV:eInvoiceMessage:F0401:4.1"/>`), "the root element is <Invoice>, not <ProcessResult>: this is not a Turnkey ProcessResult file"},
		{"process no MessageType", "process", []byte(`<ProcessResult><MessageInfo><Id>x</Id><MessageType> </MessageType></MessageInfo><Result><Info><Code>E1</Code></Info></Result></ProcessResult>`), "/ProcessResult/MessageInfo/MessageType: is empty"},
		{"process no Result", "process", []byte(`<ProcessResult><MessageInfo><MessageType>F0401</MessageType></MessageInfo></ProcessResult>`), "/ProcessResult: <Result> is missing"},
		{"process two roots", "process", []byte(`<ProcessResult/><ProcessResult/>`), "a second root element"},
		{"process text outside", "process", []byte(`<ProcessResult/>junk`), "outside the root element"},
		{"process UTF-16", "process", []byte(`<?xml version="1.0" encoding="UTF-16"?><ProcessResult/>`), `encoding "UTF-16"`},
		{"summary truncated", "summary", readFixture(t, "broken-summary-truncated.xml"), "not well-formed XML"},
		{"summary bad count", "summary", readFixture(t, "broken-summary-bad-count.xml"), `/SummaryResult/DetailList/Message[1]/ResultType/Good/ResultDetailType/Count: "one" is not a count`},
		{"summary missing Failed", "summary", readFixture(t, "broken-summary-missing-failed.xml"), "/SummaryResult/DetailList/Message[2]/ResultType: <Failed> is missing"},
		{"summary bad date", "summary", readFixture(t, "broken-summary-bad-date.xml"), `/SummaryResult/DetailList/Message[1]/ResultType/Total/ResultDetailType/Invoices/Invoice[2]/InvoiceDate: "2026-01-15" is not a date yyyyMMdd`},
		{"summary Big5", "summary", readFixture(t, "broken-summary-big5.xml"), `encoding "Big5"`},
		{"summary of a process result", "summary", process, "read this file with ParseProcessResult"},
		{"summary no DetailList", "summary", []byte(`<SummaryResult xmlns="urn:GEINV:SummaryResult:4.1"/>`), "/SummaryResult: <DetailList> is missing"},
		{"summary negative count", "summary", bytes.Replace(summary, []byte("<Count>3</Count>"), []byte("<Count>-3</Count>"), 1), `"-3" is not a count`},
		{"summary huge count", "summary", bytes.Replace(summary, []byte("<Count>3</Count>"), []byte("<Count>99999999999999999999</Count>"), 1), "is not a count"},
		{"summary no reference", "summary", bytes.Replace(summary, []byte("<ReferenceNumber>AB12345680</ReferenceNumber>"), nil, 1), "/Invoices/Invoice[3]: <ReferenceNumber> is missing"},
		{"summary no Id", "summary", bytes.Replace(summary, []byte("<Id>4.1-F0501-20260116-090000001-0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d</Id>"), nil, 1), "/SummaryResult/DetailList/Message[2]/Info: <Id> is missing"},
		{"summary two ResultDetailType", "summary", bytes.Replace(summary, []byte("<Failed><ResultDetailType><Count>0</Count></ResultDetailType></Failed>"),
			[]byte("<Failed><ResultDetailType><Count>0</Count></ResultDetailType><ResultDetailType><Count>0</Count></ResultDetailType></Failed>"), 1), "Message[2]/ResultType/Failed: 2 <ResultDetailType> elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.parse == "process" {
				_, err = ParseProcessResult(tt.data)
			} else {
				_, err = ParseSummaryResult(tt.data)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestParseResultTruncations cuts every valid fixture before and after
// every markup character: no prefix may panic, and a prefix either fails or
// is the complete document.
func TestParseResultTruncations(t *testing.T) {
	for _, file := range fixtureFiles(t) {
		if strings.HasPrefix(file, "broken-") {
			continue
		}
		data := readFixture(t, file)
		for n := range len(data) {
			if data[n] != '<' && (n == 0 || data[n-1] != '>') {
				continue
			}
			_, perr := ParseProcessResult(data[:n])
			_, serr := ParseSummaryResult(data[:n])
			if perr == nil || serr == nil {
				if strings.TrimSpace(string(data[n:])) != "" {
					t.Errorf("%s cut at %d of %d parses", file, n, len(data))
				}
			}
		}
	}
}

func fixtureFiles(t testing.TB) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", "results"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".xml") {
			names = append(names, e.Name())
		}
	}
	return names
}

func FuzzParseProcessResult(f *testing.F) {
	for _, name := range fixtureFiles(f) {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseProcessResult(data)
		if err != nil {
			if r != nil {
				t.Fatal("a result with an error")
			}
			return
		}
		if r.MessageType == "" || len(r.Results) == 0 {
			t.Fatalf("parsed without a MessageType or an Info: %+v", r)
		}
		for _, info := range r.Results {
			if info.Code == "" || info.Code != strings.TrimSpace(info.Code) {
				t.Fatalf("code %q", info.Code)
			}
		}
		// The same bytes behind a BOM read the same.
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			return
		}
		again, err := ParseProcessResult(append([]byte("\xef\xbb\xbf"), data...))
		if err != nil || !reflect.DeepEqual(r, again) {
			t.Fatalf("with a BOM: %v, %+v", err, again)
		}
	})
}

func FuzzParseSummaryResult(f *testing.F) {
	for _, name := range fixtureFiles(f) {
		f.Add(readFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseSummaryResult(data)
		if err != nil {
			if s != nil {
				t.Fatal("a result with an error")
			}
			return
		}
		for _, m := range s.Messages {
			if m.ID == "" || m.MessageType == "" {
				t.Fatalf("message without Id or MessageType: %+v", m)
			}
			for _, d := range []ResultDetail{m.Total, m.Good, m.Failed} {
				if d.Count < 0 {
					t.Fatalf("negative count %d", d.Count)
				}
				for _, inv := range d.Invoices {
					if inv.Number == "" || !yyyyMMdd.MatchString(inv.Date) {
						t.Fatalf("invoice %+v", inv)
					}
				}
			}
			_ = m.Check() // must not panic
		}
		if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
			return
		}
		again, err := ParseSummaryResult(append([]byte("\xef\xbb\xbf"), data...))
		if err != nil || !reflect.DeepEqual(s, again) {
			t.Fatalf("with a BOM: %v, %+v", err, again)
		}
	})
}
