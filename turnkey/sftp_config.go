package turnkey

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// SFTPConfig is how to reach Turnkey's work folder on another host.
type SFTPConfig struct {
	User string
	Host string
	Port int    // 22 when 0
	Root string // Turnkey's work folder on the host, e.g. /opt/EINVTurnkey or /C:/EINVTurnkey

	KeyFile    string // private key (OpenSSH or PEM format)
	Passphrase []byte // of KeyFile, if it is encrypted
	Password   []byte // password authentication, tried after the key
	KnownHosts string // OpenSSH known_hosts file; required

	DialTimeout time.Duration // TCP connect and SSH handshake; 15s when 0
	Timeout     time.Duration // one request; a server silent that long is dropped; 30s when 0
	KeepAlive   time.Duration // keep-alive interval on an idle link; 15s when 0
	Parallel    int           // files uploaded at once; 16 when 0 (one SFTP session each)
}

// IsSFTP reports whether a turnkey.dir is an sftp:// URL.
func IsSFTP(dir string) bool { return strings.HasPrefix(dir, "sftp://") }

// ParseSFTPURL reads sftp://USER@HOST[:PORT]/PATH into c's User, Host, Port
// and Root. PATH is absolute on the host; a Windows host's folder is
// written /C:/EINVTurnkey.
func (c *SFTPConfig) ParseSFTPURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", s, err)
	}
	switch {
	case u.Scheme != "sftp":
		return fmt.Errorf("%q: the scheme must be sftp://", s)
	case u.User == nil || u.User.Username() == "":
		return fmt.Errorf("%q has no user: write sftp://USER@HOST[:PORT]/PATH", s)
	case hasPassword(u):
		return fmt.Errorf("%q holds a password: remove it and use turnkey.sftp.password_file or password_env", redact(u))
	case u.Hostname() == "":
		return fmt.Errorf("%q has no host: write sftp://USER@HOST[:PORT]/PATH", s)
	case u.Path == "" || u.Path == "/":
		return fmt.Errorf("%q has no path: write Turnkey's work folder on the host after the host, e.g. sftp://turnkey@tk.example:22/opt/EINVTurnkey", s)
	case u.RawQuery != "" || u.Fragment != "":
		return fmt.Errorf("%q: a query or fragment is not allowed", s)
	}
	c.User, c.Host, c.Root, c.Port = u.User.Username(), u.Hostname(), strings.TrimSuffix(u.Path, "/"), 22
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%q: port %q is not 1 to 65535", s, p)
		}
		c.Port = n
	}
	return nil
}

func hasPassword(u *url.URL) bool { _, ok := u.User.Password(); return ok }

func redact(u *url.URL) string {
	v := *u
	v.User = url.User(u.User.Username())
	return v.String()
}

// Addr is host:port.
func (c *SFTPConfig) Addr() string {
	port := c.Port
	if port == 0 {
		port = 22
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(port))
}

// String is the sftp:// URL, without secrets.
func (c *SFTPConfig) String() string { return "sftp://" + c.User + "@" + c.Addr() + c.Root }

func (c *SFTPConfig) withDefaults() SFTPConfig {
	d := *c
	if d.Port == 0 {
		d.Port = 22
	}
	if d.DialTimeout <= 0 {
		d.DialTimeout = 15 * time.Second
	}
	if d.Timeout <= 0 {
		d.Timeout = 30 * time.Second
	}
	if d.KeepAlive <= 0 {
		d.KeepAlive = 15 * time.Second
	}
	if d.Parallel <= 0 {
		d.Parallel = 16
	}
	return d
}

// clientConfig builds the SSH client configuration: the key (and the
// password, if any) and the host key check against KnownHosts.
func (c *SFTPConfig) clientConfig() (*ssh.ClientConfig, error) {
	if c.KnownHosts == "" {
		return nil, errors.New("turnkey.sftp.known_hosts is required: an OpenSSH known_hosts file with the Turnkey host's key (ssh-keyscan, checked with the host's administrator)")
	}
	check, err := knownhosts.New(c.KnownHosts)
	if err != nil {
		return nil, fmt.Errorf("turnkey.sftp.known_hosts %s: %w", c.KnownHosts, err)
	}
	var auth []ssh.AuthMethod
	if c.KeyFile != "" {
		pem, err := os.ReadFile(c.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("turnkey.sftp.key %s: %w", c.KeyFile, err)
		}
		var signer ssh.Signer
		if len(c.Passphrase) > 0 {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(pem, c.Passphrase)
		} else {
			signer, err = ssh.ParsePrivateKey(pem)
		}
		var missing *ssh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("turnkey.sftp.key %s is encrypted: give its passphrase in turnkey.sftp.passphrase_file or passphrase_env", c.KeyFile)
		} else if err != nil {
			return nil, fmt.Errorf("turnkey.sftp.key %s: %w", c.KeyFile, err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if len(c.Password) > 0 {
		pw := string(c.Password)
		auth = append(auth, ssh.Password(pw))
	}
	if len(auth) == 0 {
		return nil, errors.New("turnkey.sftp: no way to log in: set turnkey.sftp.key (or password_file / password_env)")
	}
	return &ssh.ClientConfig{
		User:            c.User,
		Auth:            auth,
		HostKeyCallback: hostKeyCheck(check, c.KnownHosts),
		Timeout:         c.DialTimeout,
	}, nil
}

// HostKeyError is a host key the known_hosts file does not vouch for.
type HostKeyError struct {
	Host        string
	Fingerprint string // SHA256:… of the key the host offered
	File        string // the known_hosts file
	Changed     bool   // the file has another key for the host
	Known       []string
}

func (e *HostKeyError) Error() string {
	if e.Changed {
		return fmt.Sprintf("host key of %s CHANGED: it offers %s, but %s has %s for it; refusing to connect. "+
			"If the Turnkey host was reinstalled, check the new fingerprint with its administrator and replace the line; otherwise someone may be in between",
			e.Host, e.Fingerprint, e.File, strings.Join(e.Known, ", "))
	}
	return fmt.Sprintf("host key of %s is unknown: it offers %s, which is not in %s; refusing to connect. "+
		"Check the fingerprint with the Turnkey host's administrator, then add it: ssh-keyscan -p PORT HOST >> %s",
		e.Host, e.Fingerprint, e.File, e.File)
}

func hostKeyCheck(check ssh.HostKeyCallback, file string) ssh.HostKeyCallback {
	return func(host string, remote net.Addr, key ssh.PublicKey) error {
		err := check(host, remote, key)
		var ke *knownhosts.KeyError
		if !errors.As(err, &ke) {
			return err
		}
		he := &HostKeyError{Host: host, Fingerprint: ssh.FingerprintSHA256(key), File: file, Changed: len(ke.Want) > 0}
		for _, k := range ke.Want {
			he.Known = append(he.Known, fmt.Sprintf("%s (line %d)", ssh.FingerprintSHA256(k.Key), k.Line))
		}
		return he
	}
}
