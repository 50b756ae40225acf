// Package understand reads what an owner writes, offline: no network and
// no model. It normalises Traditional Chinese to Simplified, finds the
// complaint's category from the configured keywords, its urgency
// (emergency and urgent words), the community named, a building/unit and a
// telephone number.
//
// An Understander is built once from the configuration (New) and is safe
// for concurrent use. Nothing here panics, whatever the input: empty text,
// invalid UTF-8, emoji, or the longest message an owner may send.
package understand

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/heedhq/heed/config"
)

// Urgency values; the same strings as cases.Urgency.
const (
	UrgencyNormal    = "normal"
	UrgencyUrgent    = "urgent"
	UrgencyEmergency = "emergency"
)

// OtherCategory is the category id given when no keyword matched. A
// configured category with this id loses ties: "我要反映一下楼上漏水" is about
// the leak, not a general remark.
const OtherCategory = "other"

// MaxAnalyzeBytes bounds the text Analyze reads; anything past it (cut at a
// character boundary) is ignored. Owners' messages are far shorter: the
// service refuses texts over rules.max_text_bytes (64 KiB by default).
const MaxAnalyzeBytes = 256 << 10

// Analysis is what heed understood from one message.
type Analysis struct {
	Text         string   `json:"-"`             // the input
	Simplified   string   `json:"-"`             // ToSimplified(Text): the form matched against
	Language     string   `json:"language"`      // "zh-CN", "zh-TW" or "en"
	Category     string   `json:"category"`      // category id, "other" when nothing matched
	CategoryName string   `json:"category_name"` // as configured
	Department   string   `json:"department"`    // the category's default department id
	Urgency      string   `json:"urgency"`       // "normal", "urgent", "emergency"
	Emergency    bool     `json:"emergency"`
	Confidence   float64  `json:"confidence"` // 0..1 in the category
	Words        []string `json:"words"`      // keywords that decided category and urgency, as configured, in order of appearance
	Community    string   `json:"community,omitempty"`
	Unit         string   `json:"unit,omitempty"`  // normalised, e.g. "3栋2单元1102", "B座12-3"
	Phone        string   `json:"phone,omitempty"` // "13812345678" or "+85291234567"
}

type entryKind uint8

const (
	kindCategory  entryKind = iota
	kindEmergency           // makes the message an emergency
	kindUrgent              // makes it urgent
	kindNeutral             // a harmless phrase containing an emergency word ("fire door")
	kindCommunity
)

// entry is one configured word. Several entries may share a pattern (the
// same normalised text).
type entry struct {
	kind   entryKind
	idx    int    // category or community index
	word   string // as configured
	weight float64
}

// pattern is one distinct normalised word.
type pattern struct {
	text      string
	wordStart bool // starts with an ASCII letter or digit: needs a word boundary before
	wordEnd   bool // ends with one: needs a word boundary (or an English ending) after
	entries   []int
}

// Understander holds the keyword tables compiled from a configuration.
type Understander struct {
	categories  []config.Category
	communities []string // community ids
	fallback    int      // index of the category with id "other", -1 if none
	language    string   // the company's default language
	entries     []entry
	patterns    []pattern
	ac          *automaton
}

// Default phrases that contain an emergency word without being one: a fire
// door is not a fire, and being troubled (被困扰) is not being trapped.
// They apply only where they contain a configured emergency word.
var neutralPhrases = []string{
	"fire door", "fire doors", "fire exit", "fire exits", "fire escape", "fire extinguisher",
	"fire extinguishers", "fire hydrant", "fire drill", "fire lane", "fire safety", "fire hazard",
	"fire inspection", "cigarette smoke", "second-hand smoke", "secondhand smoke",
	"火灾隐患", "防火", "被困扰", "困扰",
}

