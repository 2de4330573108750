package main

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/workload"
	"github.com/turnkeyd/turnkeyd/ledger"
)

// The installation, processes and ERP-side files of the lifecycle tests
// (lifecycle_e2e_test.go).

// lcAll wants w of every document of keys.
func lcAll(w lcWant, keys ...lcKey) map[lcKey]lcWant {
	m := make(map[lcKey]lcWant, len(keys))
	for _, k := range keys {
		m[k] = w
	}
	return m
}

// lcSite is one installation: a configuration, its spool and Turnkey
// folders, and the processes running on it.
type lcSite struct {
	t                  *testing.T
	bin, dir, config   string
	in, out, spool, tk string
	daemon, sim        *proc
	procs              []*proc
	cleanupRegistered  bool
}

// lcNewSite writes a configuration with `turnkeyd init` (short poll and
// rescan, HTTP on any free port) and imports the seller's tracks with
// `turnkeyd tracks import` from the platform's CSV.
func lcNewSite(t *testing.T, bin string) *lcSite {
	t.Helper()
	dir := t.TempDir()
	s := &lcSite{t: t, bin: bin, dir: dir, config: filepath.Join(dir, "turnkeyd.yaml")}
	s.cli("init", "-dir", dir, "-seller-ban", lcSeller, "-seller-name", lcSellerName)
	s.editConfig(map[string]string{"poll": "300ms", "rescan": "1s", "settle": "0s", "listen": `"127.0.0.1:0"`})
	tracks := filepath.Join(dir, "tracks.csv")
	if err := os.WriteFile(tracks, workload.TrackCSV(lcSeller, time.Now().In(lcTaipei), lcTracks), 0o644); err != nil {
		t.Fatal(err)
	}
	s.cli("tracks", "import", "-config", s.config, tracks)
	s.paths(filepath.Join(dir, "spool"), filepath.Join(dir, "turnkey"))
	return s
}

func (s *lcSite) paths(spool, tk string) {
	s.spool, s.tk = spool, tk
	s.in, s.out = filepath.Join(spool, "in"), filepath.Join(spool, "out")
}

// editConfig sets keys (each must occur once in the file init wrote, but
// listen, which sets every listener: http.listen and archive.listen).
func (s *lcSite) editConfig(kv map[string]string) {
	s.t.Helper()
	s.writeConfig(s.config, s.config, kv)
}

