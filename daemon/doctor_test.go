package daemon

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/turnkeyd/turnkeyd/internal/sshdtest"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// writeConfig writes cfg, changed by edit, as dir/turnkeyd.yaml.
func writeConfig(t *testing.T, dir string, edit func(*Config)) string {
	t.Helper()
	cfg := initConfig(t, dir)
	edit(cfg)
	text, err := RenderConfig(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "turnkeyd.yaml")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// makeUploadDirs makes Turnkey's upload folders under root, as Turnkey's
// installer does.
func makeUploadDirs(t *testing.T, root string) {
	t.Helper()
	for _, h := range initConfig(t, t.TempDir()).UploadHeads() {
		if err := os.MkdirAll(filepath.Join(root, turnkey.DefaultUploadDir(h)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDoctor(t *testing.T) {
	srv := sshdtest.Start(t)
	sftpRoot := t.TempDir()
	makeUploadDirs(t, sftpRoot)
	sftpConfig := func(c *Config) {
		c.Turnkey.Dir = srv.URL(sftpRoot)
		c.Turnkey.SFTP = TurnkeySFTPConfig{Key: srv.KeyFile, KnownHosts: srv.KnownHosts}
	}
	for _, tc := range []struct {
		name   string
		edit   func(*Config)
		before func()
		code   int
		want   []string
	}{
		{name: "local", edit: func(*Config) {}, want: []string{
			"OK    reach Turnkey's work folder: ", "OK    write, rename, delete in F0401's upload folder: ",
			"OK    read turnkey.results.summary_result: ", "OK    free space: "}},
		{name: "sftp", edit: sftpConfig, want: []string{
			"OK    reach Turnkey's work folder: " + srv.URL(sftpRoot) + ", host key " + fingerprint(t, srv),
			"OK    write, rename, delete in F0401's upload folder: " + filepath.Join(sftpRoot, "UpCast/B2SSTORAGE/F0401/SRC"),
			"OK    read turnkey.results.process_result: ", "OK    free space: "}},
		{name: "sftp missing SRC", edit: sftpConfig, before: func() { os.RemoveAll(filepath.Join(sftpRoot, "UpCast/B2SSTORAGE/G0401")) }, code: 1, want: []string{
			"OK    write, rename, delete in F0401's upload folder: ",
			"FAIL  write, rename, delete in G0401's upload folder: " + filepath.Join(sftpRoot, "UpCast/B2SSTORAGE/G0401/SRC"),
			"what to do: make " + filepath.Join(sftpRoot, "UpCast/B2SSTORAGE/G0401/SRC") + " exist and writable"}},
		{name: "sftp changed host key", edit: sftpConfig, before: func() { srv.SetHostKey(t) }, code: 1, want: []string{
			"FAIL  reach Turnkey's work folder: host key of " + srv.Addr() + " CHANGED",
			srv.KnownHosts, "what to do: compare the fingerprint"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, t.TempDir(), tc.edit)
			if tc.before != nil {
				tc.before()
			}
			var out bytes.Buffer
			code := Doctor(context.Background(), path, &out)
			if code != tc.code {
				t.Errorf("exit code %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if left, _ := filepath.Glob(filepath.Join(sftpRoot, "UpCast/*/*/SRC/*")); len(left) != 0 {
				t.Errorf("the probes left %v", left)
			}
		})
	}
}

func fingerprint(t *testing.T, srv *sshdtest.Server) string {
	t.Helper()
	return sshFingerprint(srv.HostKey)
}

func sshFingerprint(k ssh.PublicKey) string { return ssh.FingerprintSHA256(k) }
