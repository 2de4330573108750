package xsd

// The content matcher runs a content model as a non-deterministic automaton
// whose states ("configurations") are stacks of frames from the model's
// root particle down to the leaf that matched the last child element, with
// the occurrence counts of every particle on the way. Keeping every
// configuration makes counted repetition exact ("(a{2,3}){2}" accepts four
// to six a's), as in libxml2; for the usual deterministic models there is
// one configuration at a time.

// frame is one particle on a configuration's stack.
type frame struct {
	p     *particle
	count int    // leaf: occurrences so far; group: iteration in progress
	idx   int    // group: the child in progress
	used  uint64 // all: children used in this iteration
}

type config []frame

// skip is a piece of required content passed over during error recovery:
// a whole particle (have < 0) or too few occurrences of a leaf.
type skip struct {
	p    *particle
	have int
}

// traversal modes.
const (
	modeMatch   = iota // collect the configurations after matching name
	modeEnd            // look for the end of the content
	modeCollect        // list the leaves that may take the next element
)

// matcher validates the sequence of child elements of one element.
type matcher struct {
	root    *particle
	started bool
	cur     []config

	arena   [2][]frame
	which   int
	work    []frame
	mode    int
	name    qname
	out     []config
	endHit  bool
	relaxed bool
	budget  int // new iterations a relaxed traversal may still start
	skips   []skip
	best    []skip // fewest skips found by a relaxed traversal
	bestCfg config
	found   bool
	leaves  []*particle
	fast    fastState
}

// reset prepares m for the children of an element with content root.
func (m *matcher) reset(root *particle) {
	m.root, m.started = root, false
	m.cur = m.cur[:0]
	m.arena[0], m.arena[1] = m.arena[0][:0], m.arena[1][:0]
}

// step consumes one child named name and returns the leaf particle that
// matched it, or nil if the content model does not allow it here.
func (m *matcher) step(name qname) *particle {
	m.mode, m.name, m.relaxed = modeMatch, name, false
	next := 1 - m.which
	m.arena[next] = m.arena[next][:0]
	m.out = m.out[:0]
	m.walkAll()
	if len(m.out) == 0 {
		return nil
	}
	m.cur = append(m.cur[:0], m.out...)
	m.which, m.started = next, true
	c := m.cur[0]
	return c[len(c)-1].p
}

// walkAll continues from each current configuration (loaded into the work
// stack) in the current mode; before the first child it starts the
// content instead. The root is the one-child sequence around the content
// model (see topParticle).
func (m *matcher) walkAll() {
	if !m.started {
		m.work = append(m.work[:0], frame{p: m.root, count: 1})
		m.seqFrom(0)
		return
	}
	for _, c := range m.cur {
		m.work = append(m.work[:0], c...)
		m.afterLeaf()
	}
}

// atEnd reports whether the content may end after the children so far.
func (m *matcher) atEnd() bool {
	m.mode, m.relaxed, m.endHit = modeEnd, false, false
	m.walkAll()
	return m.endHit
}

func (m *matcher) top() *frame { return &m.work[len(m.work)-1] }

// candidate is reached with a leaf on top that would take the next element.
func (m *matcher) candidate() {
	if m.mode == modeCollect {
		m.leaves = append(m.leaves, m.top().p)
		return
	}
	if m.mode != modeMatch || !m.top().p.matches(m.name) {
		return
	}
	if m.relaxed {
		m.record(config(m.work))
		return
	}
	next := 1 - m.which
	start := len(m.arena[next])
	m.arena[next] = append(m.arena[next], m.work...)
	c := config(m.arena[next][start:len(m.arena[next]):len(m.arena[next])])
	for _, o := range m.out {
		if sameConfig(o, c) {
			m.arena[next] = m.arena[next][:start]
			return
		}
	}
	m.out = append(m.out, c)
}

func sameConfig(a, b config) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// reachEnd is reached when the whole content may end here.
func (m *matcher) reachEnd() {
	m.endHit = true
	if m.relaxed && m.mode == modeEnd {
		m.record(nil)
	}
}

// record keeps the relaxed path with the fewest skips.
func (m *matcher) record(c config) {
	if m.found && len(m.skips) >= len(m.best) {
		return
	}
	m.found = true
	m.best = append(m.best[:0], m.skips...)
	m.bestCfg = append(m.bestCfg[:0], c...)
}

