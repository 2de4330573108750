// Package web is the auditors' read-only view of the archive and the
// ledger: search, a period's summary, an invoice as a person reads it with
// its whole history, and downloads of the archived XML and a period's zip.
// Standard library net/http and html/template; every page is a GET
// permalink, and nothing on it changes state.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/turnkeyd/turnkeyd/ledger"
)

// Config is what the web view needs.
type Config struct {
	Listen string            // host:port
	Dir    string            // the archive's folder
	Ledger *ledger.Ledger    // read only
	Users  map[string]string // user name → bcrypt hash; none: no login (loopback only)
	Log    *slog.Logger
	Loc    *time.Location // the time zone times are shown in
	// Listening, when set, receives the address once the view listens.
	Listening chan<- string
}

// Server serves the view.
type Server struct {
	cfg Config
	log *slog.Logger
}

// New checks cfg and builds the view; it does not listen yet.
func New(cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	if len(cfg.Users) == 0 && !Loopback(cfg.Listen) {
		return nil, fmt.Errorf("archive.listen %s is reachable from other machines: give archive.users (bcrypt hashes) or listen on 127.0.0.1", cfg.Listen)
	}
	for u, h := range cfg.Users {
		if _, err := bcrypt.Cost([]byte(h)); err != nil {
			return nil, fmt.Errorf("archive.users.%s: not a bcrypt hash (make one with `htpasswd -nbB USER PASSWORD`): %w", u, err)
		}
	}
	return &Server{cfg: cfg, log: cfg.Log}, nil
}

// Loopback reports whether addr (host:port) is bound to a loopback address
// only.
func Loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Run serves the view until ctx ends.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("archive.listen %s: %w", s.cfg.Listen, err)
	}
	if len(s.cfg.Users) == 0 {
		s.log.Warn("auditors' web view has no login: archive.users is empty, so it listens on loopback only", "addr", ln.Addr().String())
	} else {
		s.log.Info("serving the auditors' web view", "addr", ln.Addr().String(), "users", len(s.cfg.Users))
	}
	if s.cfg.Listening != nil {
		s.cfg.Listening <- ln.Addr().String()
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	err = srv.Serve(ln)
	<-done
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Handler returns the view's routes behind basic auth (when users are
// configured) and a read-only guard.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.search)
	mux.HandleFunc("GET /invoice/{number}", s.invoice)
	mux.HandleFunc("GET /period/{period}", s.period)
	mux.HandleFunc("GET /xml/{id}", s.xml)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "There is no page at %s. Start from the search page.", r.URL.Path)
	})
	return s.readOnly(s.auth(mux))
}

func (s *Server) readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "the auditors' view is read-only", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:")
		w.Header().Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// auth asks for a user name and password when users are configured; a
// wrong one costs a bcrypt comparison like a right one.
func (s *Server) auth(next http.Handler) http.Handler {
	if len(s.cfg.Users) == 0 {
		return next
	}
	dummy, _ := bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.MinCost)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		hash, known := s.cfg.Users[user]
		if !known {
			hash = string(dummy)
		}
		good := ok && bcrypt.CompareHashAndPassword([]byte(hash), []byte(pass)) == nil && known
		if !good {
			if ok {
				s.log.Warn("auditors' web view: login refused", "user", user, "remote", r.RemoteAddr)
			}
			w.Header().Set("WWW-Authenticate", `Basic realm="turnkeyd archive", charset="UTF-8"`)
			http.Error(w, "log in with your auditor's user name and password (archive.users)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
