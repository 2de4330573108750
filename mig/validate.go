package mig

import (
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/turnkeyd/turnkeyd/internal/xmlread"
	"github.com/turnkeyd/turnkeyd/mig/xsd"
	"github.com/turnkeyd/turnkeyd/schemas"
)

// Validator checks MIG documents in two stages: the schema stage, against
// turnkeyd's own XSDs (package schemas) with the pure-Go validator of
// package xsd, and the business rules (Rules). It is what the daemon runs
// before a file may reach Turnkey and what `turnkeyd check` runs on files.
// A Validator is safe for concurrent use.
type Validator struct {
	schemas map[Head]*xsd.Schema                 // compiled by NewValidator
	lazy    map[Head]func() (*xsd.Schema, error) // or on first use (NewLazyValidator)
	rules   *Rules
	streams sync.Pool // of *checkStream, for Check
}

// NewValidator compiles every embedded schema, on every core; rules nil
// means DefaultRules.
func NewValidator(rules *Rules) (*Validator, error) {
	if rules == nil {
		rules = DefaultRules()
	}
	v := &Validator{schemas: map[Head]*xsd.Schema{}, rules: rules}
	v.streams.New = v.newCheckStream
	messages := schemas.Messages()
	compiled := make([]*xsd.Schema, len(messages))
	errs := make([]error, len(messages))
	next := make(chan int, len(messages))
	for i := range messages {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(messages)) {
		wg.Go(func() {
			for i := range next {
				m := messages[i]
				compiled[i], errs[i] = compileSchema(Head{Type: MessageType(m[0]), Version: Version(m[1])}, m)
			}
		})
	}
	wg.Wait()
	for i, m := range messages {
		if errs[i] != nil {
			return nil, errs[i]
		}
		v.schemas[Head{Type: MessageType(m[0]), Version: Version(m[1])}] = compiled[i]
	}
	return v, nil
}

// compileSchema compiles the embedded schema of message m, whose Head is h.
func compileSchema(h Head, m [2]string) (*xsd.Schema, error) {
	s, err := xsd.Compile(schemas.FS, schemas.File(m[0], m[1]))
	if err != nil {
		return nil, fmt.Errorf("compile the %s schema: %w", h, err)
	}
	if s.TargetNamespace() != h.Namespace() {
		return nil, fmt.Errorf("the %s schema has namespace %q, want %q", h, s.TargetNamespace(), h.Namespace())
	}
	return s, nil
}

// NewLazyValidator is NewValidator for a short run that needs few of the
// schemas: each is compiled when first used, and an error compiling it
// is reported by that use (Check, Render).
func NewLazyValidator(rules *Rules) *Validator {
	if rules == nil {
		rules = DefaultRules()
	}
	v := &Validator{lazy: map[Head]func() (*xsd.Schema, error){}, rules: rules}
	v.streams.New = v.newCheckStream
	for _, m := range schemas.Messages() {
		h := Head{Type: MessageType(m[0]), Version: Version(m[1])}
		v.lazy[h] = sync.OnceValues(func() (*xsd.Schema, error) { return compileSchema(h, m) })
	}
	return v
}

// schema returns the compiled schema of h; nil when there is none.
func (v *Validator) schema(h Head) (*xsd.Schema, error) {
	if v.lazy == nil {
		return v.schemas[h], nil
	}
	if compile := v.lazy[h]; compile != nil {
		return compile()
	}
	return nil, nil
}

var defaultValidator = sync.OnceValues(func() (*Validator, error) { return NewValidator(nil) })

// DefaultValidator returns a shared Validator with the default rules,
// compiling the schemas on first use.
func DefaultValidator() (*Validator, error) { return defaultValidator() }

// Rules returns the business rules v applies.
func (v *Validator) Rules() *Rules { return v.rules }

// Render renders d and checks it: the document against the schema of d's
// Head, then d against the business rules. It returns the bytes to write
// when there is no violation, and nil bytes with every violation otherwise
// (fail closed). The error is for documents that cannot be rendered at all
// (see Render).
//
// The schema stage runs on what is written, in one of two ways: an
// xsd.Stream checks the elements as they are written; when it does not
// accept them, the written bytes are read back and validated as a file
// would be, which finds every violation and has the last word.
func (v *Validator) Render(d Document) ([]byte, []Violation, error) {
	h := d.Header()
	s, err := v.schema(h)
	if err != nil {
		return nil, nil, fmt.Errorf("render %s: %w", h, err)
	}
	if s == nil {
		return nil, nil, fmt.Errorf("render %s: turnkeyd has no schema for %s", h, h)
	}
	b := treeBuilders.Get().(*treeBuilder)
	defer treeBuilders.Put(b)
	b.stream.Reset(s)
	if err := b.write(d, &b.stream); err != nil {
		return nil, nil, err
	}
	var violations []Violation
	if !b.stream.Valid() {
		errs, err := validateWritten(s, b.out)
		if err != nil {
			return nil, nil, fmt.Errorf("render %s: read back what was written: %w", h, err)
		}
		violations = schemaViolations(errs)
	}
	violations = append(violations, v.rules.Check(d)...)
	if len(violations) > 0 {
		return nil, violations, nil
	}
	return b.output(), nil, nil
}

