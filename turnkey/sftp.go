package turnkey

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/sync/errgroup"
)

var _ Target = (*SFTPTarget)(nil)

// ErrLinkDown marks an error of the link to the Turnkey host (no
// connection, a dropped or stalled one), as opposed to an answer of the
// host (a missing folder, a permission).
var ErrLinkDown = errors.New("link to the Turnkey host is down")

// SFTPTarget puts files into Turnkey's folders on another host over SFTP,
// one SSH connection reused by parallel uploads. Each file is written into
// a staging folder beside the upload folders (the same remote file system),
// synced with fsync@openssh.com where the server offers it, and renamed
// into place with SSH_FXP_RENAME, which OpenSSH performs as link+unlink: it
// is atomic and refuses to overwrite, so a file never appears partial and
// never twice.
//
// A dropped link is dialled again on the next use, with a backoff from 0.5 s
// to 30 s between failed attempts; a request unanswered for Timeout drops
// the link (a stalled server), and an idle link sends keep-alives.
type SFTPTarget struct {
	cfg        SFTPConfig
	client     *ssh.ClientConfig
	staging    string
	log        *slog.Logger
	now        func() time.Time
	reconnects atomic.Uint64

	mu        sync.Mutex
	conn      *sftpConn // nil while the link is down
	lastErr   error
	nextTry   time.Time
	backoff   time.Duration
	connected bool // a connection was made before: the next one is a reconnect
	hostKey   string
}

// NewSFTPTarget checks cfg and reads the key and known_hosts files; it
// does not connect (the first use does).
func NewSFTPTarget(cfg SFTPConfig, log *slog.Logger) (*SFTPTarget, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := cfg.withDefaults()
	if c.Host == "" || c.User == "" || !path.IsAbs(c.Root) {
		return nil, fmt.Errorf("turnkey.dir: want sftp://USER@HOST[:PORT]/PATH, have %s", c.String())
	}
	client, err := c.clientConfig()
	if err != nil {
		return nil, err
	}
	t := &SFTPTarget{cfg: c, client: client, staging: path.Join(c.Root, ".turnkeyd-staging"), log: log, now: time.Now}
	hk := client.HostKeyCallback
	client.HostKeyCallback = func(host string, remote net.Addr, key ssh.PublicKey) error {
		err := hk(host, remote, key)
		if err == nil {
			t.hostKey = ssh.FingerprintSHA256(key) // under t.mu: only dial calls this
		}
		return err
	}
	return t, nil
}

// Root is Turnkey's work folder on the host.
func (t *SFTPTarget) Root() string { return t.cfg.Root }

// HostKey returns the SHA256 fingerprint of the host key of the last
// connection; empty before one.
func (t *SFTPTarget) HostKey() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hostKey
}

// Reconnects counts the connections made after the first.
func (t *SFTPTarget) Reconnects() uint64 { return t.reconnects.Load() }

// Up reports whether the link is connected now.
func (t *SFTPTarget) Up() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn != nil
}

// Close drops the connection.
func (t *SFTPTarget) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		t.conn.close()
		t.conn = nil
	}
	return nil
}

// sftpConn is one SSH connection with its SFTP session.
type sftpConn struct {
	ssh     *ssh.Client
	c       *sftp.Client   // the first session, for everything but uploads
	uploads []*sftp.Client // one SFTP session per parallel upload, c first
	fsync   bool
	stalled atomic.Bool
	done    chan struct{}
	once    sync.Once
	made    sync.Map // folders known to exist
}

func (sc *sftpConn) close() {
	sc.once.Do(func() {
		close(sc.done)
		sc.ssh.Close() // first: the SFTP client's Close waits for its reader to end
		for _, c := range sc.uploads {
			c.Close()
		}
	})
}

