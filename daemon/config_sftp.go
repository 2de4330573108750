package daemon

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/turnkeyd/turnkeyd/turnkey"
)

// TurnkeySFTPConfig is turnkey.sftp: how to log in to Turnkey's host when
// turnkey.dir is sftp://USER@HOST[:PORT]/PATH. Secrets come only from
// files or the environment, never from the configuration text.
type TurnkeySFTPConfig struct {
	Key            string        `yaml:"key"`             // private key file
	PassphraseFile string        `yaml:"passphrase_file"` // the key's passphrase, in a file
	PassphraseEnv  string        `yaml:"passphrase_env"`  // … or in this environment variable
	PasswordFile   string        `yaml:"password_file"`   // password login, in a file
	PasswordEnv    string        `yaml:"password_env"`    // … or in this environment variable
	KnownHosts     string        `yaml:"known_hosts"`     // OpenSSH known_hosts file; required
	ConnectTimeout time.Duration `yaml:"connect_timeout"` // TCP connect and SSH handshake
	Timeout        time.Duration `yaml:"timeout"`         // a request unanswered this long drops the link
	KeepAlive      time.Duration `yaml:"keepalive"`       // keep-alive interval of an idle link
	Parallel       int           `yaml:"parallel"`        // files uploaded at once
}

// TurnkeyRoot is Turnkey's work folder: the local folder, or for an
// sftp:// turnkey.dir the path on the host.
func (c *Config) TurnkeyRoot() string {
	if turnkey.IsSFTP(c.Turnkey.Dir) {
		var s turnkey.SFTPConfig
		if err := s.ParseSFTPURL(c.Turnkey.Dir); err == nil {
			return s.Root
		}
	}
	return c.Path(c.Turnkey.Dir)
}

// turnkeyPath resolves p (from turnkey.upload or turnkey.results) against
// Turnkey's work folder, on the host for SFTP.
func (c *Config) turnkeyPath(p string) string {
	if turnkey.IsSFTP(c.Turnkey.Dir) {
		if path.IsAbs(filepath.ToSlash(p)) {
			return filepath.ToSlash(p)
		}
		return path.Join(c.TurnkeyRoot(), filepath.ToSlash(p))
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.TurnkeyRoot(), p)
}

// validateSFTP checks turnkey.dir as an sftp:// URL and turnkey.sftp.
func (c *Config) validateSFTP() []error {
	if !turnkey.IsSFTP(c.Turnkey.Dir) {
		return nil
	}
	_, err := c.SFTP()
	if err != nil {
		return []error{err}
	}
	return nil
}

// SFTP returns the SFTP target's configuration, reading the secrets from
// their files or variables.
func (c *Config) SFTP() (turnkey.SFTPConfig, error) {
	s := c.Turnkey.SFTP
	out := turnkey.SFTPConfig{
		KeyFile: c.pathOrEmpty(s.Key), KnownHosts: c.pathOrEmpty(s.KnownHosts),
		DialTimeout: s.ConnectTimeout, Timeout: s.Timeout, KeepAlive: s.KeepAlive, Parallel: s.Parallel,
	}
	if err := out.ParseSFTPURL(c.Turnkey.Dir); err != nil {
		return out, fmt.Errorf("turnkey.dir: %w", err)
	}
	switch {
	case s.KnownHosts == "":
		return out, fmt.Errorf("turnkey.sftp.known_hosts is required for %s: an OpenSSH known_hosts file with the host's key (ssh-keyscan -p %d %s, fingerprint checked with its administrator)", out.String(), out.Port, out.Host)
	case s.Key == "" && s.PasswordFile == "" && s.PasswordEnv == "":
		return out, fmt.Errorf("turnkey.sftp.key is required for %s (or password_file / password_env)", out.String())
	case s.Parallel < 0 || s.Parallel > 64:
		return out, fmt.Errorf("turnkey.sftp.parallel: %d is out of range: 1 to 64 (0: 16)", s.Parallel)
	case s.Timeout < 0 || s.ConnectTimeout < 0 || s.KeepAlive < 0:
		return out, fmt.Errorf("turnkey.sftp: timeouts must not be negative")
	}
	var err error
	if out.Passphrase, err = c.secret("turnkey.sftp.passphrase", s.PassphraseFile, s.PassphraseEnv); err != nil {
		return out, err
	}
	if out.Password, err = c.secret("turnkey.sftp.password", s.PasswordFile, s.PasswordEnv); err != nil {
		return out, err
	}
	return out, nil
}

// secret reads a secret from a file (its first line) or an environment
// variable; the error never holds the secret.
func (c *Config) secret(key, file, env string) ([]byte, error) {
	switch {
	case file != "" && env != "":
		return nil, fmt.Errorf("%s_file and %s_env are both set: keep one", key, key)
	case file != "":
		data, err := os.ReadFile(c.Path(file))
		if err != nil {
			return nil, fmt.Errorf("%s_file: %w", key, err)
		}
		line, _, _ := bytes.Cut(data, []byte("\n"))
		return bytes.TrimRight(line, "\r"), nil
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return nil, fmt.Errorf("%s_env: environment variable %s is not set", key, env)
		}
		return []byte(v), nil
	}
	return nil, nil
}

func (c *Config) pathOrEmpty(p string) string {
	if strings.TrimSpace(p) == "" {
		return ""
	}
	return c.Path(p)
}

// turnkeyTarget is a target that also reads Turnkey's folders.
type turnkeyTarget interface {
	turnkey.Target
	turnkey.Reader
}

// newTarget builds the target turnkey.dir names, and its transport name
// for metrics; it does not connect.
func newTarget(cfg *Config, log *slog.Logger) (turnkeyTarget, string, error) {
	if !turnkey.IsSFTP(cfg.Turnkey.Dir) {
		return turnkey.NewLocalTarget(cfg.TurnkeyRoot()), "local", nil
	}
	s, err := cfg.SFTP()
	if err != nil {
		return nil, "", err
	}
	t, err := turnkey.NewSFTPTarget(s, log)
	if err != nil {
		return nil, "", err
	}
	return t, "sftp", nil
}