// New compiles the keyword tables of cfg: the categories' keywords and
// names, the communities' names and aliases, and the conversation's
// emergency and urgent words (their defaults when the list is empty). A nil
// cfg gives an Understander that knows no keywords.
func New(cfg *config.Config) *Understander {
	u := &Understander{fallback: -1, language: LangSimplified}
	if cfg == nil {
		cfg = &config.Config{}
	}
	if cfg.Company.DefaultLanguage != "" {
		u.language = cfg.Company.DefaultLanguage
	}
	byText := map[string]int{}
	add := func(word string, e entry) {
		key := keyOf(strings.TrimSpace(word))
		if key == "" {
			return
		}
		if utf8.RuneCountInString(key) > 64 {
			return // a phrase, not a keyword
		}
		p, ok := byText[key]
		if !ok {
			p = len(u.patterns)
			byText[key] = p
			u.patterns = append(u.patterns, pattern{
				text:      key,
				wordStart: isASCIIAlnum(key[0]),
				wordEnd:   isASCIIAlnum(key[len(key)-1]),
			})
		}
		for _, ei := range u.patterns[p].entries { // the same word twice in one list
			if o := u.entries[ei]; o.kind == e.kind && o.idx == e.idx {
				return
			}
		}
		e.word = word
		e.weight = weightOf(key)
		u.patterns[p].entries = append(u.patterns[p].entries, len(u.entries))
		u.entries = append(u.entries, e)
	}
	u.categories = make([]config.Category, len(cfg.Categories))
	for i, c := range cfg.Categories {
		c.Keywords = slices.Clone(c.Keywords)
		u.categories[i] = c
		if c.ID == OtherCategory && u.fallback < 0 {
			u.fallback = i
		}
		for _, k := range c.Keywords {
			add(k, entry{kind: kindCategory, idx: i})
		}
		add(c.Name, entry{kind: kindCategory, idx: i})
	}
	emergency, urgent := cfg.Conversation.EmergencyWords, cfg.Conversation.UrgentWords
	if len(emergency) == 0 {
		emergency = config.DefaultEmergencyWords
	}
	if len(urgent) == 0 {
		urgent = config.DefaultUrgentWords
	}
	emergencyKeys := make([]string, 0, len(emergency))
	for _, w := range emergency {
		add(w, entry{kind: kindEmergency})
		emergencyKeys = append(emergencyKeys, keyOf(w))
	}
	for _, w := range urgent {
		add(w, entry{kind: kindUrgent})
	}
	for _, n := range neutralPhrases {
		for _, k := range emergencyKeys {
			if k != "" && strings.Contains(n, k) && n != k {
				add(n, entry{kind: kindNeutral})
				break
			}
		}
	}
	for i, c := range cfg.Communities {
		u.communities = append(u.communities, c.ID)
		add(c.Name, entry{kind: kindCommunity, idx: i})
		for _, a := range c.Aliases {
			add(a, entry{kind: kindCommunity, idx: i})
		}
	}
	texts := make([]string, len(u.patterns))
	for i, p := range u.patterns {
		texts[i] = p.text
	}
	u.ac = buildAutomaton(texts)
	return u
}

// Categories lists the configured categories in configuration order, for
// menus.
func (u *Understander) Categories() []config.Category {
	if u == nil {
		return nil
	}
	out := make([]config.Category, len(u.categories))
	for i, c := range u.categories {
		c.Keywords = slices.Clone(c.Keywords)
		out[i] = c
	}
	return out
}

// hit is one valid occurrence of an entry.
type hit struct {
	entry      int
	start, end int32
	suppressed bool
}

