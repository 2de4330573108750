package xsd

import "fmt"

// checkUPA enforces Unique Particle Attribution: wherever the next element
// could be matched by two different leaf particles, the model is ambiguous
// and Compile refuses it. It computes the Glushkov first and follow sets of
// the leaves. As in libxml2, whose determinism check does not look through
// counters, the repetition of a counted particle (see counted) is not
// checked against what follows it: (a{1,2}, a) is accepted. libxml2 also
// accepts other ambiguous models that this check refuses.
func checkUPA(root *particle) error {
	u := &upa{follow: map[*particle][]*particle{}}
	u.walk(root, nil)
	if err := competing(u.first(root)); err != nil {
		return err
	}
	for _, f := range u.follow {
		if err := competing(f); err != nil {
			return err
		}
	}
	return nil
}

type upa struct {
	follow map[*particle][]*particle
}

// first returns the leaves that can start p.
func (u *upa) first(p *particle) []*particle {
	switch p.kind {
	case pElement, pAny:
		return []*particle{p}
	case pSequence:
		var out []*particle
		for _, k := range p.kids {
			out = addAll(out, u.first(k))
			if !k.nullable {
				break
			}
		}
		return out
	}
	var out []*particle
	for _, k := range p.kids {
		out = addAll(out, u.first(k))
	}
	return out
}

// walk records, for each leaf under p, the leaves that can follow it,
// given the leaves after that can follow p as a whole.
func (u *upa) walk(p *particle, after []*particle) {
	if (p.max == unbounded || p.max > 1) && !counted(p) {
		after = addAll(append([]*particle(nil), after...), u.first(p))
	}
	switch p.kind {
	case pElement, pAny:
		u.follow[p] = addAll(u.follow[p], after)
	case pSequence:
		next := after
		for i := len(p.kids) - 1; i >= 0; i-- {
			u.walk(p.kids[i], next)
			k := p.kids[i]
			if k.nullable {
				next = addAll(append([]*particle(nil), u.first(k)...), next)
			} else {
				next = u.first(k)
			}
		}
	case pChoice:
		for _, k := range p.kids {
			u.walk(k, after)
		}
	case pAll:
		for i, k := range p.kids {
			f := append([]*particle(nil), after...)
			for j, o := range p.kids {
				if j != i {
					f = addAll(f, u.first(o))
				}
			}
			u.walk(k, f)
		}
	}
}

func addAll(set, more []*particle) []*particle {
	for _, p := range more {
		dup := false
		for _, q := range set {
			dup = dup || q == p
		}
		if !dup {
			set = append(set, p)
		}
	}
	return set
}

// competing reports two distinct leaves of set that accept a same element.
func competing(set []*particle) error {
	for i, a := range set {
		for _, b := range set[i+1:] {
			if overlap(a, b) {
				return fmt.Errorf("%s can match two particles of the model", a.label())
			}
		}
	}
	return nil
}

// overlap reports whether some element name is accepted by both leaves.
func overlap(a, b *particle) bool {
	switch {
	case a.kind == pElement && b.kind == pElement:
		return a.elem.name == b.elem.name
	case a.kind == pElement:
		return b.wild.allows(a.elem.name.ns)
	case b.kind == pElement:
		return a.wild.allows(b.elem.name.ns)
	}
	candidates := append([]string{"", a.wild.tns, "\x00another namespace"}, a.wild.allowed...)
	for _, ns := range append(candidates, b.wild.allowed...) {
		if a.wild.allows(ns) && b.wild.allows(ns) {
			return true
		}
	}
	return false
}

// counted reports whether libxml2 builds the repetition of p with a
// counter; its determinism check does not look through counters.
func counted(p *particle) bool {
	switch p.kind {
	case pElement, pAny:
		return (p.max != unbounded && p.max > 1) || (p.max == unbounded && p.min >= 2)
	case pSequence:
		if p.max == unbounded {
			return p.min > 1
		}
		return p.max > 1 || p.min > 1
	case pChoice:
		return !(p.min == 1 && p.max == 1) && !(p.min == 0 && p.max == 1)
	}
	return false
}
