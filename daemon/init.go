package daemon

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
	"time"

	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/spool"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// configTemplate is the file `turnkeyd init` writes: every key, with what it
// means and its default. TestConfigTemplateHasEveryKey keeps it complete.
const configTemplate = `# turnkeyd configuration. Every key is shown with its default.
# Relative paths are relative to this file's folder.
# ${NAME} and ${NAME:-default} are replaced from the environment; $$ is a "$".

# Time zone of invoice dates and times, deadlines and schedules.
timezone: {{.Timezone}}

mig:
  # MIG version written to Turnkey: 4.1 (F/G messages; the only version the
  # platform accepts since 2026-01-01) or 3.1 (C/D/A messages).
  version: "{{.MIG.Version}}"

seller:
  # The default seller (統一編號 and name) of CSV rows whose seller_ban is blank.
  ban: "{{.Seller.BAN}}"
  name: "{{.Seller.Name}}"

ledger:
  # The SQLite ledger: tracks, numbers, documents and their history.
  # Back it up; everything turnkeyd writes can be re-derived from it.
  path: {{.Ledger.Path}}
  # Voids and cancels of an invoice from an earlier period are refused after
  # this day and time of the odd month that follows the period ("DD HH:MM:SS";
  # the filing deadline is the 15th). A later void needs a special-void
  # approval number (CSV column special_void_number).
  void_cutoff: "{{.Ledger.VoidCutoff}}"
  # How long a document's XML stays in the ledger once the platform accepted
  # it and the archive holds it (archive.dir); after that, turnkeyd reads it
  # from the archive. 0 keeps it in the ledger forever.
  keep_bodies: {{.Ledger.KeepBodies}}

spool:
  # The ERP's drop folder. Write NAME.csv.tmp, then rename it to NAME.csv in
  # in/; answers appear in out/ (see docs/csv.md).
  dir: {{.Spool.Dir}}
  # How often in/ is rescanned in case a file-system event was missed.
  rescan: {{.Spool.Rescan}}
  # How a file in in/ is known to be complete (docs/csv.md):
  #   rename: taken as soon as it is seen; the ERP writes NAME.csv.tmp and
  #           renames it to NAME.csv (the best choice for an ERP that can);
  #   settle: taken once it has not changed for spool.settle, for writers
  #           that copy or write NAME.csv in place;
  #   marker: NAME.csv is taken once NAME.csv.ok exists beside it (the
  #           marker is removed when the file is taken).
  ready: {{.Spool.Ready}}
  # With ready: settle, a file changed less than this long ago is left
  # until it stops changing.
  settle: {{.Spool.Settle}}
  # Encoding of the CSV files: auto (UTF-8 if the file is valid UTF-8 or has
  # a BOM, else Big5), utf-8 or big5.
  encoding: {{.Spool.Encoding}}
  # How far in the future a document's date and time may lie, for an ERP
  # whose clock runs ahead; a later date is refused (DATE_FUTURE).
  clock_skew: {{.Spool.ClockSkew}}

turnkey:
  # Turnkey's work folder, the one holding UpCast/.
  dir: {{.Turnkey.Dir}}
  # Upload folders that differ from Turnkey's defaults, per message type,
  # relative to turnkey.dir or absolute. Turnkey's TASK_CONFIG table has the
  # real ones. Defaults: UpCast/B2SSTORAGE/<MSG>/SRC for 4.1,
  # UpCast/B2CSTORAGE/<MSG>/SRC for 3.1 and E0402, UpCast/B2BSTORAGE/A0401/SRC.
  upload: {}
  #   E0402: UpCast/B2PMESSAGE/E0402/SRC
  # Where Turnkey's Unpack task (B2B EXCHANGE) leaves downloads, relative to
  # turnkey.dir or absolute: <Unpack SRC_PATH>/BAK/<kind>, holding <d1>/<d2>/
  # sub-folders. Turnkey's TASK_CONFIG table has the real SRC_PATH.
  # How often Turnkey's folders are read for what it picked up (BAK),
  # refused (ERR) and the platform's verdicts.
  poll: {{.Turnkey.Poll}}
  results:
    process_result: {{.Turnkey.Results.ProcessResult}}
    summary_result: {{.Turnkey.Results.SummaryResult}}
    e0501: {{.Turnkey.Results.E0501}}
    e0504: {{.Turnkey.Results.E0504}}
  # Only when dir is sftp://USER@HOST[:PORT]/PATH (Turnkey on another host;
  # PATH is its work folder there, /C:/EINVTurnkey on Windows). See
  # docs/turnkey.md; check it with: turnkeyd doctor -config FILE.
  sftp:
    # Private key file; its passphrase only from a file or a variable.
    key: "{{.Turnkey.SFTP.Key}}"
    passphrase_file: "{{.Turnkey.SFTP.PassphraseFile}}"
    passphrase_env: "{{.Turnkey.SFTP.PassphraseEnv}}"
    # Password login, if the host wants one: only from a file or a variable.
    password_file: "{{.Turnkey.SFTP.PasswordFile}}"
    password_env: "{{.Turnkey.SFTP.PasswordEnv}}"
    # Required: OpenSSH known_hosts with the host's key. An unknown or changed
    # key is refused (ssh-keyscan -p PORT HOST >> FILE, after checking the
    # fingerprint with the host's administrator).
    known_hosts: "{{.Turnkey.SFTP.KnownHosts}}"
    # Connect and handshake limit, request timeout (a silent host is dropped
    # and dialled again) and keep-alive interval; 0: 15s, 30s, 15s.
    connect_timeout: {{.Turnkey.SFTP.ConnectTimeout}}
    timeout: {{.Turnkey.SFTP.Timeout}}
    keepalive: {{.Turnkey.SFTP.KeepAlive}}
    # Files uploaded at once over the one connection; 0: 16 (one SFTP session each).
    parallel: {{.Turnkey.SFTP.Parallel}}

http:
  # Where /metrics, /healthz and /readyz are served; empty turns HTTP off.
  listen: "{{.HTTP.Listen}}"

log:
  # debug, info, warn or error.
  level: {{.Log.Level}}
  # text or json.
  format: {{.Log.Format}}

archive:
  # What auditors read (docs/auditors.md): every file handed to Turnkey, its
  # verdict, the E0501 and E0504 received, and daily manifests chained by
  # hash. Kept forever; deleting is the operator's decision.
  dir: {{.Archive.Dir}}
  # How often the archive catches up with the ledger.
  interval: {{.Archive.Interval}}
  # How often the daemon verifies the whole archive against its manifests when
  # 'turnkeyd archive verify' has not (problems go to the log); 0: never.
  verify_every: {{.Archive.VerifyEvery}}
  # Where the auditors' read-only web view listens; empty turns it off.
  listen: "{{.Archive.Listen}}"
  # The auditors' logins, user: bcrypt hash (e.g. from htpasswd -nbB USER PASSWORD).
  # With none, the view has no login and may only listen on loopback.
  users:{{range $u, $h := .Archive.Users}}
    {{$u}}: "{{$h}}"{{end}}

jobs:
  # The scheduled work of the bimonthly calendar (docs/calendar.md). Each job
  # has a cron schedule (minute hour day-of-month month day-of-week, or
  # @hourly, @daily...) evaluated in timezone, and can be turned off. Every
  # run is recorded in the ledger; see them with "turnkeyd jobs list".
  # A running job holds its key (e.g. a period) this long without renewing
  # it; a crashed process's key is free again after it.
  lease: {{.Jobs.Lease}}
  # Wait before a failed run is tried again (or the next tick, if sooner).
  retry: {{.Jobs.Retry}}
  tracks:
    # Imports each E0501 (track allocation) Turnkey downloads into
    # turnkey.results.e0501, once; also once at start.
    schedule: "{{.Jobs.Tracks.Schedule}}"
    enabled: {{.Jobs.Tracks.Enabled}}
    # From this day of an even month, a seller without tracks for the
    # coming period is reported (metric and alert).
    check_from_day: {{.Jobs.Tracks.CheckFromDay}}
  blank:
    # After a period ends, reports each seller's unused track ranges of it
    # (E0402, due by the 10th of the odd month) and closes its tracks: a later
    # document dated in that period is refused (TRACK_CLOSED).
    schedule: "{{.Jobs.Blank.Schedule}}"
    enabled: {{.Jobs.Blank.Enabled}}
    # MIG version of the E0402: 4.1 or 3.1; empty: mig.version.
    mig_version: "{{.Jobs.Blank.MIGVersion}}"
  winners:
    # Reads each winner list (E0504) Turnkey downloads into
    # turnkey.results.e0504, records the prizes in the invoices' history and
    # writes spool/out/winners-<YYYMM>.csv. The list comes from the 28th of
    # the odd month; until it is in, a run waits and the next day tries again.
    schedule: "{{.Jobs.Winners.Schedule}}"
    enabled: {{.Jobs.Winners.Enabled}}
  reconcile:
    # Writes spool/out/reconcile-<yyyyMMdd>.csv: per seller and day of the
    # last 8 days, documents issued, uploaded, accepted, refused, waiting past
    # their upload deadline (48 h; 7 days for business buyers, voids and
    # allowances) and confirmed by Turnkey's SummaryResult; mismatches named.
    schedule: "{{.Jobs.Reconcile.Schedule}}"
    enabled: {{.Jobs.Reconcile.Enabled}}
`

