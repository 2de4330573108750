package daemon

import (
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/turnkeyd/turnkeyd/mig"
)

// Exit codes of `turnkeyd check`.
const (
	CheckValid      = 0 // every file is a valid MIG message
	CheckInvalid    = 1 // some file has violations
	CheckUnreadable = 2 // some file is unreadable or not a MIG message
)

// Check validates MIG files and folders (every *.xml below a folder, in name
// order) as the daemon does before a file may reach Turnkey. It prints
// "OK <path> (F0401 4.1)" or "FAIL <path> (F0401 4.1)" with one indented
// "<CODE> <path>: <reason>" line per violation to out (OK lines only when
// not quiet), and "ERROR <path>: <reason>" for unreadable files to errOut.
// It returns the exit code: the worst of CheckValid, CheckInvalid,
// CheckUnreadable over all files.
//
// Files are checked by a worker per core and printed in the order above.
func Check(paths []string, quiet bool, out, errOut io.Writer) int {
	return check(paths, quiet, out, errOut, runtime.GOMAXPROCS(0))
}

// check is Check with the given number of workers.
func check(paths []string, quiet bool, out, errOut io.Writer, workers int) int {
	// A check keeps little alive: collect garbage less often than a daemon.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	v := mig.NewLazyValidator(nil) // compiles only the schemas the files need
	// The jobs, in output order: a file to check, or a path that could not
	// be expanded.
	var jobs []checkJob
	for _, p := range paths {
		files, err := expandPaths(p)
		if err != nil {
			jobs = append(jobs, checkJob{path: p, err: err})
			continue
		}
		for _, f := range files {
			jobs = append(jobs, checkJob{path: f})
		}
	}
	code := CheckValid
	for r := range checkAll(v, jobs, quiet, workers) {
		io.WriteString(out, r.out)
		io.WriteString(errOut, r.errOut)
		code = max(code, r.code)
	}
	return code
}

// checkJob is a file to check, or a path that could not be expanded (err).
type checkJob struct {
	path string
	err  error
}

// checkResult is what a job prints and its exit code.
type checkResult struct {
	out, errOut string
	code        int
}

// checkAll runs the jobs on workers and returns their results,
// in order, as they are ready in order: a sequence the caller prints from
// while later files are still being checked.
func checkAll(v *mig.Validator, jobs []checkJob, quiet bool, workers int) iter.Seq[checkResult] {
	return func(yield func(checkResult) bool) {
		results := make([]checkResult, len(jobs))
		done := make([]chan struct{}, len(jobs))
		for i := range done {
			done[i] = make(chan struct{})
		}
		next := make(chan int)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		defer wg.Wait()
		defer close(stop)
		for range max(min(workers, len(jobs)), 1) {
			wg.Go(func() {
				var buf []byte // the file read, reused
				for i := range next {
					results[i], buf = runCheckJob(v, jobs[i], quiet, buf)
					close(done[i])
				}
			})
		}
		go func() {
			defer close(next)
			for i := range jobs {
				select {
				case next <- i:
				case <-stop:
					return
				}
			}
		}()
		for i := range jobs {
			<-done[i]
			if !yield(results[i]) {
				return
			}
			results[i] = checkResult{} // printed: let it go
		}
	}
}

// runCheckJob runs a job, reading its file into buf, and returns buf for the
// next job.
func runCheckJob(v *mig.Validator, j checkJob, quiet bool, buf []byte) (checkResult, []byte) {
	if j.err != nil {
		return checkResult{errOut: fmt.Sprintf("ERROR %s: %v\n", j.path, j.err), code: CheckUnreadable}, buf
	}
	var out, errOut strings.Builder
	buf, err := readCheckFile(j.path, buf)
	if err != nil {
		fmt.Fprintf(&errOut, "ERROR %s: %v\n", j.path, err)
		return checkResult{errOut: errOut.String(), code: CheckUnreadable}, buf
	}
	code := checkData(v, j.path, buf, quiet, &out, &errOut)
	return checkResult{out: out.String(), errOut: errOut.String(), code: code}, buf
}

// checkData checks the data of the file at path and prints its verdict.
func checkData(v *mig.Validator, path string, data []byte, quiet bool, out, errOut io.Writer) int {
	h, violations, err := v.Check(data)
	if err != nil {
		fmt.Fprintf(errOut, "ERROR %s: %v\n", path, err)
		return CheckUnreadable
	}
	if len(violations) == 0 {
		if !quiet {
			fmt.Fprintf(out, "OK %s (%s)\n", path, h)
		}
		return CheckValid
	}
	var b strings.Builder
	fmt.Fprintf(&b, "FAIL %s (%s)\n", path, h)
	for _, x := range violations {
		b.WriteString("    ")
		b.WriteString(oneLine(x.String()))
		b.WriteByte('\n')
	}
	io.WriteString(out, b.String())
	return CheckInvalid
}

// expandPaths returns p itself for a file, or every *.xml below a folder.
func expandPaths(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	var files []string
	err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.EqualFold(filepath.Ext(path), ".xml") {
			files = append(files, path)
		}
		return nil
	})
	if err == nil && len(files) == 0 {
		err = fmt.Errorf("no *.xml files in this folder")
	}
	slices.Sort(files)
	return files, err
}

// oneLine keeps a reason on one output line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
