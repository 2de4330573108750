package daemon

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"github.com/turnkeyd/turnkeyd/archive"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

var screenshots = flag.Bool("screenshots", false, "TestAuditorsViewInBrowser: save its screenshots to docs/images/")

const chromium = "/usr/bin/chromium"

// TestAuditorsViewInBrowser drives headless Chromium against the daemon's
// web view: log in, search an invoice, open it, check what it shows
// against the ledger, and follow its XML link to the archived bytes.
func TestAuditorsViewInBrowser(t *testing.T) {
	if _, err := exec.LookPath(chromium); err != nil {
		if os.Getenv("TURNKEYD_CI") == "1" {
			t.Fatalf("%s is missing: .ci/run installs the Debian package chromium", chromium)
		}
		t.Skipf("%s is missing (apt-get install chromium)", chromium)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte("sandbox"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	h := startDaemon(t, func(c *Config) {
		c.Archive.Listen, c.Archive.Interval = addr, 100*time.Millisecond
		c.Archive.Users = map[string]string{"auditor": string(hash)}
	})
	data, err := os.ReadFile(filepath.Join("..", "examples", "01-sales.csv"))
	if err != nil {
		t.Fatal(err)
	}
	h.drop("sales.csv", data)
	h.result("sales.csv")
	platform := h.newSim(sim.Options{})
	step(t, platform)
	h.readResults()
	doc := h.state("S-1001", "issue")
	if doc.State != ledger.StateAccepted {
		t.Fatalf("S-1001 is %s, want accepted", doc.State)
	}
	// It wins the grand prize (特獎): the platform's E0504 reaches the archive.
	if _, err := platform.EmitE0504(doc.SellerBAN, "11512", sim.WinningNumbers{Grand: []string{doc.InvoiceNumber[2:]}}); err != nil {
		t.Fatal(err)
	}
	dir := h.cfg.Path(h.cfg.Archive.Dir)
	h.await("verdicts and the winner list in the archive", func() bool {
		r, err := archive.Verify(os.DirFS(dir), "")
		return err == nil && r.Listed >= 2*len(h.srcFilesHandled())+1
	})

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-extensions", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 1000))
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()

	base := "http://" + addr
	login := base64.StdEncoding.EncodeToString([]byte("auditor:sandbox"))
	logIn := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders,
			network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Authorization": "Basic " + login}})
		return err
	})
	shots := map[string][]byte{}
	do(t, bctx, chromedp.Do(bctx, logIn, chromedp.EmulateViewport(1200, 900), chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(`input[name=number]`), chromedp.SendKeys(`input[name=number]`, doc.InvoiceNumber),
		chromedp.Click(`#search`), chromedp.WaitVisible(`#results`)))
	count := run(t, bctx, chromedp.Text(`#count`))
	shots["auditors-search.png"] = run(t, bctx, chromedp.FullScreenshot(100))
	do(t, bctx, chromedp.Do(bctx, chromedp.Click(`#results a[href^="/invoice/"]`), chromedp.WaitVisible(`#invoice`)))
	seller, buyer := run(t, bctx, chromedp.Text(`#seller`)), run(t, bctx, chromedp.Text(`#buyer`))
	random, total, date := run(t, bctx, chromedp.Text(`#random`)), run(t, bctx, chromedp.Text(`#total`)), run(t, bctx, chromedp.Text(`#date`))
	xmlHref := run(t, bctx, chromedp.AttributeValue(`a.xml`, "href")).Value
	prize := run(t, bctx, chromedp.Text(`#prize`))
	shots["auditors-invoice.png"] = run(t, bctx, chromedp.FullScreenshot(100))
	if !strings.Contains(prize, "2000000") {
		t.Errorf("prize shown %q, want the grand prize of 2000000", prize)
	}
	if !strings.HasPrefix(count, "1 ") {
		t.Errorf("search for %s found %q, want 1 document", doc.InvoiceNumber, count)
	}
	md, err := mig.DecodeJSON(mig.MessageType(doc.MsgType), doc.Body)
	if err != nil {
		t.Fatal(err)
	}
	inv := md.(*mig.Invoice)
	for _, c := range []struct{ what, got, want string }{
		{"seller", seller, doc.SellerBAN + " " + inv.Seller.Name},
		{"buyer", buyer, doc.BuyerBAN},
		{"random number", random, doc.RandomNumber},
		{"total", total, inv.Amount.TotalAmount.String()},
		{"date", date, fmt.Sprintf("%s-%s-%s", doc.InvoiceDate[:4], doc.InvoiceDate[4:6], doc.InvoiceDate[6:])},
	} {
		if !strings.HasPrefix(strings.TrimSpace(c.got), c.want) {
			t.Errorf("%s shown %q, ledger has %q", c.what, c.got, c.want)
		}
	}
	// Follow the XML link in the page and compare with the archived file.
	shown := run(t, bctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text())`, xmlHref), chromedp.EvalAwaitPromise))
	a, err := h.archived(doc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if shown != string(a) {
		t.Errorf("%s served %d bytes that differ from the %d archived", xmlHref, len(shown), len(a))
	}
	for name, png := range shots {
		out := filepath.Join(t.TempDir(), name)
		if *screenshots {
			out = filepath.Join("..", "docs", "images", name)
		}
		if len(png) < 1000 {
			t.Errorf("screenshot %s is %d bytes", name, len(png))
		}
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// archived returns the archived XML of document id.
func (h *harness) archived(id int64) ([]byte, error) {
	l, err := ledger.Open(context.Background(), h.cfg.Path(h.cfg.Ledger.Path), nil)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	a, err := l.ArchivedOf(context.Background(), id)
	if err != nil {
		return nil, err
	}
	return archive.ReadFile(h.cfg.Path(h.cfg.Archive.Dir), a.Path)
}

// srcFilesHandled lists the files Turnkey (the simulator) picked up.
func (h *harness) srcFilesHandled() []string {
	files, _ := filepath.Glob(filepath.Join(h.cfg.Path(h.cfg.Turnkey.Dir), "UpCast", "*", "*", "BAK", "*.xml"))
	return files
}

// run runs a browser action and returns its value, failing the test on error.
func run[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

func do(t *testing.T, _ context.Context, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
}