// SandboxSeller is the seller of the embedded default (`make run`): a MOF test
// number, not a real business.
var SandboxSeller = SellerConfig{BAN: "04595252", Name: "turnkeyd 沙盒商店"}

// InitOptions says what `turnkeyd init` writes.
type InitOptions struct {
	Dir    string        // the folder of the configuration and, by default, of the data
	Seller SellerConfig  // the default seller; empty leaves seller.ban to fill in
	Force  bool          // overwrite an existing turnkeyd.yaml
	Poll   time.Duration // turnkey.poll; 0: the default
	// Sandbox: a local trial, where files are copied into in/ by hand
	// (spool.settle 1s instead of 10s).
	Sandbox bool
	// Auditors are archive.users: user name → bcrypt hash.
	Auditors map[string]string
}

// Init writes Dir/turnkeyd.yaml and creates the folder tree it names: the
// spool folders and, when turnkey.dir is inside Dir (a sandbox without the
// real Turnkey), Turnkey's upload folders. It returns the config path.
func Init(opt InitOptions) (string, error) {
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	path := filepath.Join(opt.Dir, "turnkeyd.yaml")
	if _, err := os.Stat(path); err == nil && !opt.Force {
		return "", fmt.Errorf("init: %s exists; keep it, or pass -force to overwrite it", path)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("init: %w", err)
	}
	cfg := DefaultConfig()
	cfg.Seller = opt.Seller
	if opt.Seller != (SellerConfig{}) {
		// run would refuse it: say so now, while the command is fresh.
		if err := cfg.checkSeller(); err != nil {
			return "", fmt.Errorf("init: %w", err)
		}
	}
	if opt.Sandbox {
		cfg.Spool.Settle = time.Second
	}
	if opt.Poll > 0 {
		cfg.Turnkey.Poll = opt.Poll
	}
	cfg.Archive.Users = opt.Auditors
	text, err := RenderConfig(cfg)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(path, text, 0o644); err != nil {
		return "", fmt.Errorf("init: %w", err)
	}
	loaded, err := ParseConfig(text, path)
	if err != nil {
		return "", err
	}
	return path, loaded.CreateFolders()
}

