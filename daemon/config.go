// Package daemon wires turnkeyd together: the configuration, the components
// (spool intake, ledger, Turnkey target and results, jobs) under one
// supervisor, the HTTP endpoints for metrics and health, and the commands
// that cmd/turnkeyd exposes.
package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// Config is turnkeyd's configuration: one YAML file. Each section is named
// after the package it configures. Relative paths are relative to the
// folder holding the configuration file.
type Config struct {
	Timezone string        `yaml:"timezone"`
	MIG      MIGConfig     `yaml:"mig"`
	Seller   SellerConfig  `yaml:"seller"`
	Ledger   LedgerConfig  `yaml:"ledger"`
	Spool    SpoolConfig   `yaml:"spool"`
	Turnkey  TurnkeyConfig `yaml:"turnkey"`
	HTTP     HTTPConfig    `yaml:"http"`
	Log      LogConfig     `yaml:"log"`
	Archive  ArchiveConfig `yaml:"archive"`
	Jobs     JobsConfig    `yaml:"jobs"`

	// file is the path the configuration was read from; base is its folder.
	file, base string
}

// MIGConfig chooses the message version written to Turnkey.
type MIGConfig struct {
	Version string `yaml:"version"`
}

// SellerConfig is the default seller of documents whose seller_ban is blank.
type SellerConfig struct {
	BAN  string `yaml:"ban"`
	Name string `yaml:"name"`
}

// LedgerConfig locates the SQLite ledger and sets the lifecycle's cut-off.
type LedgerConfig struct {
	Path string `yaml:"path"`
	// VoidCutoff is when, in the odd month after an invoice's period, a
	// void or cancel of that invoice is no longer accepted: "DD HH:MM:SS".
	VoidCutoff string `yaml:"void_cutoff"`
	// KeepBodies is how long the body of a document the platform accepted
	// stays in the ledger after it was archived; 0 keeps bodies forever.
	KeepBodies time.Duration `yaml:"keep_bodies"`
}

// SpoolConfig is the ERP's drop folder.
type SpoolConfig struct {
	Dir    string        `yaml:"dir"`
	Rescan time.Duration `yaml:"rescan"`
	Settle time.Duration `yaml:"settle"`
	// Ready is how a file in in/ is known to be complete: rename, settle
	// or marker (see docs/csv.md).
	Ready    string `yaml:"ready"`
	Encoding string `yaml:"encoding"`
	// ClockSkew is how far in the future a document's date and time may
	// lie (the ERP's clock may run ahead); later is refused (DATE_FUTURE).
	ClockSkew time.Duration `yaml:"clock_skew"`
}

// TurnkeyConfig locates Turnkey's work folder and, where a site differs
// from Turnkey's defaults, the upload folder of a message type.
type TurnkeyConfig struct {
	Dir     string            `yaml:"dir"`
	Upload  map[string]string `yaml:"upload"`
	Results ResultsConfig     `yaml:"results"`
	Poll    time.Duration     `yaml:"poll"`
	SFTP    TurnkeySFTPConfig `yaml:"sftp"`
}

// ResultsConfig locates what Turnkey's Unpack task leaves after a download
// (<Unpack SRC_PATH>/BAK/<kind>/<d1>/<d2>/<file>), relative to turnkey.dir
// or absolute.
type ResultsConfig struct {
	ProcessResult string `yaml:"process_result"`
	SummaryResult string `yaml:"summary_result"`
	E0501         string `yaml:"e0501"`
	E0504         string `yaml:"e0504"`
}

// HTTPConfig is where /metrics, /healthz and /readyz are served.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
}

// LogConfig sets the log level and format of the daemon.
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// DefaultConfig returns the configuration every key defaults to.
func DefaultConfig() Config {
	return Config{
		Timezone: "Asia/Taipei",
		MIG:      MIGConfig{Version: string(mig.V41)},
		Ledger:   LedgerConfig{Path: "ledger.db", VoidCutoff: "13 23:59:59", KeepBodies: 60 * 24 * time.Hour},
		Spool: SpoolConfig{Dir: "spool", Rescan: 30 * time.Second, Settle: 10 * time.Second, Ready: ReadySettle, Encoding: "auto",
			ClockSkew: 5 * time.Minute},
		Turnkey: TurnkeyConfig{Dir: "turnkey", Upload: map[string]string{}, Results: ResultsConfig{
			ProcessResult: "Unpack/BAK/ProcessResult", SummaryResult: "Unpack/BAK/SummaryResult",
			E0501: "Unpack/BAK/E0501", E0504: "Unpack/BAK/E0504",
		}, Poll: 10 * time.Second},
		HTTP: HTTPConfig{Listen: "127.0.0.1:9464"},
		Log:  LogConfig{Level: "info", Format: "text"},

		Archive: defaultArchiveConfig(),
		Jobs:    DefaultJobsConfig(),
	}
}