// session returns the connection, dialling it if the link is down and the
// backoff allows.
func (t *SFTPTarget) session(ctx context.Context) (*sftpConn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		return t.conn, nil
	}
	if now := t.now(); now.Before(t.nextTry) {
		return nil, fmt.Errorf("%w: %s: %v (next attempt in %s)", ErrLinkDown, t.cfg.String(), t.lastErr, t.nextTry.Sub(now).Round(time.Millisecond))
	}
	sc, err := t.dial(ctx)
	if err != nil {
		t.failed(err)
		var hk *HostKeyError
		if errors.As(err, &hk) {
			return nil, hk // not "ssh: handshake failed": the host answered, with a key we refuse
		}
		return nil, fmt.Errorf("%w: %s: %w", ErrLinkDown, t.cfg.String(), err)
	}
	if t.connected {
		t.reconnects.Add(1)
		t.log.Info("reconnected to the Turnkey host", "host", t.cfg.Addr(), "host_key", t.hostKey)
	} else {
		t.log.Info("connected to the Turnkey host", "host", t.cfg.Addr(), "host_key", t.hostKey, "fsync", sc.fsync)
	}
	t.connected, t.conn, t.backoff, t.lastErr = true, sc, 0, nil
	go t.keepAlive(sc)
	return sc, nil
}

// failed records a failed dial or a dropped link and sets the backoff.
func (t *SFTPTarget) failed(err error) {
	switch {
	case t.backoff == 0:
		t.backoff = 500 * time.Millisecond
	case t.backoff < 30*time.Second:
		t.backoff = min(2*t.backoff, 30*time.Second)
	}
	t.lastErr, t.nextTry = err, t.now().Add(t.backoff)
}

func (t *SFTPTarget) dial(ctx context.Context) (*sftpConn, error) {
	d := net.Dialer{Timeout: t.cfg.DialTimeout, KeepAlive: t.cfg.KeepAlive}
	nc, err := d.DialContext(ctx, "tcp", t.cfg.Addr())
	if err != nil {
		return nil, err
	}
	// The handshake and the SFTP version exchange must end within the
	// dial timeout even if the server accepts and then says nothing.
	nc.SetDeadline(time.Now().Add(t.cfg.DialTimeout))
	cc, chans, reqs, err := ssh.NewClientConn(nc, t.cfg.Addr(), t.client)
	if err != nil {
		nc.Close()
		return nil, err
	}
	sshc := ssh.NewClient(cc, chans, reqs)
	// Several SFTP sessions over the one connection: OpenSSH's sftp-server
	// answers one request at a time, so an fsync in one session would hold
	// up every other upload.
	sc := &sftpConn{ssh: sshc, done: make(chan struct{})}
	for range t.cfg.Parallel {
		c, err := sftp.NewClient(sshc, sftp.UseConcurrentWrites(true), sftp.MaxConcurrentRequestsPerFile(64))
		if err != nil {
			sshc.Close()
			return nil, fmt.Errorf("start SFTP (is the sftp subsystem enabled in the host's sshd_config?): %w", err)
		}
		sc.uploads = append(sc.uploads, c)
	}
	nc.SetDeadline(time.Time{})
	sc.c = sc.uploads[0]
	_, sc.fsync = sc.c.HasExtension("fsync@openssh.com")
	return sc, nil
}

// keepAlive sends a keep-alive when the link is idle and drops a link that
// does not answer one within the timeout.
func (t *SFTPTarget) keepAlive(sc *sftpConn) {
	tick := time.NewTicker(t.cfg.KeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-sc.done:
			return
		case <-tick.C:
		}
		err := t.timed(context.Background(), sc, func(func()) error {
			_, _, err := sc.ssh.SendRequest("keepalive@openssh.com", true, nil)
			return err
		})
		if err != nil {
			t.drop(sc, err)
			return
		}
	}
}

// drop closes sc after a link error, unless a newer connection replaced it.
func (t *SFTPTarget) drop(sc *sftpConn, err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sc.close()
	if t.conn != sc {
		return
	}
	t.conn = nil
	t.failed(err)
	t.log.Warn("link to the Turnkey host dropped; documents stay queued until it is back", "host", t.cfg.Addr(), "err", err)
}

