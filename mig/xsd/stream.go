package xsd

// Stream checks a document handed to it element by element while a
// producer writes it, without a tree. It is an acceptance check for a
// producer that means to write valid documents: it tells whether the
// document is valid, not why not. Valid is exact when it says yes (the
// document holds no violation Validate would report); a no, or a document
// it cannot judge (an element type with required attributes, anyType or
// wildcard content, text split in two), goes to Validate for the
// violations and the final word.
//
// Every element is in the schema's target namespace (the root declares it
// as the default) and carries no attribute but that declaration; text is
// character data, never CDATA. A Stream is reused with Reset and is not
// safe for concurrent use.
type Stream struct {
	s      *Schema
	ok     bool
	done   bool          // the root has ended
	frames []streamFrame // frames[:depth] are the open elements; the slice only grows
	depth  int
	ms     []*matcher // one per depth, reused from document to document
	viol   []violation
}

// streamFrame is an open element; its content matcher is the Stream's
// for its depth. One pointer per frame: a pointer write costs a write
// barrier while the GC marks.
type streamFrame struct {
	decl  *elemDecl
	fast  bool // the matcher's fastState runs the content
	texts int  // simple content: the pieces of text seen (one is checked at once)
}

// Reset starts a document to be checked against s.
func (st *Stream) Reset(s *Schema) {
	st.s, st.ok, st.done = s, true, false
	st.depth = 0
}

// Start opens the element local in the target namespace: the root, or a
// child of the open element.
func (st *Stream) Start(local string) {
	if !st.ok {
		return
	}
	name := qname{st.s.tns, local}
	var decl *elemDecl
	if st.depth == 0 {
		if st.done {
			st.ok = false // a second root
			return
		}
		decl = st.s.globals[name]
	} else if leaf := st.step(name); leaf != nil && leaf.kind == pElement {
		decl = leaf.elem
	}
	if decl == nil || !streamable(decl) {
		st.ok = false
		return
	}
	// The frames are set field by field in place, and the slice header is
	// written only to grow: a pointer write costs while the GC marks.
	n := st.depth
	if n == len(st.frames) {
		st.frames = append(st.frames, streamFrame{})
	}
	st.depth++
	f := &st.frames[n]
	f.decl, f.fast, f.texts = decl, false, 0
	if ct := decl.complex; ct != nil && ct.content != nil {
		m := st.matcherAt(n)
		f.fast = ct.flat
		if f.fast {
			m.fast.reset(ct.content)
		} else {
			m.reset(ct.top)
		}
	}
}

// streamable reports whether the Stream can judge an element declared by
// d: one of simple type, or of complex type with element-only or empty
// content and no required attribute (it sees no attributes).
func streamable(d *elemDecl) bool {
	if d.simple != nil {
		return true
	}
	if d.complex == nil || d.complex.anyType {
		return false
	}
	for _, a := range d.complex.attrs {
		if a.required {
			return false
		}
	}
	return true
}

// step matches a child element named name in the content of the open
// element and returns the leaf particle that takes it, or nil.
func (st *Stream) step(name qname) *particle {
	depth := st.depth - 1
	f := &st.frames[depth]
	ct := f.decl.complex
	if ct == nil || ct.content == nil {
		return nil // simple or empty content has no child elements
	}
	m := st.ms[depth]
	if f.fast {
		if leaf := m.fast.step(name); leaf != nil {
			return leaf
		}
		m.fast.handOver(m, ct.top)
		f.fast = false
	}
	return m.step(name)
}

// Text adds character data to the open element. The Stream checks s at
// once and keeps no reference to it.
func (st *Stream) Text(s string) {
	if !st.ok || st.depth == 0 {
		st.ok = st.ok && blank(s) // whitespace beside the root
		return
	}
	f := &st.frames[st.depth-1]
	switch {
	case f.decl.simple != nil:
		f.texts++
		st.ok = f.texts == 1 && st.valueOK(f.decl.simple, s)
	case f.decl.complex.content == nil:
		st.ok = false // empty content: not even whitespace
	default:
		st.ok = blank(s)
	}
}

// End closes the open element.
func (st *Stream) End() {
	if !st.ok || st.depth == 0 {
		st.ok = false
		return
	}
	depth := st.depth - 1
	f := &st.frames[depth]
	switch {
	case f.decl.simple != nil:
		if f.texts == 0 {
			st.ok = st.valueOK(f.decl.simple, "")
		}
	case f.decl.complex.content != nil:
		if f.fast {
			st.ok = st.ms[depth].fast.atEnd()
		} else {
			st.ok = st.ms[depth].atEnd()
		}
	}
	st.depth = depth
	st.done = depth == 0
}

// valueOK checks the text of an element of simple type t.
func (st *Stream) valueOK(t *simpleType, s string) bool {
	viol := t.check(s, st.viol[:0])
	if len(viol) == 0 {
		return true
	}
	st.viol = viol // keep the grown buffer; stored only now, as a pointer write costs while the GC marks
	return false
}

// Valid reports whether the document, now complete, is valid. False means
// invalid or not judged: run Validate.
func (st *Stream) Valid() bool {
	return st.ok && st.done && st.depth == 0
}

func (st *Stream) matcherAt(depth int) *matcher {
	for len(st.ms) <= depth {
		st.ms = append(st.ms, &matcher{work: make([]frame, 0, 16)})
	}
	return st.ms[depth]
}
