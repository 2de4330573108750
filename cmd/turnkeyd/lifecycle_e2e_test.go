package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/turnkey/sim"
)

// The end-to-end tests of the lifecycle: the real binary as a site runs it,
// `turnkeyd run` and `turnkeyd sim` as two processes on one configuration,
// driven through CSV files only, as an ERP drives it. Every wait polls the
// ERP's own views (result and status files) under a deadline.

const (
	lcSeller     = "04595252"
	lcSellerName = "turnkeyd 生命週期測試"
	lcWait       = 60 * time.Second // the deadline of each wait
	lcStopLimit  = 10 * time.Second // "promptly": SIGTERM to exit
	lcInjected   = "S9009"          // the code of the injected refusals
	lcPOSFirst   = "LC00001900"     // numbers a POS gave (above what the daemon assigns)
	lcPOSRefused = "LC00001950"
)

var lcTaipei = time.FixedZone("CST", 8*3600)

// lcTracks are the seller's tracks: the daemon assigns from LC00000000 on;
// the POS numbers lie near the end of the range.
var lcTracks = []workload.Track{{Letters: "LC", Begin: 0, End: 1999}}

// lcKey names a document as the ERP does: its order and action.
type lcKey struct{ order, action string }

func (k lcKey) String() string { return k.order + "/" + k.action }

// lcWant is the state (and code, when not empty) a document must reach.
type lcWant struct{ state, code string }