// writeConfig writes the configuration from with keys set to to.
func (s *lcSite) writeConfig(from, to string, kv map[string]string) {
	s.t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range kv {
		re := regexp.MustCompile(`(?m)^(\s+` + k + `:) .*$`)
		if n := len(re.FindAll(data, -1)); n != 1 && (k != "listen" || n == 0) {
			s.t.Fatalf("%s has %d keys %q, want 1", s.config, n, k)
		}
		data = re.ReplaceAll(data, []byte("${1} "+v))
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

// cli runs a short command of the binary and returns its standard output.
func (s *lcSite) cli(args ...string) string {
	s.t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(s.bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		s.t.Fatalf("turnkeyd %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

func (s *lcSite) start(name string, args ...string) *proc {
	s.t.Helper()
	if !s.cleanupRegistered {
		s.cleanupRegistered = true
		s.t.Cleanup(func() {
			for _, p := range s.procs {
				if !p.exited() {
					p.cmd.Process.Kill()
					<-p.done
				}
			}
		})
	}
	p := startProc(s.t, name, filepath.Join(s.dir, fmt.Sprintf("%s-%02d.log", name, len(s.procs)+1)), s.bin, args...)
	s.procs = append(s.procs, p)
	return p
}

// fatalf ends the test with what the processes and the status file said.
func (s *lcSite) fatalf(format string, args ...any) {
	s.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, format, args...)
	for _, p := range []*proc{s.daemon, s.sim} {
		if p != nil {
			fmt.Fprintf(&b, "\n--- %s (%s) ---\n%s", p.name, p.log, p.tail())
		}
	}
	if lines, err := s.readStatus(false); err == nil {
		fmt.Fprintf(&b, "\n--- status files (last 40 lines) ---\n")
		for _, l := range lines[max(0, len(lines)-40):] {
			fmt.Fprintf(&b, "%s %s %s %s %s %s\n", l.order, l.action, l.number, l.state, l.code, l.message)
		}
	}
	s.t.Fatal(b.String())
}

// drop hands a CSV file to the daemon as an ERP should: NAME.csv.tmp, then
// a rename to NAME.csv.
func (s *lcSite) drop(name, data string) {
	s.t.Helper()
	if _, err := workload.Drop(s.in, workload.File{Name: name, Data: []byte(data)}); err != nil {
		s.t.Fatal(err)
	}
}

// lcResult is one line of a result file.
type lcResult struct{ status, number, message string }

// waitResult waits for out/NAME.result.csv and returns its lines by order
// and action.
func (s *lcSite) waitResult(name string) map[lcKey]lcResult {
	s.t.Helper()
	path := filepath.Join(s.out, name+".result.csv")
	var data []byte
	if !lcPoll(lcWait, func() bool {
		var err error
		data, err = os.ReadFile(path)
		return err == nil
	}) {
		s.fatalf("no %s after %s", path, lcWait)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil || len(recs) < 1 || strings.Join(recs[0], ",") != "line,order_id,action,status,invoice_number,invoice_date,random_number,message" {
		s.fatalf("%s: %v\n%s", path, err, data)
	}
	out := map[lcKey]lcResult{}
	for _, r := range recs[1:] {
		k := lcKey{r[1], r[2]}
		if _, dup := out[k]; dup {
			s.fatalf("%s answers %s twice:\n%s", path, k, data)
		}
		out[k] = lcResult{status: r[3], number: r[4], message: r[7]}
	}
	return out
}

// expectResults checks a result file's answers: the status and a text the
// message must hold (a code, "waits for …"; nothing when empty).
func (s *lcSite) expectResults(name string, got map[lcKey]lcResult, want map[lcKey]lcWant) {
	s.t.Helper()
	for k, w := range want {
		r, ok := got[k]
		if !ok || r.status != w.state || !strings.Contains(r.message, w.code) {
			s.fatalf("%s answers %s with %+v, want %s with %q in the message", name, k, r, w.state, w.code)
		}
	}
	if len(got) != len(want) {
		s.fatalf("%s has %d answers, want %d: %v", name, len(got), len(want), got)
	}
}

// lcLine is one line of a status file.
type lcLine struct {
	file                                            string
	at, order, action, number, state, code, message string
}

func (l lcLine) key() lcKey { return lcKey{l.order, l.action} }

var lcStatusHeader = "time,order_id,action,invoice_number,state,code,message"

// readStatus reads every status file in name (day) order. While the daemon
// runs (strict false) an append in progress is left out; strict requires
// whole lines. Either way each file must start with the header, and have it
// once.
func (s *lcSite) readStatus(strict bool) ([]lcLine, error) {
	files, err := filepath.Glob(filepath.Join(s.out, "status-*.csv"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var lines []lcLine
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if i := bytes.LastIndex(data, []byte("\r\n")); i+2 != len(data) {
			if strict {
				return nil, fmt.Errorf("%s does not end with a whole line: %q", f, data[max(0, i):])
			}
			data = data[:i+2]
		}
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = 7
		recs, err := r.ReadAll()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if len(recs) == 0 || strings.Join(recs[0], ",") != lcStatusHeader {
			return nil, fmt.Errorf("%s does not start with the header %s", f, lcStatusHeader)
		}
		for i, rec := range recs[1:] {
			if strings.Join(rec, ",") == lcStatusHeader {
				return nil, fmt.Errorf("%s has the header again on line %d", f, i+2)
			}
			lines = append(lines, lcLine{file: filepath.Base(f), at: rec[0], order: rec[1], action: rec[2], number: rec[3],
				state: rec[4], code: rec[5], message: rec[6]})
		}
	}
	return lines, nil
}

// waitStatus waits until the last status line of every document in want
// has its state (and code), and returns the lines.
func (s *lcSite) waitStatus(what string, want map[lcKey]lcWant) []lcLine {
	s.t.Helper()
	var lines []lcLine
	var missing []string
	ok := lcPoll(lcWait, func() bool {
		var err error
		if lines, err = s.readStatus(false); err != nil {
			missing = []string{err.Error()}
			return false
		}
		last := map[lcKey]lcLine{}
		for _, l := range lines {
			last[l.key()] = l
		}
		missing = missing[:0]
		for k, w := range want {
			l := last[k]
			if l.state != w.state || (w.code != "" && l.code != w.code) {
				missing = append(missing, fmt.Sprintf("%s is %q %q, want %s %s", k, l.state, l.code, w.state, w.code))
			}
		}
		return len(missing) == 0
	})
	if !ok {
		sort.Strings(missing)
		s.fatalf("%s: not reached within %s:\n%s", what, lcWait, strings.Join(missing[:min(len(missing), 20)], "\n"))
	}
	for _, p := range []*proc{s.daemon, s.sim} {
		if p != nil && p.exited() {
			s.fatalf("%s ended (%v) while %s", p.name, p.err, what)
		}
	}
	return lines
}

// waitSeen waits until the status files have had a line of k in state.
func (s *lcSite) waitSeen(what string, k lcKey, state string) {
	s.t.Helper()
	if !lcPoll(lcWait, func() bool {
		lines, err := s.readStatus(false)
		return err == nil && slices.ContainsFunc(lines, func(l lcLine) bool { return l.key() == k && l.state == state })
	}) {
		s.fatalf("%s: no status line %s %s within %s", what, k, state, lcWait)
	}
}

// inFlight counts the documents the daemon took from the answered files
// that the platform has neither accepted nor refused yet, as far as the
// status files tell (one without a status line yet is in flight too).
func (s *lcSite) inFlight(answered ...map[lcKey]lcResult) int {
	lines, err := s.readStatus(false)
	if err != nil {
		s.fatalf("%v", err)
	}
	last := map[lcKey]string{}
	for _, l := range lines {
		last[l.key()] = l.state
	}
	n := 0
	for _, results := range answered {
		for k, r := range results {
			if st := last[k]; r.status == "accepted" && st != ledger.StateAccepted && st != ledger.StateRejected {
				n++
			}
		}
	}
	return n
}

// lcPoll calls cond every 20 ms until it holds or timeout passes.
func lcPoll(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond) // polling under a deadline, not synchronisation
	}
	return true
}