// LoadConfig reads and validates the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s does not exist: create one with `turnkeyd init -dir %s`", path, filepath.Dir(path))
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	cfg, err := ParseConfig(data, path)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, locateValidation(err, data, path)
	}
	return cfg, nil
}

// ParseConfig reads configuration text over the defaults, expanding
// ${NAME} and ${NAME:-default} from the environment. An unknown key is an
// error naming it and its line. path is used for messages and to resolve
// relative paths. ParseConfig does not validate; see Validate.
func ParseConfig(data []byte, path string) (*Config, error) {
	expanded, err := expandEnv(string(data))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(expanded)))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return nil, explainDecodeError(err, []byte(expanded), path)
	}
	if cfg.Turnkey.Upload == nil {
		cfg.Turnkey.Upload = map[string]string{}
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.file, cfg.base = abs, filepath.Dir(abs)
	return &cfg, nil
}

// expandEnv replaces ${NAME} and ${NAME:-default}; "$$" is a literal "$".
// Whole-line comments are left as they are. An unset variable without a
// default is an error naming it and its line.
func expandEnv(s string) (string, error) {
	var b strings.Builder
	line := 1
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' {
			line++
		}
		if (i == 0 || s[i-1] == '\n') && strings.HasPrefix(strings.TrimLeft(s[i:], " \t"), "#") {
			end := strings.IndexByte(s[i:], '\n')
			if end < 0 {
				end = len(s) - i
			}
			b.WriteString(s[i : i+end])
			i += end - 1
			continue
		}
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
			continue
		case '{':
		default:
			b.WriteByte(c)
			continue
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("line %d: unterminated ${ (write $$ for a literal $)", line)
		}
		expr := s[i+2 : i+end]
		name, def, hasDef := strings.Cut(expr, ":-")
		if !validEnvName(name) {
			return "", fmt.Errorf("line %d: ${%s} is not a variable name", line, expr)
		}
		val, ok := os.LookupEnv(name)
		switch {
		case ok && val != "":
		case hasDef:
			val = def
		case !ok:
			return "", fmt.Errorf("line %d: environment variable %s is not set (or give a default: ${%s:-value})", line, name, name)
		}
		b.WriteString(val)
		i += end
	}
	return b.String(), nil
}

func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if r != '_' && (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Validate checks every field and returns all problems at once, each
// naming its key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		bad("timezone", "%q is not a time zone name (e.g. Asia/Taipei)", c.Timezone)
	}
	switch mig.Version(c.MIG.Version) {
	case mig.V41, mig.V31:
	default:
		bad("mig.version", "%q is not supported: use 4.1 (the platform accepts only 4.x since 2026-01-01) or 3.1", c.MIG.Version)
	}
	if err := c.checkSeller(); err != nil {
		errs = append(errs, err)
	}
	for key, v := range map[string]string{"ledger.path": c.Ledger.Path, "spool.dir": c.Spool.Dir, "turnkey.dir": c.Turnkey.Dir,
		"turnkey.results.process_result": c.Turnkey.Results.ProcessResult, "turnkey.results.summary_result": c.Turnkey.Results.SummaryResult,
		"turnkey.results.e0501": c.Turnkey.Results.E0501, "turnkey.results.e0504": c.Turnkey.Results.E0504} {
		if strings.TrimSpace(v) == "" {
			bad(key, "is required")
		}
	}
	errs = append(errs, c.validateSFTP()...)
	if c.Turnkey.Poll < 100*time.Millisecond {
		bad("turnkey.poll", "%s is too short: at least 100ms", c.Turnkey.Poll)
	}
	if _, err := c.Cutoff(); err != nil {
		bad("ledger.void_cutoff", "%v", err)
	}
	if c.Spool.Rescan < time.Second {
		bad("spool.rescan", "%s is too short: at least 1s (fsnotify picks files up at once; the rescan is the safety net)", c.Spool.Rescan)
	}
	if c.Spool.Settle < 0 || c.Spool.Settle > time.Minute {
		bad("spool.settle", "%s is out of range: 0 to 1m", c.Spool.Settle)
	}
	if !slices.Contains([]string{ReadyRename, ReadySettle, ReadyMarker}, c.Spool.Ready) {
		bad("spool.ready", "%q is not one of rename (the ERP renames NAME.csv.tmp to NAME.csv), settle (a file unchanged for spool.settle) or marker (NAME.csv waits for NAME.csv.ok)", c.Spool.Ready)
	}
	if c.Spool.ClockSkew < 0 || c.Spool.ClockSkew > 24*time.Hour {
		bad("spool.clock_skew", "%s is out of range: 0 to 24h (e.g. 5m)", c.Spool.ClockSkew)
	}
	if !slices.Contains([]string{"auto", "utf-8", "big5"}, c.Spool.Encoding) {
		bad("spool.encoding", "%q is not one of auto, utf-8, big5", c.Spool.Encoding)
	}
	for _, msg := range sortedKeys(c.Turnkey.Upload) {
		if !slices.Contains(turnkey.UploadMessages, mig.MessageType(msg)) {
			bad("turnkey.upload."+msg, "is not a message turnkeyd uploads (%s)", joinTypes(turnkey.UploadMessages))
		} else if strings.TrimSpace(c.Turnkey.Upload[msg]) == "" {
			bad("turnkey.upload."+msg, "is empty: remove the key to use Turnkey's default folder")
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Listen); err != nil && c.HTTP.Listen != "" {
		bad("http.listen", "%q is not host:port (e.g. 127.0.0.1:9464; empty turns HTTP off)", c.HTTP.Listen)
	}
	if !slices.Contains([]string{"debug", "info", "warn", "error"}, c.Log.Level) {
		bad("log.level", "%q is not one of debug, info, warn, error", c.Log.Level)
	}
	if !slices.Contains([]string{"text", "json"}, c.Log.Format) {
		bad("log.format", "%q is not one of text, json", c.Log.Format)
	}
	errs = append(errs, c.Archive.validate(c.Ledger.KeepBodies)...)
	errs = append(errs, c.Jobs.validate()...)
	return errors.Join(errs...)
}

