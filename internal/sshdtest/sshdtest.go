// Package sshdtest runs Debian's OpenSSH server for tests: a throw-away
// host key and client key, a free port on 127.0.0.1, the current user, and
// sshd's internal-sftp. It is test-only support; the product never
// imports it.
package sshdtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Binary is Debian's sshd.
const Binary = "/usr/sbin/sshd"

// Server is a running sshd.
type Server struct {
	Host       string // 127.0.0.1
	Port       int
	User       string
	KeyFile    string // the client's private key (ed25519, OpenSSH format, no passphrase)
	KnownHosts string // a known_hosts file that holds the server's host key
	HostKey    ssh.PublicKey
	Dir        string // sshd's configuration, keys and log

	t      testing.TB
	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{}
	config string
	logMu  sync.Mutex
	log    bytes.Buffer
}

// Start starts sshd and stops it when the test ends. Without sshd the test
// is skipped, or fails under TURNKEYD_CI=1.
func Start(t testing.TB) *Server {
	t.Helper()
	return start(t, "")
}

// StartChroot starts sshd with every session shut in a fresh folder: the
// host's path /X is the local path chroot/X. A test then tells apart what
// was read over SFTP from what was read from the local disk, which share a
// machine here. sshd only chroots as root and wants every component of the
// folder owned by root and writable by no one else, so it is made under
// /run; the test is skipped when not run as root.
func StartChroot(t testing.TB) (s *Server, chroot string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("sshd chroots sessions only when run as root")
	}
	chroot, err := os.MkdirTemp("/run", "turnkeyd-sshd-chroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(chroot) })
	return start(t, chroot), chroot
}

func start(t testing.TB, chroot string) *Server {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		if os.Getenv("TURNKEYD_CI") != "" {
			t.Fatalf("%s is missing: install openssh-server (.ci/run does)", Binary)
		}
		t.Skipf("%s is missing (install openssh-server to run the SFTP tests)", Binary)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	if u.Uid == "0" {
		// sshd's privilege separation folder, which a container may lack.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &Server{Host: "127.0.0.1", User: u.Username, Dir: t.TempDir(), t: t}
	hostPub := s.writeKey(t, "host_ed25519")
	clientPub := s.writeKey(t, "client_ed25519")
	s.KeyFile = filepath.Join(s.Dir, "client_ed25519")
	s.HostKey = hostPub
	s.Port = freePort(t)
	s.writeFile(t, "authorized_keys", ssh.MarshalAuthorizedKey(clientPub))
	s.KnownHosts = filepath.Join(s.Dir, "known_hosts")
	s.writeFile(t, "known_hosts", []byte(knownhosts.Line([]string{s.Addr()}, hostPub)+"\n"))
	s.config = filepath.Join(s.Dir, "sshd_config")
	s.writeFile(t, "sshd_config", []byte(fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile none
AuthorizedKeysFile %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
AllowUsers %s
MaxStartups 100
MaxSessions 100
Subsystem sftp internal-sftp
LogLevel ERROR
`, s.Port, filepath.Join(s.Dir, "host_ed25519"), filepath.Join(s.Dir, "authorized_keys"), u.Username)))
	if chroot != "" {
		f, err := os.OpenFile(s.config, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			_, err = fmt.Fprintf(f, "ChrootDirectory %s\n", chroot)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	s.start(t)
	t.Cleanup(s.Stop)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.Port)) }

// URL is sftp://user@host:port/path.
func (s *Server) URL(path string) string {
	return fmt.Sprintf("sftp://%s@%s%s", s.User, s.Addr(), path)
}

func (s *Server) start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(Binary, "-D", "-e", "-f", s.config)
	cmd.Stderr = &lockedWriter{s: s}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	done := s.done
	go func() { cmd.Wait(); close(done) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			t.Fatalf("sshd exited at start: %s", s.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd does not listen on %s after 15s: %s", s.Addr(), s.Log())
		}
		time.Sleep(20 * time.Millisecond) // polling for the port, not synchronising on an event we could wait for
	}
}

// Stop kills sshd and every session it forked.
func (s *Server) Stop() {
	s.Signal(syscall.SIGKILL)
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done != nil {
		<-done
	}
}

// Restart kills sshd and its sessions and starts it again on the same
// port with the same keys.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	s.start(t)
}

// Signal sends sig to sshd and every process it forked (one per
// connection): SIGSTOP stalls the server, SIGCONT resumes it.
func (s *Server) Signal(sig syscall.Signal) {
	s.mu.Lock()
	cmd := s.cmd
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	pids := append(descendants(cmd.Process.Pid), cmd.Process.Pid)
	for _, pid := range pids {
		kill(pid, sig)
	}
}

// Log returns what sshd wrote to its standard error.
func (s *Server) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// SetHostKey gives the server a new host key (restarting it), as a
// reinstalled or impersonated host would have; KnownHosts keeps the old.
func (s *Server) SetHostKey(t testing.TB) ssh.PublicKey {
	t.Helper()
	s.Stop()
	s.HostKey = s.writeKey(t, "host_ed25519")
	s.start(t)
	return s.HostKey
}

func (s *Server) writeKey(t testing.TB, name string) ssh.PublicKey {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "sshdtest")
	if err != nil {
		t.Fatal(err)
	}
	s.writeFile(t, name, pem.EncodeToMemory(block))
	sp, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func (s *Server) writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(s.Dir, name), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// descendants returns the processes below pid, read from /proc.
func descendants(pid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 {
			continue
		}
		if pp, err := strconv.Atoi(fields[1]); err == nil {
			parent[p] = pp
		}
	}
	var out []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

type lockedWriter struct{ s *Server }

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.s.logMu.Lock()
	defer l.s.logMu.Unlock()
	return l.s.log.Write(p)
}
