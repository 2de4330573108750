package turnkey

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
)

// newTestSFTP returns a target for root on srv; change adjusts the
// configuration first.
func newTestSFTP(t *testing.T, srv *sshdtest.Server, root string, change func(*SFTPConfig)) *SFTPTarget {
	t.Helper()
	cfg := SFTPConfig{KeyFile: srv.KeyFile, KnownHosts: srv.KnownHosts, Timeout: 10 * time.Second}
	if err := cfg.ParseSFTPURL(srv.URL(root)); err != nil {
		t.Fatal(err)
	}
	if change != nil {
		change(&cfg)
	}
	target, err := NewSFTPTarget(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Close() })
	return target
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestParseSFTPURL(t *testing.T) {
	for _, tc := range []struct {
		url, want, err string
	}{
		{url: "sftp://tk@turnkey.example/opt/EINVTurnkey", want: "tk turnkey.example 22 /opt/EINVTurnkey"},
		{url: "sftp://tk@10.0.0.5:2222/C:/EINVTurnkey/", want: "tk 10.0.0.5 2222 /C:/EINVTurnkey"},
		{url: "sftp://turnkey.example/opt", err: "has no user"},
		{url: "sftp://tk:secret@turnkey.example/opt", err: "holds a password"},
		{url: "sftp://tk@turnkey.example", err: "has no path"},
		{url: "sftp://tk@turnkey.example:99999/opt", err: "is not 1 to 65535"},
		{url: "ftp://tk@turnkey.example/opt", err: "must be sftp://"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			var c SFTPConfig
			err := c.ParseSFTPURL(tc.url)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join([]string{c.User, c.Host, strconv.Itoa(c.Port), c.Root}, " "); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSFTPTargetListReadAndClean(t *testing.T) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	target := newTestSFTP(t, srv, root, nil)
	ctx := context.Background()
	results := filepath.Join(root, "Unpack", "BAK", "ProcessResult")
	for _, f := range []string{"20261204/1010/b-ProcessResult.xml", "20261204/1010/.hidden", "20261203/0900/a-ProcessResult.xml", "20261204/1011/c.xml.tmp"} {
		p := filepath.Join(results, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := target.List(ctx, results)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(results, "20261203/0900/a-ProcessResult.xml"), filepath.Join(results, "20261204/1010/b-ProcessResult.xml")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("List = %v, want %v", got, want)
	}
	data, err := target.ReadFile(ctx, want[1])
	if err != nil || string(data) != "20261204/1010/b-ProcessResult.xml" {
		t.Errorf("ReadFile = %q, %v", data, err)
	}
	if none, err := target.List(ctx, filepath.Join(root, "Unpack", "BAK", "E0501")); err != nil || len(none) != 0 {
		t.Errorf("List of a missing folder = %v, %v", none, err)
	}
	// What a killed run left in staging goes; a file not ours stays.
	staging := filepath.Join(root, ".turnkeyd-staging")
	os.MkdirAll(staging, 0o755)
	for _, name := range []string{"F0401-AB12345678.xml.0a1b2c.tmp", "notes.txt"} {
		os.WriteFile(filepath.Join(staging, name), []byte("partial"), 0o644)
	}
	if err := target.Clean(ctx); err != nil {
		t.Fatal(err)
	}
	left, _ := os.ReadDir(staging)
	if len(left) != 1 || left[0].Name() != "notes.txt" {
		t.Errorf("staging after Clean holds %v, want only notes.txt", left)
	}
}

func TestSFTPTargetRefusesHostKeys(t *testing.T) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	ctx := context.Background()
	empty := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(empty, nil, 0o600)
	unknown := newTestSFTP(t, srv, root, func(c *SFTPConfig) { c.KnownHosts = empty })
	err := unknown.Ready(ctx)
	var hk *HostKeyError
	if !errors.As(err, &hk) || hk.Changed || !strings.Contains(err.Error(), "SHA256:") || !strings.Contains(err.Error(), empty) {
		t.Fatalf("unknown host key: err = %v, want a HostKeyError naming the fingerprint and %s", err, empty)
	}
	target := newTestSFTP(t, srv, root, nil)
	if err := target.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	target.Close()
	newKey := srv.SetHostKey(t)
	changed := newTestSFTP(t, srv, root, nil)
	err = changed.Ready(ctx)
	if !errors.As(err, &hk) || !hk.Changed || hk.Fingerprint != fingerprint(newKey) ||
		!strings.Contains(err.Error(), hk.Fingerprint) || !strings.Contains(err.Error(), srv.KnownHosts) {
		t.Fatalf("changed host key: err = %v, want a HostKeyError naming %s and %s", err, fingerprint(newKey), srv.KnownHosts)
	}
	if changed.Up() {
		t.Error("the link is up with a changed host key")
	}
}

// A SRC that cannot be written to (here a file where the folder should be:
// the tests run as root, whom permissions do not stop) gives an error
// naming the folder; once it is fixed the same files go through.
func TestSFTPTargetUnwritableSRC(t *testing.T) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	target := newTestSFTP(t, srv, root, nil)
	ctx := context.Background()
	src := filepath.Join(root, "UpCast", "B2SSTORAGE", "F0401", "SRC")
	os.MkdirAll(filepath.Dir(src), 0o755)
	os.WriteFile(src, nil, 0o644)
	files := []File{{Dir: src, Name: "a.xml", Data: []byte("<a/>")}}
	err := target.Put(ctx, files)
	if err == nil || !strings.Contains(err.Error(), src) || errors.Is(err, ErrLinkDown) {
		t.Fatalf("Put into a SRC that is a file: err = %v, want an answer of the host naming %s", err, src)
	}
	os.Remove(src)
	if err := target.Put(ctx, files); err != nil {
		t.Fatalf("Put once SRC is writable: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(src, "a.xml")); string(got) != "<a/>" {
		t.Errorf("a.xml = %q", got)
	}
	// A second Put of the same file leaves the one there and no staged copy.
	if err := target.Put(ctx, files); err != nil {
		t.Fatal(err)
	}
	// SRC replaced by a file while connected: the folder is looked at again.
	os.RemoveAll(src)
	os.WriteFile(src, nil, 0o644)
	if err := target.Put(ctx, []File{{Dir: src, Name: "b.xml", Data: []byte("<b/>")}}); err == nil || errors.Is(err, ErrLinkDown) {
		t.Fatalf("Put into a SRC replaced by a file: err = %v", err)
	}
	os.Remove(src)
	if err := target.Put(ctx, []File{{Dir: src, Name: "b.xml", Data: []byte("<b/>")}}); err != nil {
		t.Fatalf("Put once SRC is back: %v", err)
	}
	if left, _ := os.ReadDir(filepath.Join(root, ".turnkeyd-staging")); len(left) != 0 {
		t.Errorf("staging keeps %v", left)
	}
}

// After sshd restarts, the next use reports the link down, and once the
// backoff passed the target dials again.
func TestSFTPTargetReconnects(t *testing.T) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	target := newTestSFTP(t, srv, root, nil)
	clock := &fakeClock{now: time.Now()}
	target.now = clock.Now
	ctx := context.Background()
	dir := filepath.Join(root, "SRC")
	if err := target.Put(ctx, []File{{Dir: dir, Name: "1.xml", Data: []byte("1")}}); err != nil {
		t.Fatal(err)
	}
	srv.Restart(t)
	err := target.Put(ctx, []File{{Dir: dir, Name: "2.xml", Data: []byte("2")}})
	if !errors.Is(err, ErrLinkDown) {
		t.Fatalf("Put after a restart: err = %v, want ErrLinkDown", err)
	}
	if err := target.Ready(ctx); !errors.Is(err, ErrLinkDown) || !strings.Contains(err.Error(), "next attempt in") {
		t.Fatalf("Ready within the backoff = %v", err)
	}
	clock.Add(time.Second)
	if err := target.Put(ctx, []File{{Dir: dir, Name: "2.xml", Data: []byte("2")}}); err != nil {
		t.Fatalf("Put after the backoff: %v", err)
	}
	if target.Reconnects() != 1 || !target.Up() {
		t.Errorf("reconnects = %d, up = %v", target.Reconnects(), target.Up())
	}
}

// A server that stops answering (SIGSTOP) is given up on after the
// timeout, not waited on forever.
func TestSFTPTargetDetectsStall(t *testing.T) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	const timeout = time.Second
	target := newTestSFTP(t, srv, root, func(c *SFTPConfig) { c.Timeout = timeout })
	ctx := context.Background()
	if err := target.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Signal(syscall.SIGSTOP)
	t.Cleanup(func() { srv.Signal(syscall.SIGCONT) })
	start := time.Now()
	err := target.Put(ctx, []File{{Dir: filepath.Join(root, "SRC"), Name: "a.xml", Data: []byte("<a/>")}})
	took := time.Since(start)
	if !errors.Is(err, ErrLinkDown) || !strings.Contains(err.Error(), "did not answer within 1s") {
		t.Fatalf("Put to a stalled server: err = %v", err)
	}
	if took > timeout+5*time.Second {
		t.Errorf("the stall was noticed after %s, timeout %s", took, timeout)
	}
	if target.Up() {
		t.Error("the link is up after a stall")
	}
}

func fingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }

// An encrypted key needs its passphrase, and the passphrase is in no log
// line. (Each use of the key runs its bcrypt KDF: a few seconds under -race,
// so one failing and one good case only.)
func TestSFTPTargetEncryptedKey(t *testing.T) {
	srv := sshdtest.Start(t)
	const passphrase = "correct horse battery staple"
	pemData, err := os.ReadFile(srv.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := ssh.ParseRawPrivateKey(pemData)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKeyWithPassphrase(raw, "", []byte(passphrase))
	if err != nil {
		t.Fatal(err)
	}
	encrypted := filepath.Join(t.TempDir(), "id_encrypted")
	if err := os.WriteFile(encrypted, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := SFTPConfig{KeyFile: encrypted, KnownHosts: srv.KnownHosts}
	if err := cfg.ParseSFTPURL(srv.URL(t.TempDir())); err != nil {
		t.Fatal(err)
	}
	if _, err := NewSFTPTarget(cfg, nil); err == nil || !strings.Contains(err.Error(), "passphrase_file or passphrase_env") {
		t.Fatalf("an encrypted key without its passphrase: err = %v", err)
	}
	cfg.Passphrase = []byte(passphrase)
	var logs bytes.Buffer
	target, err := NewSFTPTarget(cfg, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := target.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "connected to the Turnkey host") || strings.Contains(logs.String(), passphrase) {
		t.Errorf("log:\n%s", logs.String())
	}
}
