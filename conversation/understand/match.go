package understand

// An Aho–Corasick automaton over the bytes of normalised text, compiled to
// a DFA: one table lookup per byte of input, whatever the number of
// keywords. Bytes that occur in no pattern share one class, which keeps the
// table small (a few hundred KiB for the example configuration). Because
// both patterns and text are valid UTF-8, a byte-level match always starts
// and ends on character boundaries.

type automaton struct {
	class    [256]uint16
	nclass   int
	delta    []int32  // state*nclass + class → next state
	delta16  []uint16 // the same, when the states fit 16 bits: half the memory
	emits    []bool   // the state or a suffix of it ends a pattern
	out      []int32  // pattern ending at this state, -1 if none
	dict     []int32  // nearest proper suffix state with an output, -1 if none
	patLen   []int32  // pattern id → length in bytes
	patCount int
}

type match struct {
	pat        int32
	start, end int32 // byte offsets in the text
}

// buildAutomaton compiles the patterns; pattern i is reported with id i.
// Empty and duplicate patterns are kept as ids but only the first of a
// duplicate set is ever reported.
func buildAutomaton(patterns []string) *automaton {
	a := &automaton{patCount: len(patterns), patLen: make([]int32, len(patterns))}
	// Byte classes: class 0 is "a byte in no pattern".
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			if a.class[p[i]] == 0 {
				a.nclass++
				a.class[p[i]] = uint16(a.nclass)
			}
		}
	}
	a.nclass++
	// Trie with sparse children while building.
	type node struct {
		next map[uint16]int32
	}
	nodes := []node{{}}
	out := []int32{-1}
	for id, p := range patterns {
		a.patLen[id] = int32(len(p))
		if p == "" {
			continue
		}
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			if nodes[s].next == nil {
				nodes[s].next = map[uint16]int32{}
			}
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{})
				out = append(out, -1)
				nodes[s].next[c] = n
			}
			s = n
		}
		if out[s] < 0 {
			out[s] = int32(id)
		}
	}
	ns := len(nodes)
	a.out = out
	a.dict = make([]int32, ns)
	a.delta = make([]int32, ns*a.nclass)
	fail := make([]int32, ns)
	// Breadth-first: fail links, dictionary links and the full DFA.
	queue := make([]int32, 0, ns)
	a.dict[0] = -1
	for c := 0; c < a.nclass; c++ {
		if n, ok := nodes[0].next[uint16(c)]; ok {
			a.delta[c] = n
			fail[n] = 0
			a.dict[n] = -1
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		base := int(s) * a.nclass
		fbase := int(fail[s]) * a.nclass
		for c := 0; c < a.nclass; c++ {
			n, ok := nodes[s].next[uint16(c)]
			if !ok {
				a.delta[base+c] = a.delta[fbase+c]
				continue
			}
			a.delta[base+c] = n
			f := a.delta[fbase+c]
			fail[n] = f
			if a.out[f] >= 0 {
				a.dict[n] = f
			} else {
				a.dict[n] = a.dict[f]
			}
			queue = append(queue, n)
		}
	}
	a.emits = make([]bool, ns)
	for s := range ns {
		a.emits[s] = a.out[s] >= 0 || a.dict[s] >= 0
	}
	if ns <= 1<<16 {
		a.delta16 = make([]uint16, len(a.delta))
		for i, d := range a.delta {
			a.delta16[i] = uint16(d)
		}
		a.delta = nil
	}
	return a
}

// find reports every occurrence of every pattern in text, in order of
// their end offsets (longest first at equal ends).
func (a *automaton) find(text string, dst []match) []match {
	if a == nil || len(a.out) <= 1 {
		return dst
	}
	if a.delta16 != nil {
		s := 0
		for i := 0; i < len(text); i++ {
			s = int(a.delta16[s*a.nclass+int(a.class[text[i]])])
			if a.emits[s] {
				dst = a.emit(dst, int32(s), int32(i+1))
			}
		}
		return dst
	}
	s := int32(0)
	for i := 0; i < len(text); i++ {
		s = a.delta[int(s)*a.nclass+int(a.class[text[i]])]
		if a.emits[s] {
			dst = a.emit(dst, s, int32(i+1))
		}
	}
	return dst
}

// emit reports the patterns ending at end in state s: its own, then those
// of its dictionary suffixes, longest first.
func (a *automaton) emit(dst []match, s, end int32) []match {
	for t := s; t > 0; t = a.dict[t] {
		if p := a.out[t]; p >= 0 {
			dst = append(dst, match{pat: p, start: end - a.patLen[p], end: end})
		}
	}
	return dst
}