// timed runs fn, closing the connection if it goes longer than the
// timeout without progress (a stalled server) or ctx ends. fn calls
// progress after each answered step of a long operation.
func (t *SFTPTarget) timed(ctx context.Context, sc *sftpConn, fn func(progress func()) error) error {
	timer := time.AfterFunc(t.cfg.Timeout, func() { sc.stalled.Store(true); sc.close() })
	stop := context.AfterFunc(ctx, sc.close)
	err := fn(func() { timer.Reset(t.cfg.Timeout) })
	timer.Stop()
	stop()
	if err != nil && sc.stalled.Load() {
		return fmt.Errorf("the host did not answer within %s (turnkey.sftp.timeout): %w", t.cfg.Timeout, err)
	}
	return err
}

// do runs fn on the connection with the timeout; a link error drops the
// connection and is returned wrapping ErrLinkDown.
func (t *SFTPTarget) do(ctx context.Context, fn func(sc *sftpConn) error) error {
	return t.doLong(ctx, func(sc *sftpConn, _ func()) error { return fn(sc) })
}

// doLong is do for an operation of many steps, each of which must
// answer within the timeout.
func (t *SFTPTarget) doLong(ctx context.Context, fn func(sc *sftpConn, progress func()) error) error {
	sc, err := t.session(ctx)
	if err != nil {
		return err
	}
	err = t.timed(ctx, sc, func(progress func()) error { return fn(sc, progress) })
	if err != nil && linkError(err, sc) {
		t.drop(sc, err)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%w: %s: %w", ErrLinkDown, t.cfg.String(), err)
	}
	return err
}

// linkError tells a lost link from an answer of the server.
func linkError(err error, sc *sftpConn) bool {
	if sc.stalled.Load() {
		return true
	}
	var st *sftp.StatusError
	switch {
	case errors.As(err, &st), errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission),
		errors.Is(err, fs.ErrExist), errors.Is(err, syscall.ENOTDIR):
		return false
	}
	return true
}

// mkdirAll makes dir once per connection.
func (sc *sftpConn) mkdirAll(dir string) error {
	if _, ok := sc.made.Load(dir); ok {
		return nil
	}
	if err := sc.c.MkdirAll(dir); err != nil {
		return fmt.Errorf("folder %s on the Turnkey host: %w", dir, err)
	}
	sc.made.Store(dir, true)
	return nil
}

// Put uploads files, up to Parallel at once over the one connection.
func (t *SFTPTarget) Put(ctx context.Context, files []File) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return t.doLong(ctx, func(sc *sftpConn, progress func()) error {
		if err := sc.mkdirAll(t.staging); err != nil {
			return err
		}
		for _, f := range files {
			if err := sc.mkdirAll(f.Dir); err != nil {
				return fmt.Errorf("upload folder: %w", err)
			}
		}
		queue := make(chan File)
		g, gctx := errgroup.WithContext(ctx)
		for _, c := range sc.uploads {
			g.Go(func() error {
				for f := range queue {
					if err := t.putOne(sc, c, f); err != nil {
						sc.made.Delete(f.Dir) // someone may have removed or replaced it: look again next time
						return err
					}
					progress()
				}
				return nil
			})
		}
	send:
		for _, f := range files {
			select {
			case queue <- f:
			case <-gctx.Done():
				break send
			}
		}
		close(queue)
		return g.Wait()
	})
}

// putOne writes f into the staging folder and renames it into place. A
// name already in place is the same document handed before (names are
// unique per document): the staged copy is removed.
func (t *SFTPTarget) putOne(sc *sftpConn, c *sftp.Client, f File) error {
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := path.Join(t.staging, f.Name+"."+hex.EncodeToString(rnd[:])+".tmp")
	dst := path.Join(f.Dir, f.Name)
	fh, err := c.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return fmt.Errorf("stage %s on the Turnkey host: %w", tmp, err)
	}
	_, err = fh.Write(f.Data)
	if err == nil && sc.fsync {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = c.Rename(tmp, dst)
		if err == nil {
			return nil
		}
		if _, serr := c.Lstat(dst); serr == nil {
			return c.Remove(tmp) // handed before
		}
		err = fmt.Errorf("rename into %s: %w", f.Dir, err)
	}
	c.Remove(tmp)
	return fmt.Errorf("upload %s to %s: %w", f.Name, t.cfg.Host, err)
}

