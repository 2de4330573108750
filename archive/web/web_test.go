package web

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/archive/archivetest"
	"github.com/turnkeyd/turnkeyd/ledger"
)

const markup = `<b>綠茶</b><script>alert("x")</script>`

// fixture is an archive of three invoices, one with a product name that
// holds markup, served by the view behind basic auth.
type fixture struct {
	ledger *ledger.Ledger
	dir    string
	srv    *httptest.Server
	ids    []int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	clock := archivetest.NewClock()
	l := archivetest.Ledger(t, clock.Now)
	ids := archivetest.IssueInvoices(t, l, 2, "烏龍茶")
	ids = append(ids, archivetest.IssueInvoices(t, l, 1, markup)...)
	archivetest.Settle(t, l, ledger.StateAccepted, "", ids[0], ids[2])
	archivetest.Settle(t, l, ledger.StateRejected, "S1001", ids[1])
	dir := t.TempDir()
	a, err := archive.New(archive.Config{Dir: dir, Ledger: l, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Listen: "127.0.0.1:0", Dir: dir, Ledger: l, Users: map[string]string{"cpa": string(hash)}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return &fixture{ledger: l, dir: dir, srv: srv, ids: ids}
}

func (f *fixture) get(t *testing.T, method, path, user, pass string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, pass)
	}
	resp, err := f.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	d0, _ := f.ledger.Document(ctx, f.ids[0])
	d2, _ := f.ledger.Document(ctx, f.ids[2])
	for _, c := range []struct {
		name, method, path, user, pass string
		status                         int
		has, hasNot                    []string
	}{
		{"no login", "GET", "/", "", "", 401, nil, nil},
		{"wrong password", "GET", "/", "cpa", "guess", 401, nil, nil},
		{"unknown user", "GET", "/", "eve", "s3cret", 401, nil, nil},
		{"read-only", "POST", "/", "cpa", "s3cret", 405, nil, nil},
		{"search form", "GET", "/", "cpa", "s3cret", 200, []string{"發票號碼", "invoice number"}, []string{"id=\"results\""}},
		{"search by number", "GET", "/?number=" + strings.ToLower(d0.InvoiceNumber), "cpa", "s3cret", 200,
			[]string{"/invoice/" + d0.InvoiceNumber, "1 筆"}, nil},
		{"search by period", "GET", "/?period=11512", "cpa", "s3cret", 200, []string{"3 筆"}, nil},
		{"search by order", "GET", "/?" + url.Values{"order": {d2.OrderID}}.Encode(), "cpa", "s3cret", 200, []string{"1 筆", d2.InvoiceNumber}, nil},
		{"search by dates", "GET", "/?from=2026-11-16&to=2026-11-30", "cpa", "s3cret", 200, []string{"0 筆"}, nil},
		{"bad number", "GET", "/?number=%3Cscript%3E", "cpa", "s3cret", 400, []string{"two letters and eight digits", "&lt;script&gt;"}, []string{"<script>"}},
		{"bad date", "GET", "/?from=15/11/2026", "cpa", "s3cret", 400, []string{"write it as 2026-11-15"}, nil},
		{"bad period", "GET", "/period/11513", "cpa", "s3cret", 400, []string{"even month"}, nil},
		{"bad buyer", "GET", "/?buyer=12ab", "cpa", "s3cret", 400, []string{"eight digits"}, nil},
		{"invoice", "GET", "/invoice/" + d0.InvoiceNumber, "cpa", "s3cret", 200,
			[]string{"烏龍茶", "04595252", "隨機碼", "random number", "1234", "70", "accepted", "/xml/", "written"}, nil},
		{"invoice with markup", "GET", "/invoice/" + d2.InvoiceNumber, "cpa", "s3cret", 200,
			[]string{"&lt;b&gt;綠茶&lt;/b&gt;&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"}, []string{markup, "<script>"}},
		{"no such invoice", "GET", "/invoice/ZZ00000000", "cpa", "s3cret", 404, []string{"No document of invoice ZZ00000000"}, nil},
		{"bad invoice number", "GET", "/invoice/" + url.PathEscape("<i>"), "cpa", "s3cret", 400, []string{"&lt;i&gt;"}, []string{"<i>"}},
		{"bad xml id", "GET", "/xml/x1", "cpa", "s3cret", 400, []string{"not a document number"}, nil},
		{"unknown xml id", "GET", "/xml/999", "cpa", "s3cret", 404, []string{"not in the archive"}, nil},
		{"period", "GET", "/period/11512", "cpa", "s3cret", 200, []string{"F0401", "140", "/period/11512.zip"}, nil},
		{"no page", "GET", "/admin", "cpa", "s3cret", 404, []string{"no page"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			status, body := f.get(t, c.method, c.path, c.user, c.pass)
			if status != c.status {
				t.Errorf("status %d, want %d\n%s", status, c.status, body)
			}
			for _, s := range c.has {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q\n%s", s, body)
				}
			}
			for _, s := range c.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}
}

// The XML link serves the archived bytes; the period zip verifies.
func TestDownloads(t *testing.T) {
	f := newFixture(t)
	a, err := f.ledger.ArchivedOf(context.Background(), f.ids[2])
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(a.Path)))
	if err != nil {
		t.Fatal(err)
	}
	status, body := f.get(t, "GET", "/xml/"+itoa(f.ids[2]), "cpa", "s3cret")
	if status != 200 || body != string(want) {
		t.Errorf("XML download: status %d, %d bytes; want the %d archived bytes", status, len(body), len(want))
	}
	status, body = f.get(t, "GET", "/period/11512.zip", "cpa", "s3cret")
	if status != 200 {
		t.Fatalf("zip: status %d", status)
	}
	zipPath := filepath.Join(t.TempDir(), "p.zip")
	if err := os.WriteFile(zipPath, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if r, err := archive.VerifyZip(zipPath); err != nil || !r.OK() || r.Listed != 6 {
		t.Errorf("downloaded zip: %+v %v", r, err)
	}
}

func TestNoLoginOnlyOnLoopback(t *testing.T) {
	for _, c := range []struct {
		listen string
		ok     bool
	}{{"127.0.0.1:9465", true}, {"localhost:9465", true}, {"[::1]:9465", true}, {"0.0.0.0:9465", false}, {":9465", false}, {"192.168.1.5:9465", false}} {
		_, err := New(Config{Listen: c.listen})
		if (err == nil) != c.ok {
			t.Errorf("%s without users: %v, want allowed %v", c.listen, err, c.ok)
		}
	}
	if _, err := New(Config{Listen: "127.0.0.1:0", Users: map[string]string{"cpa": "plain"}}); err == nil || !strings.Contains(err.Error(), "bcrypt") {
		t.Errorf("a plain password was taken as a hash: %v", err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
