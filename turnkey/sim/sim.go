// Package sim is a stand-in for MOF's Turnkey program and the e-invoice
// platform behind it, as far as turnkeyd can see them: it picks up the
// message files turnkeyd drops into the upload folders, validates them and
// moves each to its BAK (picked up) or ERR (refused locally) folder, judges
// the picked-up messages as the platform would (duplicates, unknown or
// voided invoices, allowances beyond the invoice, unknown sellers, injected
// refusals) and writes the verdicts as ProcessResult and SummaryResult
// files where Turnkey's Unpack task leaves them. It also emits E0501 track
// allocations and E0504 winner lists.
//
// It is for the sandbox and for end-to-end tests, never for production:
// the codes it invents start with S (docs/turnkey.md lists them). Its state
// survives restarts in TurnkeyDir/.turnkeyd-sim/state.json. Given Seed and
// Now it is deterministic; tests call Step instead of Run.
package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
)

// Config says where the simulated Turnkey's folders are; every folder is
// absolute.
type Config struct {
	TurnkeyDir string              // turnkey.dir
	UploadDirs map[mig.Head]string // the SRC folder of each message type and version the daemon writes
	// The turnkey.results folders.
	ProcessResultDir, SummaryResultDir, E0501Dir, E0504Dir string
	// Sellers are the BANs the platform knows for this Turnkey; a message
	// of another seller is refused (CodeWrongSeller). Empty: any seller.
	Sellers []string
}

// Options set the simulator's behaviour.
type Options struct {
	Interval time.Duration // poll period of Run; 0 means 2s
	Delay    time.Duration // from pickup (SRC→BAK) to the platform's verdict; 0: in the same Step
	// RefuseShare is the share (0..1) of otherwise good messages the
	// platform refuses with RefuseCode, drawn per message from Seed.
	RefuseShare       float64
	RefuseCode        string // default CodeInjected (S9001)
	RefuseDescription string // default 模擬平台拒絕
	Paused            bool   // pick nothing up: files stay in SRC (verdicts already due still come)
	Seed              uint64
	Now               func() time.Time // default time.Now
	Log               *slog.Logger     // default: discard
}

// Sim is the simulated Turnkey and platform. Its methods are safe for
// concurrent use.
type Sim struct {
	cfg       Config
	dirs      []uploadDir
	sellers   map[string]bool
	validator *mig.Validator
	statePath string
	log       *slog.Logger

	mu  sync.Mutex
	opt Options
	st  *journal
}

// uploadDir is one SRC folder and the messages that may be dropped in it.
type uploadDir struct {
	src   string
	heads []mig.Head
}

// taipei is Taiwan time, in which Turnkey names its dated folders (no
// daylight saving since 1979, so a fixed zone is exact).
var taipei = time.FixedZone("Asia/Taipei", 8*60*60)

// New builds a simulator and loads its state from an earlier run, if any.
func New(cfg Config, opt Options) (*Sim, error) {
	if cfg.TurnkeyDir == "" {
		return nil, errors.New("sim: Config.TurnkeyDir is empty")
	}
	for name, dir := range map[string]string{"ProcessResultDir": cfg.ProcessResultDir, "SummaryResultDir": cfg.SummaryResultDir} {
		if dir == "" {
			return nil, fmt.Errorf("sim: Config.%s is empty", name)
		}
	}
	if opt.RefuseShare < 0 || opt.RefuseShare > 1 {
		return nil, fmt.Errorf("sim: RefuseShare %v is not between 0 and 1", opt.RefuseShare)
	}
	if opt.Interval <= 0 {
		opt.Interval = 2 * time.Second
	}
	if opt.RefuseCode == "" {
		opt.RefuseCode, opt.RefuseDescription = CodeInjected, Descriptions[CodeInjected]
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	v, err := mig.DefaultValidator()
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	s := &Sim{
		cfg:       cfg,
		sellers:   map[string]bool{},
		validator: v,
		statePath: filepath.Join(cfg.TurnkeyDir, ".turnkeyd-sim", "state.json"),
		log:       opt.Log.With("component", "sim"),
		opt:       opt,
	}
	for _, b := range cfg.Sellers {
		s.sellers[b] = true
	}
	byDir := map[string][]mig.Head{}
	for h, dir := range cfg.UploadDirs {
		byDir[filepath.Clean(dir)] = append(byDir[filepath.Clean(dir)], h)
	}
	for dir, heads := range byDir {
		s.dirs = append(s.dirs, uploadDir{src: dir, heads: heads})
	}
	slices.SortFunc(s.dirs, func(a, b uploadDir) int { return cmp.Compare(a.src, b.src) })
	if s.st, err = loadJournal(s.statePath); err != nil {
		return nil, err
	}
	return s, nil
}

// Run steps every Interval until ctx ends. A failed step is logged and
// retried at the next one; nothing is lost (see Step).
func (s *Sim) Run(ctx context.Context) error {
	s.mu.Lock()
	interval := s.opt.Interval
	s.mu.Unlock()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.Step(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("simulator step failed; retrying at the next one", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Step is one cycle: finish what an interrupted step left (moves, result
// files), pick up the files in every SRC folder unless paused, and give
// the verdicts that are due. Every decision is written to the state file
// before it is acted on, so a simulator killed at any point picks up where
// it stopped.
func (s *Sim) Step(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.finish(); err != nil {
		return err
	}
	if !s.opt.Paused {
		if err := s.pickUp(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.judge()
}

// SetPaused stops (true) or resumes (false) picking files up.
func (s *Sim) SetPaused(paused bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.Paused = paused
}

// SetRefuseShare changes the share of good messages refused from the next
// verdict on; it is clamped to 0..1.
func (s *Sim) SetRefuseShare(share float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opt.RefuseShare = min(max(share, 0), 1)
}

// State returns a copy of what the platform knows.
func (s *Sim) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.view()
}

func (s *Sim) now() time.Time { return s.opt.Now() }