// Location returns the configured time zone (Validate has checked it).
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// Path resolves a configured path against the configuration's folder.
func (c *Config) Path(p string) string {
	if p == "" || filepath.IsAbs(p) || c.base == "" || turnkey.IsSFTP(p) {
		return p
	}
	return filepath.Join(c.base, p)
}

// File returns the path the configuration was read from.
func (c *Config) File() string { return c.file }

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func joinTypes(ts []mig.MessageType) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = string(t)
	}
	return strings.Join(s, " ")
}

// Cutoff is the parsed ledger.void_cutoff: the day of the odd month after a
// period, and the time of that day, after which the period's invoices can
// no longer be voided or cancelled (ECPay stops at 13 23:59:59; the filing
// deadline is the 15th).
type Cutoff struct {
	Day                  int
	Hour, Minute, Second int
}

// Cutoff parses ledger.void_cutoff.
func (c *Config) Cutoff() (Cutoff, error) {
	var k Cutoff
	if _, err := fmt.Sscanf(c.Ledger.VoidCutoff, "%d %d:%d:%d", &k.Day, &k.Hour, &k.Minute, &k.Second); err != nil ||
		k.Day < 1 || k.Day > 28 || k.Hour > 23 || k.Minute > 59 || k.Second > 59 || k.Hour < 0 || k.Minute < 0 || k.Second < 0 {
		return k, fmt.Errorf("%q is not \"DD HH:MM:SS\" with DD from 1 to 28 (e.g. \"13 23:59:59\")", c.Ledger.VoidCutoff)
	}
	return k, nil
}

// For returns the moment after which invoices dated in the period of date
// can no longer be voided or cancelled: the cut-off day of the odd month
// after the period.
func (k Cutoff) For(date time.Time) time.Time {
	periodEnd := (int(date.Month()) + 1) / 2 * 2 // the even month ending the period
	return time.Date(date.Year(), time.Month(periodEnd+1), k.Day, k.Hour, k.Minute, k.Second, 0, date.Location())
}

// checkSeller checks seller.ban and seller.name (-seller-ban and
// -seller-name of init).
func (c *Config) checkSeller() error {
	var errs []error
	switch {
	case c.Seller.BAN == "":
		errs = append(errs, errors.New("seller.ban: is required: the 統一編號 of the default seller (-seller-ban)"))
	default:
		if v := mig.DefaultRules().CheckBAN(c.Seller.BAN, "seller", false); v != nil {
			errs = append(errs, fmt.Errorf("seller.ban: %s", v.Reason))
		}
	}
	if n := len([]rune(c.Seller.Name)); n < 1 || n > 60 {
		errs = append(errs, fmt.Errorf("seller.name: must be 1 to 60 characters (it is the Seller/Name of every invoice; -seller-name), has %d", n))
	}
	return errors.Join(errs...)
}

// The ways a file in in/ is known to be complete (spool.ready).
const (
	ReadyRename = "rename" // taken as soon as seen: the ERP renames a finished NAME.csv.tmp
	ReadySettle = "settle" // taken once unchanged for spool.settle: for writers that copy in place
	ReadyMarker = "marker" // taken once NAME.csv.ok exists beside it
)
