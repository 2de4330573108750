package xmlread

import (
	"errors"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"bom", "\xef\xbb\xbf<a/>", ""},
		{"utf8 declared", `<?xml version="1.0" encoding="utf-8"?><a/>`, ""},
		{"big5 declared", `<?xml version="1.0" encoding="Big5"?><a/>`, `encoding "Big5"`},
		{"truncated", "<a>\n<b>\n", "line 3"},
		{"two roots", "<a/><b/>", "second root"},
		{"text beside", "<a/>x", "outside the root"},
		{"empty", "", "no root element"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := Read([]byte(tt.in))
			if err == nil {
				_, err = Root(doc)
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	_, err := Read([]byte(`<?xml version="1.0" encoding="Big5"?><a/>`))
	var enc *EncodingError
	if !errors.As(err, &enc) || enc.Name != "Big5" {
		t.Errorf("err = %v, want an *EncodingError for Big5", err)
	}
	if got := Clip(strings.Repeat("字", 50)); len([]rune(got)) != 41 {
		t.Errorf("Clip cut %d runes", len([]rune(got)))
	}
}