// RenderConfig returns the configuration file text for cfg.
func RenderConfig(cfg Config) ([]byte, error) {
	t, err := template.New("config").Parse(configTemplate)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, cfg); err != nil {
		return nil, fmt.Errorf("render config: %w", err)
	}
	return b.Bytes(), nil
}

// CreateFolders creates the spool folders, the ledger's folder and, for a
// sandbox (turnkey.dir inside the configuration's folder), Turnkey's upload
// folders. A real Turnkey's folders are Turnkey's to create.
func (c *Config) CreateFolders() error {
	dirs := []string{filepath.Dir(c.Path(c.Ledger.Path))}
	for _, sub := range spool.Folders {
		dirs = append(dirs, filepath.Join(c.Path(c.Spool.Dir), sub))
	}
	if c.SandboxTurnkey() {
		for _, h := range c.UploadHeads() {
			dirs = append(dirs, c.UploadDir(h))
		}
	}
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("create %s: %w", d, err)
		}
	}
	return nil
}

// SandboxTurnkey reports whether turnkey.dir lies inside the configuration's
// folder, i.e. is not a real Turnkey installation.
func (c *Config) SandboxTurnkey() bool {
	rel, err := filepath.Rel(c.base, c.Path(c.Turnkey.Dir))
	return err == nil && !turnkey.IsSFTP(c.Turnkey.Dir) && rel != ".." && !filepath.IsAbs(rel) && (len(rel) < 3 || rel[:3] != "../")
}

// UploadHeads lists the messages turnkeyd writes in the configured version.
func (c *Config) UploadHeads() []mig.Head {
	v := mig.Version(c.MIG.Version)
	var hs []mig.Head
	for _, t := range turnkey.UploadMessages {
		h := mig.Head{Type: t, Version: v}
		if h.Supported() {
			hs = append(hs, h)
		}
	}
	return hs
}

// UploadDir returns the absolute upload folder of h.
func (c *Config) UploadDir(h mig.Head) string {
	dir := c.Turnkey.Upload[string(h.Type)]
	if dir == "" {
		dir = turnkey.DefaultUploadDir(h)
	}
	return c.turnkeyPath(dir)
}

// ResultDir resolves a turnkey.results folder against turnkey.dir.
func (c *Config) ResultDir(p string) string {
	return c.turnkeyPath(p)
}