// TestLifecycleEndToEnd issues, voids, cancels and re-issues, allows and
// voids allowances, injects refusals and resends them, kills the daemon
// with SIGKILL and stops it with SIGTERM while documents are in flight, and
// then checks that the ledger, the status files and the simulated
// platform's state tell the same story.
func TestLifecycleEndToEnd(t *testing.T) {
	bulkDocs := 200
	if testing.Short() {
		bulkDocs = 30
	}
	begin := time.Now()
	s := lcNewSite(t, buildBinary(t))
	s.daemon = s.start("daemon", "run", "-config", s.config)
	s.sim = s.start("sim", "sim", "-config", s.config, "-interval", "300ms", "-delay", "1s", "-seed", "7")

	// 1. Invoices to consumers (carrier, donation, printed) and businesses
	// (net and gross prices), one with a POS number whose void is dropped
	// right after it: the void waits until the platform accepted the issue.
	s.drop("01-issue.csv", `order_id,action,invoice_number,buyer_ban,buyer_name,carrier_type,carrier_id1,donate_code,item_description,item_quantity,item_unit_price,amounts
C-1,issue,,,,3J0002,/ABC+123,,拿鐵咖啡,2,65,
C-1,,,,,,,,可頌,1,45,
C-2,issue,,,,,,8585,美式咖啡,1,55,
C-3,issue,,,,,,,咖啡豆 1kg,1,950,
B-1,issue,,04595257,大同股份有限公司,,,,顧問服務,10,1000,net
B-2,issue,,10458575,宏達貿易有限公司,,,,辦公椅,2,3150,
V-1,issue,,,,,,,將作廢的商品,1,100,
X-1,issue,,,,,,,將註銷的商品,1,200,
A-1,issue,,04595257,大同股份有限公司,,,,將折讓的商品,3,300,
A-2,issue,,,,,,,將折讓的商品二,2,500,
W-1,issue,`+lcPOSFirst+`,,,,,,收銀機開立(已給號),1,120,
`)
	s.drop("02-void-right-after.csv", "action,order_id,invoice_number,reason\nvoid,W-1,"+lcPOSFirst+",客戶退貨\n")
	issued := s.waitResult("01-issue.csv")
	nums := map[string]string{}
	for _, o := range []string{"C-1", "C-2", "C-3", "B-1", "B-2", "V-1", "X-1", "A-1", "A-2", "W-1"} {
		r := issued[lcKey{o, "issue"}]
		if r.status != "accepted" || !regexp.MustCompile(`^LC\d{8}$`).MatchString(r.number) {
			s.fatalf("01-issue.csv answers %s: %+v, want accepted with a number", o, r)
		}
		nums[o] = r.number
	}
	if nums["W-1"] != lcPOSFirst {
		s.fatalf("W-1 got %s, want the POS number %s", nums["W-1"], lcPOSFirst)
	}
	if r := s.waitResult("02-void-right-after.csv")[lcKey{"W-1", "void"}]; r.status != "accepted" || !strings.Contains(r.message, "waits for issue "+lcPOSFirst) {
		s.fatalf("02-void-right-after.csv answers W-1 void: %+v, want accepted, waiting for the issue", r)
	}
	s.waitStatus("the first invoices and the waiting void", lcAll(lcWant{"accepted", ""},
		lcKey{"C-1", "issue"}, lcKey{"C-2", "issue"}, lcKey{"C-3", "issue"}, lcKey{"B-1", "issue"}, lcKey{"B-2", "issue"},
		lcKey{"V-1", "issue"}, lcKey{"X-1", "issue"}, lcKey{"A-1", "issue"}, lcKey{"A-2", "issue"}, lcKey{"W-1", "issue"},
		lcKey{"W-1", "void"}))

	// 2. Follow-ups: a void; a cancel and a re-issue of the same number with a
	// new order (it waits for the cancel); allowances; an issue of an issued
	// number (refused before Turnkey) and an order sent twice (a duplicate).
	// With them a bulk file; the daemon is killed (SIGKILL) once both are
	// answered, while their documents are on their way to the platform.
	s.drop("03-followups.csv", fmt.Sprintf(`action,order_id,invoice_number,reason,allowance_number,item_description,item_quantity,item_unit_price,original_sequence
void,V-1,%s,作廢測試,,,,,
cancel,X-1,%s,開立錯誤需重開,,,,,
issue,X-1-R,%s,,,重開的商品,1,180,
allowance,A-1-AL,%s,,AL-A1,將折讓的商品,1,300,1
allowance,A-2-AL,%s,,AL-A2,將折讓的商品二,1,500,1
issue,D-1,%s,,,重複號碼,1,10,
issue,C-2,,,,美式咖啡,1,55,
`, nums["V-1"], nums["X-1"], nums["X-1"], nums["A-1"], nums["A-2"], nums["C-1"]))
	bulk := workload.Generate(workload.Options{Seed: 11, Prefix: "LB", Docs: bulkDocs, MultiLine: 0.3, Business: 0.2, Rejected: 0.05})
	if len(bulk) != 1 {
		t.Fatalf("the bulk workload has %d files, want 1", len(bulk))
	}
	s.drop(bulk[0].Name, string(bulk[0].Data))
	follow := s.waitResult("03-followups.csv")
	s.expectResults("03-followups.csv", follow, map[lcKey]lcWant{
		{"V-1", "void"}: {"accepted", ""}, {"X-1", "cancel"}: {"accepted", ""}, {"X-1-R", "issue"}: {"accepted", "waits for cancel"},
		{"A-1-AL", "allowance"}: {"accepted", ""}, {"A-2-AL", "allowance"}: {"accepted", ""},
		{"D-1", "issue"}: {"rejected", "NUMBER_ISSUED"}, {"C-2", "issue"}: {"duplicate", "was processed before"},
	})
	if follow[lcKey{"X-1-R", "issue"}].number != nums["X-1"] || follow[lcKey{"C-2", "issue"}].number != nums["C-2"] {
		s.fatalf("03-followups.csv: the re-issue has %s (want %s), the duplicate %s (want %s)",
			follow[lcKey{"X-1-R", "issue"}].number, nums["X-1"], follow[lcKey{"C-2", "issue"}].number, nums["C-2"])
	}
	bulkResult := s.waitResult(bulk[0].Name)
	bulkWant := map[lcKey]lcWant{}
	for _, d := range bulk[0].Docs {
		r := bulkResult[lcKey{d.OrderID, "issue"}]
		if r.status != d.Want {
			s.fatalf("%s answers %s: %+v, want %s", bulk[0].Name, d.OrderID, r, d.Want)
		}
		if d.Want == workload.Accepted {
			bulkWant[lcKey{d.OrderID, "issue"}] = lcWant{"accepted", ""}
		}
	}
	inFlight := s.inFlight(follow, bulkResult)
	s.daemon.kill(t)
	if inFlight == 0 {
		s.fatalf("nothing was in flight when the daemon was killed")
	}
	t.Logf("SIGKILL with %d documents in flight", inFlight)
	s.daemon = s.start("daemon", "run", "-config", s.config)
	want := lcAll(lcWant{"accepted", ""}, lcKey{"V-1", "void"}, lcKey{"X-1", "cancel"}, lcKey{"X-1-R", "issue"},
		lcKey{"A-1-AL", "allowance"}, lcKey{"A-2-AL", "allowance"})
	for k, w := range bulkWant {
		want[k] = w
	}
	s.waitStatus("the follow-ups and the bulk file after a SIGKILL", want)

	// 3. An invoice with a live allowance cannot be voided; its allowance
	// void can, and a void dropped with the allowance void waits for it.
	// The daemon is stopped (SIGTERM) with those on their way.
	s.drop("04-allowance-voids.csv", fmt.Sprintf(`action,order_id,invoice_number,reason,allowance_number
void,A-1,%s,有折讓時作廢,
void_allowance,A-1-ALV,,折讓作廢,AL-A1
void_allowance,A-2-ALV,,折讓作廢,AL-A2
void,A-2,%s,折讓作廢後作廢,
`, nums["A-1"], nums["A-2"]))
	voids := s.waitResult("04-allowance-voids.csv")
	s.expectResults("04-allowance-voids.csv", voids, map[lcKey]lcWant{
		{"A-1", "void"}: {"rejected", "INVOICE_HAS_ALLOWANCES"}, {"A-1-ALV", "void_allowance"}: {"accepted", ""},
		{"A-2-ALV", "void_allowance"}: {"accepted", ""}, {"A-2", "void"}: {"accepted", "waits for void_allowance AL-A2"},
	})
	inFlight = s.inFlight(voids)
	if inFlight == 0 {
		s.fatalf("nothing was in flight when the daemon was stopped")
	}
	took := s.daemon.stop(t, syscall.SIGTERM, lcStopLimit)
	t.Logf("SIGTERM with %d documents in flight: exit 0 after %s", inFlight, took.Round(time.Millisecond))
	s.daemon = s.start("daemon", "run", "-config", s.config)
	// The simulator is killed (SIGKILL) once the platform has an allowance
	// void whose verdict is still due.
	s.waitSeen("an allowance void picked up", lcKey{"A-1-ALV", "void_allowance"}, ledger.StateUploaded)
	s.sim.kill(t)
	pending := 0
	for _, f := range s.simState().Files {
		if f.Verdict == sim.Pending {
			pending++
		}
	}
	if pending == 0 {
		s.fatalf("the simulator was killed with no verdict due")
	}
	t.Logf("sim: SIGKILL with %d verdicts due", pending)
	s.sim = s.start("sim", "sim", "-config", s.config, "-interval", "300ms", "-delay", "1s", "-seed", "7")
	s.waitStatus("the allowance voids after a SIGTERM", lcAll(lcWant{"accepted", ""},
		lcKey{"A-1-ALV", "void_allowance"}, lcKey{"A-2-ALV", "void_allowance"}, lcKey{"A-2", "void"}))

	// 4. Once its allowance void was accepted, the invoice can be voided
	// (the same order: its first void never reached the ledger).
	s.drop("05-void-after-allowance-void.csv", "action,order_id,invoice_number,reason\nvoid,A-1,"+nums["A-1"]+",折讓作廢後作廢\n")
	s.expectResults("05-void-after-allowance-void.csv", s.waitResult("05-void-after-allowance-void.csv"),
		map[lcKey]lcWant{{"A-1", "void"}: {"accepted", ""}})
	s.waitStatus("the void after the allowance void", map[lcKey]lcWant{{"A-1", "void"}: {"accepted", ""}})

	// 5. The platform refuses everything for a while: issues, a void of an
	// accepted invoice and an allowance are rejected with the injected code,
	// the void waiting for one of the issues with PREDECESSOR_REJECTED. Sent
	// again (same orders) to a platform that accepts, they keep their
	// numbers and are accepted.
	took = s.sim.stop(t, syscall.SIGTERM, lcStopLimit)
	t.Logf("sim: SIGTERM → exit 0 after %s", took.Round(time.Millisecond))
	s.sim = s.start("sim", "sim", "-config", s.config, "-interval", "300ms", "-delay", "1s", "-seed", "7",
		"-refuse", "1", "-refuse-code", lcInjected)
	refused := `order_id,action,invoice_number,buyer_ban,buyer_name,item_description,item_quantity,item_unit_price,reason
R-1,issue,,,,退回後重送一,1,100,
R-2,issue,,04595257,大同股份有限公司,退回後重送二,1,2100,
R-3,issue,` + lcPOSRefused + `,,,退回後重送三,1,300,
R-3,void,` + lcPOSRefused + `,,,,,,退回後重送的作廢
C-3,void,` + nums["C-3"] + `,,,,,,作廢被退回後重送
B-1-AL,allowance,` + nums["B-1"] + `,,,顧問服務,1,1000,
`
	s.drop("06-refused.csv", refused)
	first := s.waitResult("06-refused.csv")
	resentWant := map[lcKey]lcWant{
		{"R-1", "issue"}: {"accepted", ""}, {"R-2", "issue"}: {"accepted", ""}, {"R-3", "issue"}: {"accepted", ""},
		{"R-3", "void"}: {"accepted", "waits for issue " + lcPOSRefused}, {"C-3", "void"}: {"accepted", ""},
		{"B-1-AL", "allowance"}: {"accepted", ""},
	}
	s.expectResults("06-refused.csv", first, resentWant)
	s.waitStatus("the injected refusals", map[lcKey]lcWant{
		{"R-1", "issue"}: {"rejected", lcInjected}, {"R-2", "issue"}: {"rejected", lcInjected},
		{"R-3", "issue"}: {"rejected", lcInjected}, {"R-3", "void"}: {"rejected", "PREDECESSOR_REJECTED"},
		{"C-3", "void"}: {"rejected", lcInjected}, {"B-1-AL", "allowance"}: {"rejected", lcInjected},
	})
	s.sim.stop(t, syscall.SIGTERM, lcStopLimit)
	s.sim = s.start("sim", "sim", "-config", s.config, "-interval", "300ms", "-delay", "1s", "-seed", "7")
	s.drop("07-resent.csv", refused)
	again := s.waitResult("07-resent.csv")
	s.expectResults("07-resent.csv", again, resentWant)
	for _, k := range []lcKey{{"R-1", "issue"}, {"R-2", "issue"}, {"R-3", "issue"}} {
		if first[k].number == "" || again[k].number != first[k].number {
			s.fatalf("%s was resent with number %q, first sent with %q: a resent order keeps its number", k, again[k].number, first[k].number)
		}
	}
	s.waitStatus("the resent orders", lcAll(lcWant{"accepted", ""},
		lcKey{"R-1", "issue"}, lcKey{"R-2", "issue"}, lcKey{"R-3", "issue"}, lcKey{"R-3", "void"}, lcKey{"C-3", "void"},
		lcKey{"B-1-AL", "allowance"}))

	took = s.daemon.stop(t, syscall.SIGTERM, lcStopLimit)
	t.Logf("daemon: SIGTERM → exit 0 after %s", took.Round(time.Millisecond))
	s.sim.stop(t, syscall.SIGTERM, lcStopLimit)
	t.Logf("scenario done in %s; checking the three views", time.Since(begin).Round(time.Millisecond))

	// What the ledger must hold: per order and action, the states of its
	// documents, oldest first (a refused order sent again is a second one).
	final := map[lcKey][]string{}
	for _, k := range []lcKey{
		{"C-1", "issue"}, {"C-2", "issue"}, {"C-3", "issue"}, {"B-1", "issue"}, {"B-2", "issue"}, {"V-1", "issue"},
		{"X-1", "issue"}, {"A-1", "issue"}, {"A-2", "issue"}, {"W-1", "issue"}, {"W-1", "void"}, {"V-1", "void"},
		{"X-1", "cancel"}, {"X-1-R", "issue"}, {"A-1-AL", "allowance"}, {"A-2-AL", "allowance"},
		{"A-1-ALV", "void_allowance"}, {"A-2-ALV", "void_allowance"}, {"A-2", "void"}, {"A-1", "void"},
	} {
		final[k] = []string{"accepted"}
	}
	for k := range bulkWant {
		final[k] = []string{"accepted"}
	}
	for _, k := range []lcKey{{"R-1", "issue"}, {"R-2", "issue"}, {"R-3", "issue"}, {"R-3", "void"}, {"C-3", "void"}, {"B-1-AL", "allowance"}} {
		final[k] = []string{"rejected", "accepted"}
	}
	docs, events := s.checkLedger(final)
	lines := s.checkStatusFiles(docs, events)
	// A waiting document goes out only after its predecessor was accepted.
	for waiter, pred := range map[lcKey]lcKey{
		{"W-1", "void"}: {"W-1", "issue"}, {"X-1-R", "issue"}: {"X-1", "cancel"},
		{"A-2", "void"}: {"A-2-ALV", "void_allowance"}, {"R-3", "void"}: {"R-3", "issue"},
	} {
		lcCheckReleasedAfter(t, lines, waiter, pred)
	}
	s.checkSim(docs)

	// The command line's views.
	show := s.cli("invoice", "show", "-config", s.config, nums["X-1"])
	lcCheckShow(t, show, nums["X-1"], []string{"ISSUE X-1 ACCEPTED", "CANCEL X-1 ACCEPTED", "ISSUE X-1-R ACCEPTED"})
	show = s.cli("invoice", "show", "-config", s.config, first[lcKey{"R-1", "issue"}].number)
	lcCheckShow(t, show, "R-1", []string{"ISSUE R-1 REJECTED", "ISSUE R-1 ACCEPTED"})
	if !strings.Contains(show, "result "+lcInjected) {
		t.Errorf("invoice show of R-1's number does not give the platform's code %s:\n%s", lcInjected, show)
	}
	show = s.cli("invoice", "show", "-config", s.config, nums["A-1"])
	lcCheckShow(t, show, nums["A-1"], []string{"ISSUE A-1 ACCEPTED", "ALLOWANCE A-1-AL ACCEPTED", "VOID_ALLOWANCE A-1-ALV ACCEPTED", "VOID A-1 ACCEPTED"})
	lcCheckRejectedList(t, s.cli("invoice", "list", "-config", s.config, "-state", "rejected"), map[string]bool{
		"issue R-1 " + lcInjected: true, "issue R-2 " + lcInjected: true, "issue R-3 " + lcInjected: true,
		"void R-3 PREDECESSOR_REJECTED": true, "void C-3 " + lcInjected: true, "allowance B-1-AL " + lcInjected: true,
	})
	s.checkSpoolEmpty()
	t.Logf("done in %s", time.Since(begin).Round(time.Millisecond))
}

