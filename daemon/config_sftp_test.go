package daemon

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSFTPConfig(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "passphrase")
	os.WriteFile(secret, []byte("s3cret-phrase\n"), 0o600)
	t.Setenv("TK_PASS", "env-s3cret")
	base := TurnkeySFTPConfig{Key: "id_turnkey", KnownHosts: "known_hosts"}
	for _, tc := range []struct {
		name string
		dir  string
		edit func(*TurnkeySFTPConfig)
		err  string
	}{
		{name: "good", dir: "sftp://tk@tk.example:2222/opt/EINVTurnkey"},
		{name: "passphrase from a file", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.PassphraseFile = secret }},
		{name: "password from the environment", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.Key, s.PasswordEnv = "", "TK_PASS" }},
		{name: "no known_hosts", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.KnownHosts = "" }, err: "turnkey.sftp.known_hosts is required"},
		{name: "no way to log in", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.Key = "" }, err: "turnkey.sftp.key is required"},
		{name: "password in the URL", dir: "sftp://tk:hunter2@tk.example/opt/T", err: "holds a password"},
		{name: "unset variable", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.PassphraseEnv = "TK_NOT_SET" }, err: "TK_NOT_SET is not set"},
		{name: "file and variable", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.PassphraseEnv, s.PassphraseFile = "TK_PASS", secret }, err: "both set"},
		{name: "too parallel", dir: "sftp://tk@tk.example/opt/T", edit: func(s *TurnkeySFTPConfig) { s.Parallel = 65 }, err: "out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := initConfig(t, t.TempDir())
			cfg.Turnkey.Dir, cfg.Turnkey.SFTP = tc.dir, base
			if tc.edit != nil {
				tc.edit(&cfg.Turnkey.SFTP)
			}
			err := cfg.Validate()
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				s, _ := cfg.SFTP()
				if !strings.HasPrefix(s.Root, "/opt/") || s.KnownHosts != cfg.Path("known_hosts") {
					t.Errorf("SFTP() = root %q known_hosts %q", s.Root, s.KnownHosts)
				}
				if got := cfg.UploadDir(cfg.UploadHeads()[0]); !strings.HasPrefix(got, s.Root+"/UpCast/") {
					t.Errorf("upload folder %q is not on the host under %s", got, s.Root)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			for _, s := range []string{"s3cret", "hunter2"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("the error shows a secret: %v", err)
				}
			}
		})
	}
}