// validateWritten validates a rendered document read back from its bytes.
func validateWritten(s *xsd.Schema, out []byte) ([]xsd.Error, error) {
	_, root, err := readRoot(out)
	if err != nil {
		return nil, err
	}
	return s.Validate(root), nil
}

// Check validates a MIG message read from a file. The error reports data
// that is not a MIG message turnkeyd has a schema for (not XML, another
// encoding than UTF-8, an envelope, an unknown namespace or version); the
// Head is known whenever the error is nil. The business rules run when the
// document can be read into the model; when it cannot (a decimal that is
// not a decimal), the schema stage has already said why.
//
// Files are checked as a stream where they can be: see checkPlain. The
// rest, and every file with a schema violation, take the way described
// above, which gives the violations and their paths.
func (v *Validator) Check(data []byte) (Head, []Violation, error) {
	if h, violations, ok := v.checkPlain(data); ok {
		return h, violations, nil
	}
	return v.checkTree(data)
}

// checkTree is Check on the tree read by xmlread.Read.
func (v *Validator) checkTree(data []byte) (Head, []Violation, error) {
	doc, root, err := readRoot(data)
	if err != nil {
		return Head{}, nil, err
	}
	if root.Tag == "InvoiceEnvelope" {
		return Head{}, nil, fmt.Errorf("the root is an InvoiceEnvelope (a Turnkey envelope of several messages), not one MIG message")
	}
	h, err := HeadOf(root.NamespaceURI())
	if err != nil {
		return Head{}, nil, err
	}
	s, err := v.schema(h)
	if err != nil {
		return h, nil, err
	}
	if s == nil {
		return h, nil, fmt.Errorf("turnkeyd has no schema for %s (it validates %s)", h, v.supported())
	}
	violations := schemaViolations(s.Validate(root))
	if d, err := ParseTree(doc); err == nil {
		violations = append(violations, v.rules.Check(d)...)
	} else if len(violations) == 0 {
		// The schema passed but the model could not be read: report it
		// rather than call the file valid.
		violations = append(violations, Violation{Code: "PARSE", Reason: err.Error()})
	}
	return h, violations, nil
}

// checkPlain is Check for a file of the plain form (xmlread.ReadPlain)
// that has no schema violation: the schema stage is an xsd.Stream fed as
// the file is read, and the tree is lean, only what ParseTree reads. It
// returns false for any other file, which Check then reads and validates
// in full: a Stream that does not accept a file does not say why.
func (v *Validator) checkPlain(data []byte) (Head, []Violation, bool) {
	st := v.streams.Get().(*checkStream)
	defer v.streams.Put(st)
	st.schema = nil
	doc, root, ok := xmlread.ReadPlain(data, st.events, true)
	if !ok || st.schema == nil || !st.Valid() || root.Tag == "InvoiceEnvelope" {
		return Head{}, nil, false
	}
	h, err := HeadOf(root.NamespaceURI())
	if s, _ := v.schema(h); err != nil || s != st.schema {
		return Head{}, nil, false
	}
	d, err := ParseTree(doc)
	if err != nil {
		return Head{}, nil, false // Check reports it
	}
	return h, v.rules.Check(d), true
}

// checkStream is checkPlain's schema stage: the Stream of the schema the
// root's namespace names.
type checkStream struct {
	xsd.Stream
	schema *xsd.Schema                    // the schema the Stream was reset to; nil when none
	events func(ns string) xmlread.Events // ReadPlain's events: sets schema
}

func (v *Validator) newCheckStream() any {
	st := &checkStream{}
	st.events = func(ns string) xmlread.Events {
		h, err := HeadOf(ns)
		if err != nil {
			return nil
		}
		if st.schema, _ = v.schema(h); st.schema == nil {
			return nil
		}
		st.Reset(st.schema)
		return &st.Stream
	}
	return st
}

func (v *Validator) supported() string {
	var list []string
	for _, m := range schemas.Messages() {
		list = append(list, m[0]+" "+m[1])
	}
	return strings.Join(list, ", ")
}

// schemaViolations turns schema errors into violations with XSD_ codes, e.g.
// rule "maxLength" → XSD_MAX_LENGTH.
func schemaViolations(errs []xsd.Error) []Violation {
	if len(errs) == 0 {
		return nil
	}
	out := make([]Violation, len(errs))
	for i, e := range errs {
		out[i] = Violation{Code: "XSD_" + upperSnake(e.Rule), Path: e.Path, Value: e.Value, Reason: e.Message}
	}
	return out
}

func upperSnake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' && i > 0 {
			b.WriteByte('_')
		}
		b.WriteString(strings.ToUpper(string(r)))
	}
	return b.String()
}
