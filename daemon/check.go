package daemon

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
func Check(paths []string, quiet bool, out, errOut io.Writer) int {
	v, err := mig.DefaultValidator()
	if err != nil {
		fmt.Fprintf(errOut, "ERROR: %v\n", err)
		return CheckUnreadable
	}
	code := CheckValid
	worst := func(c int) { code = max(code, c) }
	for _, p := range paths {
		files, err := expandPaths(p)
		if err != nil {
			fmt.Fprintf(errOut, "ERROR %s: %v\n", p, err)
			worst(CheckUnreadable)
			continue
		}
		for _, f := range files {
			worst(checkFile(v, f, quiet, out, errOut))
		}
	}
	return code
}

func checkFile(v *mig.Validator, path string, quiet bool, out, errOut io.Writer) int {
	data, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(errOut, "ERROR %s: %v\n", path, err)
		return CheckUnreadable
	}
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
