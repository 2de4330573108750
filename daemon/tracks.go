package daemon

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/traditionalchinese"

	"github.com/turnkeyd/turnkeyd/ledger"
	"github.com/turnkeyd/turnkeyd/mig"
)

// ImportTracks reads track allocations from files and imports them into the
// ledger in one transaction: E0501 XML (a bare InvoiceAssignNo or a
// Turnkey InvoiceEnvelope, MIG 3.x or 4.x), or the CSV the platform's
// website offers for download (UTF-8 or Big5). Importing the same file
// again changes nothing.
func ImportTracks(ctx context.Context, cfg *Config, files []string, out io.Writer) error {
	return importTracks(ctx, cfg, files, out, time.Now())
}

func importTracks(ctx context.Context, cfg *Config, files []string, out io.Writer, now time.Time) error {
	tracks, err := readTrackFiles(files)
	if err != nil {
		return err
	}
	locks, err := lockFolders(cfg)
	if err != nil {
		return err
	}
	defer locks.release()
	if err := refuseMissingLedger(cfg); err != nil {
		return err
	}
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	added, unchanged, err := l.ImportTracks(ctx, tracks)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %d track ranges (%d new, %d already there)\n", added+unchanged, added, unchanged)
	describeImport(cfg, tracks, now, out)
	return markFoundOnNewLedger(ctx, cfg, l, out)
}

// ParseTrackFile reads the track ranges of an E0501 XML file or of a
// platform CSV download; name is used for messages and as the source.
func ParseTrackFile(name string, data []byte) ([]ledger.Track, error) {
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("<")) {
		as, err := mig.ParseTrackAssignments(data)
		if err != nil {
			return nil, err
		}
		tracks := make([]ledger.Track, len(as))
		for i, a := range as {
			if tracks[i], err = ledger.TrackFromAssignment(*a, name); err != nil {
				return nil, fmt.Errorf("InvoiceAssignNo %d: %w", i+1, err)
			}
		}
		return tracks, nil
	}
	return parseTrackCSV(name, data)
}

// periodRange is the platform CSV's period column, "yyy/MM ~ yyy/MM" (ROC).
var periodRange = regexp.MustCompile(`^\s*(\d{2,3})/(\d{1,2})\s*[~～-]\s*(\d{2,3})/(\d{1,2})\s*$`)

// parseTrackCSV reads the platform's download (電子發票專用字軌號碼取號 →
// 查詢 → 下載): columns BAN, invoice type, (unused), period range, track,
// begin, end. A first row that is not data is a header.
func parseTrackCSV(name string, data []byte) ([]ledger.Track, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := traditionalchinese.Big5.NewDecoder().Bytes(data)
		if err != nil {
			return nil, fmt.Errorf("neither UTF-8 nor Big5: %w", err)
		}
		data = dec
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	var tracks []ledger.Track
	for row := 1; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if row == 1 && !isDigits(strings.TrimSpace(rec[0])) {
			continue // header
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		t, err := trackRow(name, rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", row, err)
		}
		tracks = append(tracks, t)
	}
	if len(tracks) == 0 {
		return nil, errors.New("no track rows (expected columns: BAN, invoice type, -, period yyy/MM ~ yyy/MM, track, begin, end)")
	}
	return tracks, nil
}

