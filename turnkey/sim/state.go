package sim

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/turnkeyd/turnkeyd/internal/atomicfile"
	"github.com/turnkeyd/turnkeyd/mig"
	"github.com/turnkeyd/turnkeyd/turnkey"
)

// The codes of the simulated platform. E0201 and E1003 are real MOF codes
// (domain.md §3.4); the S codes are the simulator's own, for refusals whose
// real code is not public. docs/turnkey.md lists them.
const (
	CodeDuplicateMessage = "E0201" // 訊息重複: identical content already stored
	CodeDuplicateIssue   = "E1003" // B2C 發票重覆開立: the number is issued (or voided)

	CodeWrongSeller          = "S1001" // the seller is not a party of this Turnkey
	CodeVoidUnknown          = "S2001" // void of an invoice the platform does not have (or cancelled)
	CodeVoidVoided           = "S2002" // void of a voided invoice
	CodeDateMismatch         = "S2003" // the invoice or allowance date differs from the platform's
	CodeCancelUnknown        = "S3001" // cancel of an invoice the platform does not have (or cancelled)
	CodeCancelVoided         = "S3002" // cancel of a voided invoice
	CodeAllowanceUnknown     = "S4001" // allowance against an invoice the platform does not have
	CodeAllowanceVoided      = "S4002" // allowance against a voided invoice
	CodeAllowanceExceeds     = "S4003" // allowances beyond the invoice's total
	CodeAllowanceDuplicate   = "S4004" // the allowance number is already stored
	CodeAllowanceVoidUnknown = "S5001" // void of an allowance the platform does not have
	CodeAllowanceVoidVoided  = "S5002" // void of a voided allowance
	CodeInjected             = "S9001" // injected refusal (Options.RefuseShare)
)

// Descriptions are the texts written with each code.
var Descriptions = map[string]string{
	CodeDuplicateMessage:     "訊息重複",
	CodeDuplicateIssue:       "B2C 發票重覆開立",
	CodeWrongSeller:          "模擬平台：賣方統編不屬於此 Turnkey",
	CodeVoidUnknown:          "模擬平台：作廢之發票不存在",
	CodeVoidVoided:           "模擬平台：發票已作廢",
	CodeDateMismatch:         "模擬平台：發票或折讓日期與平台紀錄不符",
	CodeCancelUnknown:        "模擬平台：註銷之發票不存在",
	CodeCancelVoided:         "模擬平台：發票已作廢，不可註銷",
	CodeAllowanceUnknown:     "模擬平台：折讓之原發票不存在",
	CodeAllowanceVoided:      "模擬平台：折讓之原發票已作廢",
	CodeAllowanceExceeds:     "模擬平台：折讓金額超過發票金額",
	CodeAllowanceDuplicate:   "模擬平台：折讓單號重複",
	CodeAllowanceVoidUnknown: "模擬平台：作廢之折讓不存在",
	CodeAllowanceVoidVoided:  "模擬平台：折讓已作廢",
	CodeInjected:             "模擬平台拒絕",
}

// Status is the platform's view of an invoice or allowance number.
type Status string

// The statuses of an invoice (issued, reissued, voided, cancelled) and of
// an allowance (issued, voided).
const (
	Issued    Status = "issued"    // stored
	Reissued  Status = "reissued"  // stored again after a cancel (F0701/C0701)
	Voided    Status = "voided"    // voided (F0501/C0501, G0501/D0501): final
	Cancelled Status = "cancelled" // cancelled (F0701/C0701): the number may be issued again
)

// Verdict is what became of a message file.
type Verdict string

// The verdicts of a message file.
const (
	RefusedLocally Verdict = "refused_locally" // moved to ERR; no result file (Turnkey refuses locally)
	Pending        Verdict = "pending"         // in BAK, verdict due at File.Due
	Accepted       Verdict = "accepted"        // stored by the platform (listed as Good)
	Refused        Verdict = "refused"         // refused by the platform (ProcessResult, listed as Failed)
)

// Invoice is the platform's view of an invoice number of a seller.
type Invoice struct {
	Seller       string
	Number       string
	Status       Status
	Issues       int             // times stored: 2 after one re-issue
	Message      mig.MessageType // of the last issue: F0401, C0401 or A0401
	Date         mig.Date
	Time         mig.TimeOfDay
	SellerName   string
	Buyer        string
	InvoiceType  string
	Total        mig.Decimal // TotalAmount
	Allowed      mig.Decimal // Amount + Tax of the stored, not voided allowances against it
	Allowances   []string    // numbers of the allowances stored against it
	RandomNumber string
	CarrierType  string
	CarrierID1   string
	CarrierID2   string
	DonateMark   string
	PrintMark    string
	ChangedAt    mig.Date // date of the last change (issue, void, cancel)
}

// Allowance is the platform's view of an allowance number of a seller.
type Allowance struct {
	Seller string
	Number string
	Status Status // Issued or Voided
	Date   mig.Date
	Lines  []AllowanceLine
}

// AllowanceLine is what an allowance takes off one invoice.
type AllowanceLine struct {
	Invoice string
	Amount  mig.Decimal // Amount + Tax of the allowance's lines for that invoice
}

