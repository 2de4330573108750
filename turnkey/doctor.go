package turnkey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
)

// Finding is the outcome of one check of `turnkeyd doctor`.
type Finding struct {
	Check string // what was checked, e.g. "write, rename, delete in UpCast/B2SSTORAGE/F0401/SRC"
	OK    bool
	Info  string // what was found (OK) or what went wrong (FAIL)
	Fix   string // what to do, when it failed
}

// Doctored is a target `turnkeyd doctor` can examine.
type Doctored interface {
	Target
	Reader
	// Where names the folder: a local path, or the sftp:// URL.
	Where() string
	// Probe writes a probe file into dir the way files are handed over
	// (staged, renamed), then deletes it. The probe's name starts with a
	// dot and ends in .tmp, which Turnkey does not take.
	Probe(ctx context.Context, dir string) error
	// FreeSpace returns the bytes available to us on dir's file system.
	FreeSpace(ctx context.Context, dir string) (uint64, error)
}

var (
	_ Doctored = (*LocalTarget)(nil)
	_ Doctored = (*SFTPTarget)(nil)
)

// minFree is the free space below which the doctor fails the check: a
// day of a busy shop's files with room to spare.
const minFree = 100 << 20

// Diagnose runs the doctor's checks: the folder is reachable (for SFTP with
// the host key's fingerprint), every upload folder exists and takes a
// file, every result folder can be listed, and there is free space.
// uploads and results map a folder to its name in the configuration.
func Diagnose(ctx context.Context, t Doctored, uploads, results map[string]string) []Finding {
	var out []Finding
	add := func(check string, err error, info, fix string) bool {
		f := Finding{Check: check, OK: err == nil, Info: info, Fix: fix}
		if err != nil {
			f.Info = err.Error()
		}
		out = append(out, f)
		return err == nil
	}
	err := t.Ready(ctx)
	info := t.Where()
	if s, ok := t.(*SFTPTarget); ok && s.HostKey() != "" {
		info += ", host key " + s.HostKey()
	}
	var hk *HostKeyError
	fix := "check turnkey.dir: Turnkey's work folder, the one holding UpCast/"
	switch {
	case errors.As(err, &hk):
		fix = "compare the fingerprint with the one the Turnkey host's administrator reads (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) and update turnkey.sftp.known_hosts"
	case errors.Is(err, ErrLinkDown):
		fix = "check that the host is up and sshd listens (host, port), the user and turnkey.sftp.key, and the firewall between"
	}
	if !add("reach Turnkey's work folder", err, info, fix) {
		return out
	}
	for _, dir := range sortedByValue(uploads) {
		name := uploads[dir]
		add("write, rename, delete in "+name, t.Probe(ctx, dir), dir,
			"make "+dir+" exist and writable for the user turnkeyd logs in as (or fix "+name+")")
	}
	for _, dir := range sortedByValue(results) {
		name := results[dir]
		_, err := t.List(ctx, dir)
		add("read "+name, err, dir, "make "+dir+" readable for turnkeyd's user (it is Turnkey's Unpack BAK folder; fix "+name+" if Turnkey's TASK_CONFIG says otherwise)")
	}
	free, err := t.FreeSpace(ctx, rootOf(uploads, t))
	if err == nil && free < minFree {
		err = fmt.Errorf("only %d MiB free", free>>20)
	}
	add("free space", err, fmt.Sprintf("%d MiB free", free>>20), "free space on Turnkey's disk: Turnkey keeps every file it sent under BAK; archive old BAK folders")
	return out
}

func sortedByValue(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && m[keys[j]] < m[keys[j-1]]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// rootOf returns a folder on Turnkey's disk: any upload folder.
func rootOf(uploads map[string]string, t Doctored) string {
	for _, dir := range sortedByValue(uploads) {
		return dir
	}
	return t.Where()
}

func probeName() string {
	var rnd [6]byte
	rand.Read(rnd[:])
	return ".turnkeyd-doctor-" + hex.EncodeToString(rnd[:]) + ".tmp"
}

// Where is the local work folder.
func (t *LocalTarget) Where() string { return t.root }

// Probe implements Doctored on the local file system.
func (t *LocalTarget) Probe(ctx context.Context, dir string) error {
	if _, err := os.Stat(dir); err != nil {
		return err
	}
	name := probeName()
	if err := t.Put(ctx, []File{{Dir: dir, Name: name, Data: []byte("turnkeyd doctor\n")}}); err != nil {
		return err
	}
	return os.Remove(filepath.Join(dir, name))
}

// Where is the sftp:// URL.
func (t *SFTPTarget) Where() string { return t.cfg.String() }

// Probe implements Doctored over SFTP.
func (t *SFTPTarget) Probe(ctx context.Context, dir string) error {
	return t.do(ctx, func(sc *sftpConn) error {
		st, err := sc.c.Stat(dir)
		if err != nil {
			return fmt.Errorf("%s: %w", dir, err)
		}
		if !st.IsDir() {
			return fmt.Errorf("%s is not a folder", dir)
		}
		if err := sc.mkdirAll(t.staging); err != nil {
			return err
		}
		name := probeName()
		if err := t.putOne(sc, sc.c, File{Dir: dir, Name: name, Data: []byte("turnkeyd doctor\n")}); err != nil {
			return err
		}
		return sc.c.Remove(path.Join(dir, name))
	})
}

// FreeSpace implements Doctored over SFTP, with statvfs@openssh.com.
func (t *SFTPTarget) FreeSpace(ctx context.Context, dir string) (uint64, error) {
	var free uint64
	err := t.do(ctx, func(sc *sftpConn) error {
		if _, ok := sc.c.HasExtension("statvfs@openssh.com"); !ok {
			return errors.New("the server does not tell free space (no statvfs@openssh.com)")
		}
		st, err := sc.c.StatVFS(dir)
		if err != nil {
			return err
		}
		free = st.Frsize * st.Bavail
		return nil
	})
	return free, err
}