// afterLeaf continues after the leaf on top matched an element.
func (m *matcher) afterLeaf() {
	t := m.top()
	if t.p.canRepeat(t.count) {
		t.count++
		m.candidate()
		t.count--
	}
	short := t.count < t.p.min
	if short && !m.relaxed {
		return
	}
	if short {
		m.skips = append(m.skips, skip{t.p, t.count})
	}
	saved := *t
	m.work = m.work[:len(m.work)-1]
	m.afterChild()
	m.work = append(m.work, saved)
	if short {
		m.skips = m.skips[:len(m.skips)-1]
	}
}

// afterChild continues after the child in progress of the group on top
// was satisfied.
func (m *matcher) afterChild() {
	t := m.top()
	switch t.p.kind {
	case pSequence:
		idx := t.idx
		m.seqFrom(idx + 1)
		m.top().idx = idx
	case pChoice:
		m.afterIteration()
	case pAll:
		used := t.used
		t.used |= 1 << t.idx
		m.allNext()
		m.top().used = used
	}
}

// seqFrom enters the children of the sequence on top from index j; when
// all remaining children may be empty, the iteration may end.
func (m *matcher) seqFrom(j int) {
	t := m.top()
	pushed := 0
	for ; j < len(t.p.kids); j++ {
		kid := t.p.kids[j]
		m.top().idx = j
		m.enter(kid)
		if !kid.nullable {
			if !m.relaxed {
				m.skips = m.skips[:len(m.skips)-pushed]
				return
			}
			m.skips = append(m.skips, skip{kid, -1})
			pushed++
		}
	}
	m.afterIteration()
	m.skips = m.skips[:len(m.skips)-pushed]
}

// allNext enters the unused children of the xsd:all on top, or ends the
// iteration when every required child was used.
func (m *matcher) allNext() {
	t := m.top()
	pushed := 0
	for j, kid := range t.p.kids {
		if t.used&(1<<j) != 0 {
			continue
		}
		m.top().idx = j
		m.enter(kid)
		if !kid.nullable {
			if !m.relaxed {
				pushed = -1
				continue
			}
			m.skips = append(m.skips, skip{kid, -1})
			pushed++
		}
	}
	if pushed >= 0 {
		m.afterIteration()
		m.skips = m.skips[:len(m.skips)-pushed]
	}
}

// afterIteration continues after an iteration of the group on top ended:
// another iteration may start, and the group may be done.
func (m *matcher) afterIteration() {
	t := m.top()
	k := t.count
	if t.p.canRepeat(k) && (!m.relaxed || m.budget > 0) {
		saved := *t
		t.count, t.idx, t.used = k+1, 0, 0
		if m.relaxed {
			m.budget--
		}
		m.enterIteration()
		if m.relaxed {
			m.budget++
		}
		t = m.top() // the stack may have moved
		*t = saved
	}
	done := k >= t.p.min || contentNullable(t.p)
	if !done && !m.relaxed {
		return
	}
	if !done {
		m.skips = append(m.skips, skip{t.p, -1})
	}
	saved := *t
	m.work = m.work[:len(m.work)-1]
	if len(m.work) == 0 {
		m.reachEnd()
	} else {
		m.afterChild()
	}
	m.work = append(m.work, saved)
	if !done {
		m.skips = m.skips[:len(m.skips)-1]
	}
}

// contentNullable reports whether one iteration of a group can be empty.
func contentNullable(p *particle) bool {
	if p.kind == pChoice {
		for _, k := range p.kids {
			if k.nullable {
				return true
			}
		}
		return len(p.kids) == 0
	}
	for _, k := range p.kids {
		if !k.nullable {
			return false
		}
	}
	return true
}

// enter starts the first occurrence of kid under the group on top.
func (m *matcher) enter(kid *particle) {
	m.work = append(m.work, frame{p: kid, count: 1})
	if kid.isLeaf() {
		m.candidate()
	} else {
		m.enterIteration()
	}
	m.work = m.work[:len(m.work)-1]
}

// enterIteration enters the children that may take the first element of
// a new iteration of the group on top.
func (m *matcher) enterIteration() {
	t := m.top()
	switch t.p.kind {
	case pSequence:
		pushed := 0
		for j, kid := range t.p.kids {
			m.top().idx = j
			m.enter(kid)
			if !kid.nullable {
				if !m.relaxed {
					break
				}
				m.skips = append(m.skips, skip{kid, -1})
				pushed++
			}
		}
		m.skips = m.skips[:len(m.skips)-pushed]
		m.top().idx = 0
	case pChoice, pAll:
		for j, kid := range t.p.kids {
			m.top().idx = j
			m.enter(kid)
		}
		m.top().idx = 0
	}
}

// topParticle wraps a content model in a one-child sequence, so that
// starting the content is continuing that sequence from its first child.
func topParticle(content *particle) *particle {
	return &particle{kind: pSequence, min: 1, max: 1, kids: []*particle{content}, nullable: content.nullable}
}