// File is one message file the simulator picked up, and its verdict.
type File struct {
	Name      string
	Head      mig.Head // zero when the file is not a MIG message
	Src       string   // the SRC folder it was dropped in
	Path      string   // where it was moved: <MSG>/BAK/… or <MSG>/ERR/…
	PickedUp  time.Time
	Due       time.Time // when the platform's verdict is due (pending files)
	Verdict   Verdict
	Code      string // the platform's code, or for RefusedLocally the first local violation
	Reason    string // the description written with Code
	Seller    string
	Ref       turnkey.InvoiceRef // number and date as the result files name them
	Params    [5]string          // the parameters of its ProcessResult Info
	MessageID string             // the message object (envelope) Turnkey packed it in
}

// State is a copy of what the simulator knows.
type State struct {
	Invoices   []Invoice   // by seller, number
	Allowances []Allowance // by seller, number
	Files      []File      // in pickup order
}

// Invoice returns the platform's view of a seller's invoice number.
func (st State) Invoice(seller, number string) (Invoice, bool) {
	i := slices.IndexFunc(st.Invoices, func(v Invoice) bool { return v.Seller == seller && v.Number == number })
	if i < 0 {
		return Invoice{}, false
	}
	return st.Invoices[i], true
}

// Allowance returns the platform's view of a seller's allowance number.
func (st State) Allowance(seller, number string) (Allowance, bool) {
	i := slices.IndexFunc(st.Allowances, func(v Allowance) bool { return v.Seller == seller && v.Number == number })
	if i < 0 {
		return Allowance{}, false
	}
	return st.Allowances[i], true
}

// File returns the last file picked up under name.
func (st State) File(name string) (File, bool) {
	for i := len(st.Files) - 1; i >= 0; i-- {
		if st.Files[i].Name == name {
			return st.Files[i], true
		}
	}
	return File{}, false
}

// journalVersion is the format of the state file.
const journalVersion = 1

// journal is the simulator's state, written to the state file before each
// decision is acted on.
type journal struct {
	Version    int                   `json:"version"`
	Messages   uint64                `json:"messages"`   // messages picked up (draws, ids)
	Envelopes  uint64                `json:"envelopes"`  // envelopes built
	Written    uint64                `json:"written"`    // result files written (names)
	Invoices   map[string]*Invoice   `json:"invoices"`   // by key(seller, number)
	Allowances map[string]*Allowance `json:"allowances"` // by key(seller, number)
	Digests    map[string]string     `json:"digests"`    // sha256 of stored content → message id
	Files      []*fileRecord         `json:"files"`
	Outbox     []outFile             `json:"outbox"` // result files decided, not yet written
}

// fileRecord is a File with what the simulator needs until its verdict.
type fileRecord struct {
	File
	Seq    uint64 `json:"seq"`
	Size   int    `json:"size"`
	Digest string `json:"digest,omitempty"`
	Data   []byte `json:"data,omitempty"` // the content, until the verdict
	Moved  bool   `json:"moved"`          // the move to Path is done
}

// outFile is a result file to write.
type outFile struct {
	Dir  string `json:"dir"`
	Name string `json:"name"`
	Data []byte `json:"data"`
}

func key(seller, number string) string { return seller + "/" + number }

func newJournal() *journal {
	return &journal{Version: journalVersion, Invoices: map[string]*Invoice{}, Allowances: map[string]*Allowance{}, Digests: map[string]string{}}
}

func loadJournal(path string) (*journal, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newJournal(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("sim state: %w", err)
	}
	j := newJournal()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(j); err != nil {
		return nil, fmt.Errorf("sim state %s: %w: delete it to start the simulated platform afresh", path, err)
	}
	if j.Version != journalVersion {
		return nil, fmt.Errorf("sim state %s has version %d, this simulator writes %d: delete it to start afresh", path, j.Version, journalVersion)
	}
	return j, nil
}

func (s *Sim) save() error {
	data, err := json.MarshalIndent(s.st, "", " ")
	if err != nil {
		return fmt.Errorf("sim state: %w", err)
	}
	dir := filepath.Dir(s.statePath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("sim state: %w", err)
	}
	if err := atomicfile.Write(dir, filepath.Base(s.statePath), data); err != nil {
		return fmt.Errorf("sim state: %w", err)
	}
	return nil
}

// view copies the journal into a State.
func (j *journal) view() State {
	var st State
	for _, v := range j.Invoices {
		c := *v
		c.Allowances = slices.Clone(v.Allowances)
		st.Invoices = append(st.Invoices, c)
	}
	slices.SortFunc(st.Invoices, func(a, b Invoice) int {
		return cmp.Or(cmp.Compare(a.Seller, b.Seller), cmp.Compare(a.Number, b.Number))
	})
	for _, v := range j.Allowances {
		c := *v
		c.Lines = slices.Clone(v.Lines)
		st.Allowances = append(st.Allowances, c)
	}
	slices.SortFunc(st.Allowances, func(a, b Allowance) int {
		return cmp.Or(cmp.Compare(a.Seller, b.Seller), cmp.Compare(a.Number, b.Number))
	})
	for _, f := range j.Files {
		st.Files = append(st.Files, f.File)
	}
	return st
}