func trackRow(name string, rec []string) (ledger.Track, error) {
	if len(rec) < 7 {
		return ledger.Track{}, fmt.Errorf("%d columns, want 7: BAN, invoice type, -, period yyy/MM ~ yyy/MM, track, begin, end", len(rec))
	}
	for i := range rec {
		rec[i] = strings.TrimSpace(rec[i])
	}
	typ := rec[1]
	if len(typ) == 1 {
		typ = "0" + typ // the download may drop the leading zero
	}
	m := periodRange.FindStringSubmatch(rec[3])
	if m == nil {
		return ledger.Track{}, fmt.Errorf("period %q is not yyy/MM ~ yyy/MM", rec[3])
	}
	fromY, _ := strconv.Atoi(m[1])
	fromM, _ := strconv.Atoi(m[2])
	toY, _ := strconv.Atoi(m[3])
	toM, _ := strconv.Atoi(m[4])
	if fromY != toY || toM%2 != 0 || fromM != toM-1 {
		return ledger.Track{}, fmt.Errorf("period %q is not one two-month period (e.g. 115/01 ~ 115/02)", rec[3])
	}
	begin, err1 := strconv.Atoi(rec[5])
	end, err2 := strconv.Atoi(rec[6])
	if err1 != nil || err2 != nil || len(rec[5]) != 8 || len(rec[6]) != 8 {
		return ledger.Track{}, fmt.Errorf("begin %q and end %q must be 8-digit numbers", rec[5], rec[6])
	}
	return ledger.Track{SellerBAN: rec[0], InvoiceType: typ, Period: fmt.Sprintf("%03d%02d", toY, toM),
		Letters: rec[4], Begin: begin, End: end, Source: name}, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ListTracks prints per seller, period and track: range, used, remaining
// and the next number.
func ListTracks(ctx context.Context, cfg *Config, out io.Writer) error {
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return err
	}
	defer l.Close()
	usage, err := l.TrackUsage(ctx)
	if err != nil {
		return err
	}
	if len(usage) == 0 {
		fmt.Fprintln(out, "no tracks imported: import the E0501 with `turnkeyd tracks import FILE`")
		return nil
	}
	blank, err := l.BlankRanges(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "SELLER\tPERIOD\tTYPE\tTRACK\tRANGE\tUSED\tSKIPPED\tREMAINING\tNEXT\t")
	for _, u := range usage {
		next := u.NextNumber
		if next == "" {
			next = "(exhausted)"
		}
		if b, closed := blank[u.ID]; closed {
			next = "(closed; reported blank: " + orNone(b) + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%08d-%08d\t%d\t%d\t%d\t%s\t\n", u.SellerBAN, u.Period, u.InvoiceType, u.Letters,
			u.Begin, u.End, u.Used, u.Skipped, u.Remaining, next)
	}
	return w.Flush()
}

// SandboxUnregistered is a second seller of the sandbox, with tracks in
// the ledger but not registered with the (simulated) platform: its
// invoices show how a platform refusal reaches the ERP.
var SandboxUnregistered = SellerConfig{BAN: "10458570", Name: "turnkeyd 沙盒分店(未向平台註冊)"}

// SandboxTracks are the tracks of the embedded default: track TK with 100
// booklets of type 07 in the period of now and in the next one, for the
// sandbox seller, and track TU for the unregistered one, so that `make run`
// can issue invoices on any day.
func SandboxTracks(now time.Time, seller string) []ledger.Track {
	next := time.Date(now.Year(), now.Month()+2, 1, 0, 0, 0, 0, now.Location())
	var tracks []ledger.Track
	for _, p := range []string{ledger.PeriodOf(now), ledger.PeriodOf(next)} {
		tracks = append(tracks,
			ledger.Track{SellerBAN: seller, InvoiceType: "07", Period: p, Letters: "TK", Begin: 0, End: 4999, Source: "sandbox"},
			ledger.Track{SellerBAN: SandboxUnregistered.BAN, InvoiceType: "07", Period: p, Letters: "TU", Begin: 0, End: 49, Source: "sandbox"})
	}
	return tracks
}

// Sandbox prepares the embedded default in dir (a configuration with the
// sandbox seller, local spool and Turnkey folders, sample tracks for this
// period and the next) on first use, adds the tracks of a new period on
// later uses, and returns the configuration path.
func Sandbox(ctx context.Context, dir string, now time.Time, out io.Writer) (string, error) {
	path := filepath.Join(dir, "turnkeyd.yaml")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		auditors, err := sandboxAuditors()
		if err != nil {
			return "", err
		}
		if _, err := Init(InitOptions{Dir: dir, Seller: SandboxSeller, Poll: 2 * time.Second, Auditors: auditors, Sandbox: true}); err != nil {
			return "", err
		}
		fmt.Fprintf(out, "turnkeyd: created the sandbox in %s (seller %s, a MOF test number)\n", dir, SandboxSeller.BAN)
	}
	cfg, err := LoadConfig(path)
	if err != nil {
		return "", err
	}
	if err := cfg.CreateFolders(); err != nil {
		return "", err
	}
	printArchiveView(cfg, out)
	l, err := ledger.Open(ctx, cfg.Path(cfg.Ledger.Path), nil)
	if err != nil {
		return "", err
	}
	defer l.Close()
	for _, s := range []SellerConfig{cfg.Seller, SandboxUnregistered} {
		if err := l.UpsertSeller(ctx, s.BAN, s.Name); err != nil {
			return "", err
		}
	}
	if _, _, err := l.ImportTracks(ctx, SandboxTracks(now.In(cfg.Location()), cfg.Seller.BAN)); err != nil {
		return "", fmt.Errorf("sandbox tracks: %w", err)
	}
	return path, nil
}