// recoverTo looks for a way to match name by passing over required
// content (and starting at most one new iteration); it returns the pieces
// passed over, fewest first found.
func (m *matcher) recoverTo(name qname) ([]skip, bool) {
	m.mode, m.name = modeMatch, name
	return m.relaxedWalk()
}

// missing returns the required content still missing at the end.
func (m *matcher) missing() []skip {
	m.mode = modeEnd
	skips, _ := m.relaxedWalk()
	return skips
}

func (m *matcher) relaxedWalk() ([]skip, bool) {
	m.relaxed, m.budget, m.found = true, 1, false
	m.skips, m.best = m.skips[:0], m.best[:0]
	m.endHit = false
	m.walkAll()
	m.relaxed = false
	return m.best, m.found
}

// jump makes the configuration found by recoverTo the current one.
func (m *matcher) jump() *particle {
	next := 1 - m.which
	m.arena[next] = append(m.arena[next][:0], m.bestCfg...)
	m.cur = append(m.cur[:0], config(m.arena[next]))
	m.which, m.started = next, true
	return m.bestCfg[len(m.bestCfg)-1].p
}

// nextLeaves lists the leaf particles that may take the next element.
func nextLeaves(m *matcher) []*particle {
	m.mode, m.relaxed = modeCollect, false
	m.leaves = m.leaves[:0]
	m.walkAll()
	return m.leaves
}

// fastState runs the common flat content models without configurations:
// a sequence of element particles (position and count), or an xsd:all of
// elements (a bit set). Under Unique Particle Attribution taking the
// first fitting particle is exact. On the first child it cannot take, the
// state is handed to the matcher (handOver) for error recovery.
type fastState struct {
	content *particle
	seq     bool
	i, c    int    // sequence: current child and its count (c == 0: none yet)
	used    uint64 // all: children present
	last    int    // all: the child matched last
}

// flatContent reports whether the fast path can run a content model.
func flatContent(p *particle) bool {
	if p == nil || len(p.kids) > 64 || p.max != 1 {
		return false
	}
	for i, k := range p.kids {
		if k.kind != pElement {
			return false
		}
		for _, o := range p.kids[:i] {
			if o.elem.name == k.elem.name {
				return false // greedy matching is exact only with distinct names
			}
		}
	}
	return (p.kind == pSequence && p.min == 1) || p.kind == pAll
}

func (f *fastState) reset(content *particle) {
	*f = fastState{content: content, seq: content.kind == pSequence}
}

// step returns the particle taking name, or nil.
func (f *fastState) step(name qname) *particle {
	kids := f.content.kids
	if !f.seq {
		for j, k := range kids {
			if f.used&(1<<j) == 0 && k.elem.name == name {
				f.used |= 1 << j
				f.last = j
				return k
			}
		}
		return nil
	}
	if f.c > 0 {
		k := kids[f.i]
		if k.canRepeat(f.c) && k.elem.name == name {
			f.c++
			return k
		}
		if f.c < k.min {
			return nil
		}
	}
	for j := f.i + boolInt(f.c > 0); j < len(kids); j++ {
		k := kids[j]
		if k.elem.name == name {
			f.i, f.c = j, 1
			return k
		}
		if k.min > 0 {
			return nil
		}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// atEnd reports whether the content may end here.
func (f *fastState) atEnd() bool {
	kids := f.content.kids
	if !f.seq {
		if f.used == 0 && f.content.min == 0 {
			return true
		}
		for j, k := range kids {
			if k.min > 0 && f.used&(1<<j) == 0 {
				return false
			}
		}
		return true
	}
	j := 0
	if f.c > 0 {
		if f.c < kids[f.i].min {
			return false
		}
		j = f.i + 1
	}
	for ; j < len(kids); j++ {
		if kids[j].min > 0 {
			return false
		}
	}
	return true
}

// handOver loads the fast state into m as its single configuration.
func (f *fastState) handOver(m *matcher, top *particle) {
	m.reset(top)
	if (f.seq && f.c == 0) || (!f.seq && f.used == 0) {
		return
	}
	g := frame{p: f.content, count: 1, idx: f.i}
	leaf := frame{p: f.content.kids[f.i], count: f.c}
	if !f.seq {
		g.idx, g.used = f.last, f.used&^(1<<f.last)
		leaf = frame{p: f.content.kids[f.last], count: 1}
	}
	m.arena[0] = append(m.arena[0][:0], frame{p: top, count: 1}, g, leaf)
	m.cur = append(m.cur[:0], config(m.arena[0]))
	m.which, m.started = 0, true
}