// Analyze reads one message. Category: every category scores the weights
// of its distinct keywords found (a keyword's weight grows with its length;
// a keyword inside a longer one that matched counts only as the longer
// one), the best wins; Confidence grows with the winner's score and its
// margin over the runner-up. Urgency: any emergency word makes it an
// emergency; otherwise an urgent word not negated just before it (不急,
// not urgent) makes it urgent.
func (u *Understander) Analyze(text string) Analysis {
	if u == nil {
		u = New(nil)
	}
	a := Analysis{Text: text, Category: OtherCategory, Urgency: UrgencyNormal, Words: []string{}}
	if len(text) > MaxAnalyzeBytes {
		cut := MaxAnalyzeBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	if u.fallback >= 0 {
		c := u.categories[u.fallback]
		a.CategoryName, a.Department = c.Name, c.Department
	}
	n := normalize(text)
	a.Language = decideLanguage(n.han, n.latin, n.trad, u.language)
	a.Simplified = n.simplified
	key := n.key
	a.Unit = findUnit(key)
	a.Phone = findPhone(key)
	if key == "" {
		return a
	}

	var buf [64]match
	var cats, urg, comm []hit
	for _, m := range u.ac.find(key, buf[:0]) {
		p := &u.patterns[m.pat]
		if p.wordStart && m.start > 0 && isASCIIAlnum(key[m.start-1]) {
			continue
		}
		exact, inflected := true, true
		if p.wordEnd && int(m.end) < len(key) && isASCIIAlnum(key[m.end]) {
			exact = false
			inflected = englishEnding(key[m.end:])
		}
		for _, ei := range p.entries {
			e := &u.entries[ei]
			h := hit{entry: ei, start: m.start, end: m.end}
			switch e.kind {
			case kindCategory:
				if inflected {
					cats = append(cats, h)
				}
			case kindUrgent:
				if inflected && !negated(key, int(m.start)) {
					urg = append(urg, h)
				}
			case kindEmergency, kindNeutral:
				if exact {
					urg = append(urg, h)
				}
			case kindCommunity:
				if exact {
					comm = append(comm, h)
				}
			}
		}
	}
	suppressContained(cats)
	suppressContained(urg)

	var words []hit
	// Urgency.
	for _, h := range urg {
		if !h.suppressed && u.entries[h.entry].kind == kindEmergency {
			a.Urgency, a.Emergency = UrgencyEmergency, true
			words = append(words, h)
		}
	}
	if !a.Emergency {
		for _, h := range urg {
			if !h.suppressed && u.entries[h.entry].kind == kindUrgent {
				a.Urgency = UrgencyUrgent
				words = append(words, h)
			}
		}
	}

	// Category.
	if best, conf, hits := u.score(cats); best >= 0 {
		c := u.categories[best]
		a.Category, a.CategoryName, a.Department, a.Confidence = c.ID, c.Name, c.Department, conf
		words = append(words, hits...)
	}

	// Words, in order of appearance, once each.
	slices.SortStableFunc(words, func(x, y hit) int { return int(x.start - y.start) })
	seen := map[string]bool{}
	for _, h := range words {
		if w := u.entries[h.entry].word; !seen[w] {
			seen[w] = true
			a.Words = append(a.Words, w)
		}
	}

	// Community: the first named; the longer name where two start together.
	bestStart, bestLen := int32(-1), int32(0)
	for _, h := range comm {
		if bestStart < 0 || h.start < bestStart || (h.start == bestStart && h.end-h.start > bestLen) {
			bestStart, bestLen = h.start, h.end-h.start
			a.Community = u.communities[u.entries[h.entry].idx]
		}
	}
	return a
}

// score picks the category of the hits: the best score (ties: the
// category "other" loses, then more keywords win, then the keyword seen
// first, then configuration order). It returns -1 when nothing scored, the
// confidence, and the winner's hits.
func (u *Understander) score(cats []hit) (best int, confidence float64, hits []hit) {
	n := len(u.categories)
	if n == 0 || len(cats) == 0 {
		return -1, 0, nil
	}
	type tally struct {
		score float64
		count int
		first int32
	}
	t := make([]tally, n)
	for i := range t {
		t[i].first = math.MaxInt32
	}
	counted := map[int]bool{}
	for _, h := range cats {
		if h.suppressed || counted[h.entry] {
			continue
		}
		counted[h.entry] = true
		e := &u.entries[h.entry]
		t[e.idx].score += e.weight
		t[e.idx].count++
		t[e.idx].first = min(t[e.idx].first, h.start)
	}
	better := func(i, j int) bool { // is i better than j
		switch {
		case t[i].score != t[j].score:
			return t[i].score > t[j].score
		case i == u.fallback || j == u.fallback:
			return j == u.fallback // "other" loses ties
		case t[i].count != t[j].count:
			return t[i].count > t[j].count
		case t[i].first != t[j].first:
			return t[i].first < t[j].first
		}
		return i < j
	}
	best, second := -1, -1
	for i := range t {
		if t[i].score <= 0 {
			continue
		}
		switch {
		case best < 0 || better(i, best):
			best, second = i, best
		case second < 0 || better(i, second):
			second = i
		}
	}
	if best < 0 {
		return -1, 0, nil
	}
	s1, s2 := t[best].score, 0.0
	if second >= 0 {
		s2 = t[second].score
	}
	evidence := s1 + float64(t[best].count)
	strength := 1 - math.Exp(-evidence/4)
	margin := (s1 - s2) / s1
	confidence = math.Round(strength*(0.5+0.5*margin)*100) / 100
	confidence = max(0, min(1, confidence))
	for _, h := range cats {
		if !h.suppressed && u.entries[h.entry].kind == kindCategory && u.entries[h.entry].idx == best {
			hits = append(hits, h)
		}
	}
	return best, confidence, hits
}

// suppressContained marks the hits that lie inside a longer hit of the
// same list: "态度" inside "服务态度", "急" inside "紧急", "fire" inside
// "fire door". Neutral phrases suppress what they contain and never count.
func suppressContained(hs []hit) {
	if len(hs) < 2 {
		return
	}
	slices.SortFunc(hs, func(x, y hit) int {
		if x.start != y.start {
			return int(x.start - y.start)
		}
		return int(y.end - x.end)
	})
	maxEnd := int32(-1)
	for i := 0; i < len(hs); {
		j := i
		for j < len(hs) && hs[j].start == hs[i].start && hs[j].end == hs[i].end {
			hs[j].suppressed = hs[j].end <= maxEnd
			j++
		}
		maxEnd = max(maxEnd, hs[i].end)
		i = j
	}
}

// negated reports whether the urgent word at start is negated just before
// it: 不急, 不太急, 没有停水, 无需马上, "not urgent".
func negated(key string, start int) bool {
	s := key[:start]
	// English: the word before.
	if start > 0 && isASCIIAlnum(key[start]) {
		w := strings.TrimRight(s, " ")
		i := len(w)
		for i > 0 && (isASCIIAlnum(w[i-1]) || w[i-1] == '\'') {
			i--
		}
		switch w[i:] {
		case "not", "no", "isn't", "isnt", "never", "non":
			return true
		}
		return false
	}
	for n := 0; n < 2 && len(s) > 0; n++ {
		r, size := utf8.DecodeLastRuneInString(s)
		switch r {
		case '不', '别', '勿', '无', '没', '未':
			return true
		case ' ', '，', ',', '。', '.', '！', '!', '？', '?', '；', ';', '、', '：', ':':
			return false
		}
		s = s[:len(s)-size]
	}
	return false
}

// englishEnding reports whether s starts with an inflection that may follow
// an English keyword (leak → leaks, leaking, leaked) and then ends the word.
func englishEnding(s string) bool {
	for _, suf := range []string{"ing", "es", "ed", "s", "d", "ly"} {
		if strings.HasPrefix(s, suf) && (len(s) == len(suf) || !isASCIIAlnum(s[len(suf)])) {
			return true
		}
	}
	return false
}

// keyOf is the form words and text are compared in: Simplified,
// full-width folded, ASCII lower-cased, runs of white space as one space.
func keyOf(s string) string { return normalize(s).key }

// weightOf is a keyword's weight: one per Chinese (non-ASCII) character,
// two per English word, so that "漏水" and "leak" weigh the same.
func weightOf(key string) float64 {
	w := 0.0
	inWord := false
	for _, r := range key {
		switch {
		case r < utf8.RuneSelf && isASCIIAlnum(byte(r)):
			if !inWord {
				w += 2
			}
			inWord = true
		case r < utf8.RuneSelf:
			inWord = false
		default:
			w++
			inWord = false
		}
	}
	return max(w, 1)
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