// Handed lists dir and the BAK and ERR folders beside it on the host.
func (t *SFTPTarget) Handed(ctx context.Context, dir string, since time.Time) (map[string]bool, error) {
	return handed(ctx, t.fs(), dir, since)
}

// Clean removes the staged files an earlier run left on the host.
func (t *SFTPTarget) Clean(ctx context.Context) error {
	return t.do(ctx, func(sc *sftpConn) error {
		entries, err := sc.c.ReadDir(t.staging)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		} else if err != nil {
			return fmt.Errorf("staging folder %s: %w", t.staging, err)
		}
		for _, e := range entries {
			if e.Mode().IsRegular() && strings.HasSuffix(e.Name(), ".tmp") {
				if err := sc.c.Remove(path.Join(t.staging, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return fmt.Errorf("remove a staged file left by the last run: %w", err)
				}
			}
		}
		return nil
	})
}

// Ready connects if needed and checks that Turnkey's work folder is there.
func (t *SFTPTarget) Ready(ctx context.Context) error {
	return t.do(ctx, func(sc *sftpConn) error {
		st, err := sc.c.Stat(t.cfg.Root)
		if err != nil {
			return fmt.Errorf("turnkey.dir %s: %w: is Turnkey installed there?", t.cfg.String(), err)
		}
		if !st.IsDir() {
			return fmt.Errorf("turnkey.dir %s is not a folder", t.cfg.String())
		}
		return nil
	})
}

// Waiting implements Reader over SFTP.
func (t *SFTPTarget) Waiting(ctx context.Context, dir string) (map[string]bool, error) {
	return waiting(ctx, t.fs(), dir)
}

// Moved implements Reader over SFTP.
func (t *SFTPTarget) Moved(ctx context.Context, src string, since time.Time) (map[string]string, error) {
	return moved(ctx, t.fs(), src, since)
}

// List implements Reader over SFTP.
func (t *SFTPTarget) List(ctx context.Context, root string) ([]string, error) {
	return list(ctx, t.fs(), root)
}

// ReadFile implements Reader over SFTP.
func (t *SFTPTarget) ReadFile(ctx context.Context, p string) ([]byte, error) {
	var data []byte
	err := t.do(ctx, func(sc *sftpConn) error {
		f, err := sc.c.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		data, err = io.ReadAll(f)
		return err
	})
	return data, err
}

// Stat describes the file at p on the host; see Reader.
func (t *SFTPTarget) Stat(ctx context.Context, p string) (fs.FileInfo, error) {
	var info fs.FileInfo
	err := t.do(ctx, func(sc *sftpConn) error {
		var err error
		info, err = sc.c.Stat(p)
		return err
	})
	return info, err
}

func (t *SFTPTarget) fs() sftpFS { return sftpFS{t} }

// sftpFS is the host's file system as a lister.
type sftpFS struct{ t *SFTPTarget }

func (s sftpFS) readDir(ctx context.Context, dir string) ([]entry, error) {
	var out []entry
	err := s.t.do(ctx, func(sc *sftpConn) error {
		infos, err := sc.c.ReadDir(dir)
		out = make([]entry, len(infos))
		for i, fi := range infos {
			out[i] = entry{name: fi.Name(), dir: fi.IsDir(), regular: fi.Mode().IsRegular()}
		}
		return err
	})
	return out, err
}

func (sftpFS) join(elem ...string) string { return path.Join(elem...) }
func (sftpFS) dir(p string) string        { return path.Dir(p) }