// TestLifecycleProcessResultAfterSummaryResult: the platform's reason for a
// refusal comes in a ProcessResult; the SummaryResult only lists the
// document as Failed. Turnkey downloads the two separately, and even the
// simulator, which writes the ProcessResult first, can be read in the
// other order (the daemon walks the ProcessResult folder, then the
// SummaryResult folder, and the simulator may write both in between). Here
// the simulator's ProcessResults are held back (it writes them to a folder
// the daemon does not read) until the SummaryResult has rejected the
// document, then handed over: the platform's code must reach the ledger,
// the status file and `invoice show`.
func TestLifecycleProcessResultAfterSummaryResult(t *testing.T) {
	s := lcNewSite(t, buildBinary(t))
	simConfig := filepath.Join(s.dir, "turnkeyd-sim.yaml")
	s.writeConfig(s.config, simConfig, map[string]string{"process_result": "Unpack/BAK/ProcessResult-held"})
	s.daemon = s.start("daemon", "run", "-config", s.config)
	s.sim = s.start("sim", "sim", "-config", simConfig, "-interval", "300ms", "-refuse", "1", "-refuse-code", lcInjected)
	s.drop("01-one.csv", "order_id,item_description,item_quantity,item_unit_price\nP-1,被退回的商品,1,100\n")
	number := s.waitResult("01-one.csv")[lcKey{"P-1", "issue"}].number
	s.waitStatus("the SummaryResult's refusal", map[lcKey]lcWant{{"P-1", "issue"}: {"rejected", "FAILED"}})

	s.releaseProcessResults()
	s.daemon.stop(t, syscall.SIGTERM, lcStopLimit)
	s.sim.stop(t, syscall.SIGTERM, lcStopLimit)

	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(s.dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := l.DocumentsByNumber(ctx, lcSeller, number)
	l.Close()
	if err != nil || len(docs) != 1 {
		t.Fatalf("documents of %s: %v %v", number, docs, err)
	}
	if d := docs[0]; d.State != ledger.StateRejected || d.ResultCode != lcInjected {
		t.Errorf("ledger: %s is %s with code %q (%s), want rejected with the ProcessResult's code %s", number, d.State,
			d.ResultCode, d.ResultMessage, lcInjected)
	}
	lines, err := s.readStatus(true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(lines, func(l lcLine) bool { return l.order == "P-1" && l.code == lcInjected }) {
		t.Errorf("the status file never tells the ERP the platform's code %s of P-1:\n%v", lcInjected, lines)
	}
	if show := s.cli("invoice", "show", "-config", s.config, number); !strings.Contains(show, lcInjected) {
		t.Errorf("invoice show %s does not give the platform's code %s:\n%s", number, lcInjected, show)
	}
}

// TestLifecycleProcessResultAfterResend: as above, the SummaryResult
// refuses the order first (FAILED); the ERP sends it again, as documented,
// and the platform accepts the resent document. The ProcessResult of the
// first attempt, arriving while the resent document is on its way, must not
// be taken for a verdict on it: in the end the ledger must hold the resent
// document as accepted, as the platform does.
func TestLifecycleProcessResultAfterResend(t *testing.T) {
	s := lcNewSite(t, buildBinary(t))
	simConfig := filepath.Join(s.dir, "turnkeyd-sim.yaml")
	s.writeConfig(s.config, simConfig, map[string]string{"process_result": "Unpack/BAK/ProcessResult-held"})
	s.daemon = s.start("daemon", "run", "-config", s.config)
	s.sim = s.start("sim", "sim", "-config", simConfig, "-interval", "300ms", "-refuse", "1", "-refuse-code", lcInjected)
	order := "order_id,item_description,item_quantity,item_unit_price\nP-1,被退回後重送的商品,1,100\n"
	s.drop("01-one.csv", order)
	number := s.waitResult("01-one.csv")[lcKey{"P-1", "issue"}].number
	s.waitStatus("the SummaryResult's refusal", map[lcKey]lcWant{{"P-1", "issue"}: {"rejected", "FAILED"}})
	s.sim.stop(t, syscall.SIGTERM, lcStopLimit)
	s.sim = s.start("sim", "sim", "-config", simConfig, "-interval", "300ms", "-delay", "3s")
	s.drop("02-resent.csv", order)
	if again := s.waitResult("02-resent.csv")[lcKey{"P-1", "issue"}]; again.status != "accepted" || again.number != number {
		s.fatalf("02-resent.csv answers P-1 with %+v, want accepted with %s", again, number)
	}
	s.waitStatus("the resent order picked up", map[lcKey]lcWant{{"P-1", "issue"}: {"uploaded", ""}})
	s.releaseProcessResults() // the first attempt's reason, late
	// The platform's verdict on the resent document (3 s after pickup).
	if !lcPoll(lcWait, func() bool {
		for _, f := range s.simState().Files {
			if f.Verdict == sim.Pending {
				return false
			}
		}
		data, _ := os.ReadFile(s.daemon.log)
		return bytes.Count(data, []byte("kind=summary_result")) >= 2
	}) {
		s.fatalf("the platform's verdict on the resent order did not come within %s", lcWait)
	}
	s.daemon.stop(t, syscall.SIGTERM, lcStopLimit)
	s.sim.stop(t, syscall.SIGTERM, lcStopLimit)

	if inv, ok := s.simState().Invoice(lcSeller, number); !ok || inv.Status != sim.Issued {
		t.Fatalf("the platform has %s as %+v, want issued", number, inv)
	}
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(s.dir, "ledger.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	docs, err := l.DocumentsByNumber(ctx, lcSeller, number)
	if err != nil || len(docs) != 2 {
		t.Fatalf("documents of %s: %v %v", number, docs, err)
	}
	if d := docs[1]; d.State != ledger.StateAccepted {
		t.Errorf("ledger: the resent P-1 (%s) is %s with code %s (%s), but the platform accepted it", number, d.State, d.ResultCode, d.ResultMessage)
	}
	counts, err := l.CountResultFiles(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for k, n := range counts {
		if k[1] != ledger.ResultApplied {
			t.Errorf("ledger: %d %s files are %s", n, k[0], k[1])
		}
	}
}

// releaseProcessResults hands the ProcessResults the simulator wrote to
// the held-back folder to the daemon, and waits until it read them.
func (s *lcSite) releaseProcessResults() {
	s.t.Helper()
	held := filepath.Join(s.tk, "Unpack", "BAK", "ProcessResult-held")
	before, _ := os.ReadFile(s.daemon.log)
	moved := 0
	err := filepath.WalkDir(held, func(path string, e os.DirEntry, err error) error {
		if err != nil || !e.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(held, path)
		to := filepath.Join(s.tk, "Unpack", "BAK", "ProcessResult", rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		moved++
		return os.Rename(path, to)
	})
	if err != nil || moved != 1 {
		s.fatalf("moving the held ProcessResult: %d files, %v", moved, err)
	}
	n := bytes.Count(before, []byte("kind=process_result"))
	if !lcPoll(lcWait, func() bool {
		data, _ := os.ReadFile(s.daemon.log)
		return bytes.Count(data, []byte("kind=process_result")) > n
	}) {
		s.fatalf("the daemon did not read the ProcessResult within %s", lcWait)
	}
}

// TestSandboxExamples is the README's quickstart and its promise: `make
// run` (turnkeyd sandbox) plus a plain copy of examples/*.csv into the
// spool brings every example to accepted, except X-9001, rejected at intake
// (BAN_CHECKSUM), and U-5001, which the platform refuses with S1001, in the
// status file and in `turnkeyd invoice show`; then the README's commands.
func TestSandboxExamples(t *testing.T) {
	begin := time.Now()
	bin := buildBinary(t)
	dir := t.TempDir()
	s := &lcSite{t: t, bin: bin, dir: dir, config: filepath.Join(dir, "turnkeyd.yaml")}
	s.cli("init", "-dir", dir, "-sandbox")
	// `make run` on a fresh folder writes turnkey.poll 2s; HTTP on any free port.
	s.editConfig(map[string]string{"poll": "2s", "listen": `"127.0.0.1:0"`})
	s.paths(filepath.Join(dir, "spool"), filepath.Join(dir, "turnkey"))
	s.daemon = s.start("sandbox", "sandbox", "-dir", dir)
	examples, err := filepath.Glob("../../examples/*.csv")
	if err != nil || len(examples) != 3 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	for _, e := range examples {
		copyFile(t, e, filepath.Join(s.in, filepath.Base(e))) // a plain copy, as the README says
	}
	sales := s.waitResult("01-sales.csv")
	if r := sales[lcKey{"X-9001", "issue"}]; r.status != "rejected" || !strings.HasPrefix(r.message, "BAN_CHECKSUM buyer_ban") {
		s.fatalf("01-sales.csv answers X-9001: %+v, want rejected with BAN_CHECKSUM", r)
	}
	want := lcAll(lcWant{"accepted", ""}, lcKey{"S-1001", "issue"}, lcKey{"S-1002", "issue"}, lcKey{"S-1003", "issue"},
		lcKey{"B-2001", "issue"}, lcKey{"B-2002", "issue"}, lcKey{"M-3001", "issue"}, lcKey{"P-4001", "issue"},
		lcKey{"P-4002", "issue"}, lcKey{"P-4003", "issue"}, lcKey{"P-4001", "void"}, lcKey{"P-4002", "cancel"},
		lcKey{"P-4002-R", "issue"}, lcKey{"P-4003-A", "allowance"})
	want[lcKey{"U-5001", "issue"}] = lcWant{"rejected", "S1001"}
	lines := s.waitStatus("the examples", want)
	seen := map[lcKey]bool{}
	for _, l := range lines {
		seen[l.key()] = true
	}
	for k := range seen {
		if _, ok := want[k]; !ok {
			t.Errorf("the status file has lines of %s, which is no example document", k)
		}
	}
	lcCheckShow(t, s.cli("invoice", "show", "-config", s.config, "TK00004991"), "TK00004991",
		[]string{"ISSUE P-4002 ACCEPTED", "CANCEL P-4002 ACCEPTED", "ISSUE P-4002-R ACCEPTED"})
	lcCheckRejectedList(t, s.cli("invoice", "list", "-config", s.config, "-state", "rejected"), map[string]bool{"issue U-5001 S1001": true})
	// The README's other commands: an allowance number (with the flag after
	// it, as people type it) and the tracks.
	if show := s.cli("invoice", "show", "AL-P4003-1", "-config", s.config); !strings.Contains(show, "allowance AL-P4003-1 of invoice TK") ||
		!strings.Contains(show, "G0401 ALLOWANCE  order P-4003-A") {
		t.Errorf("invoice show AL-P4003-1:\n%s", show)
	}
	if list := s.cli("tracks", "list", "-config", s.config); !strings.Contains(list, "04595252") || !strings.Contains(list, "TK") {
		t.Errorf("tracks list:\n%s", list)
	}
	took := s.daemon.stop(t, syscall.SIGTERM, lcStopLimit)
	lines, err = s.readStatus(true)
	if err != nil {
		t.Fatal(err)
	}
	lcCheckPaths(t, lines)
	t.Logf("examples accepted (U-5001 rejected) in %s; SIGTERM → exit 0 after %s", time.Since(begin).Round(time.Millisecond),
		took.Round(time.Millisecond))
}
