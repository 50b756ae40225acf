// Package understand reads what an owner writes, offline: no network and
// no external model. It normalises Traditional Chinese to Simplified and
// then:
//
//   - classifies the complaint's category and the message's intent with
//     logistic-regression models over character n-grams (the category's
//     averaged with a naive Bayes, category.go), trained at New
//     from the embedded corpus (corpus/train), the configured categories'
//     keywords and examples, and any corrections staff and owners made;
//   - finds emergencies in two stages: hazard rules read clause by clause
//     (rules.go, emergency.go), then a trained emergency model for the
//     wording the rules miss, which only asks the owner to confirm;
//   - finds the signals of a major complaint (lawsuit, media, hotline,
//     petition, many households), the community named, a building/unit and
//     a telephone number.
//
// An Understander is built once from the configuration (New) and is safe
// for concurrent use. Nothing here panics, whatever the input: empty text,
// invalid UTF-8, emoji, or the longest message an owner may send.
package understand

import (
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

// OtherCategory is the category id given when nothing else fits.
const OtherCategory = "other"

// MaxAnalyzeBytes bounds the text Analyze reads; anything past it (cut at a
// character boundary) is ignored. Owners' messages are far shorter: the
// service refuses texts over rules.max_text_bytes (64 KiB by default).
const MaxAnalyzeBytes = 256 << 10

// Analysis is what heed understood from one message.
type Analysis struct {
	Text         string        `json:"-"`        // the input
	Simplified   string        `json:"-"`        // ToSimplified(Text)
	Language     string        `json:"language"` // "zh-CN", "zh-TW" or "en"
	Intent       string        `json:"intent"`   // complaint, inquiry, suggestion, praise, greeting, thanks, other
	Category     string        `json:"category"` // the likeliest category id; "other" when there are none
	CategoryName string        `json:"category_name"`
	Department   string        `json:"department"` // the category's default department id
	Confidence   float64       `json:"confidence"` // the category's probability, 0..1
	Unsure       bool          `json:"unsure"`     // Confidence is below the threshold: ask with Alternatives
	Alternatives []Alternative `json:"alternatives"`
	Urgency      string        `json:"urgency"` // "normal", "urgent", "emergency"
	Emergency    bool          `json:"emergency"`
	// EmergencyCheck: the emergency model (not the rules) thinks this may
	// be an emergency; the conversation asks the owner to confirm.
	EmergencyCheck bool     `json:"emergency_check"`
	Hazard         string   `json:"hazard,omitempty"`          // fire, gas, trapped, flood, intrusion, injury, medical_power
	MajorSignals   []string `json:"major_signals"`             // lawsuit, media, hotline, petition, collective
	Words          []string `json:"words"`                     // configured words found: the category's keywords, emergency and urgent words
	Decided        []string `json:"decided"`                   // what decided: rules hit and skipped, the models' strongest features
	Community      string   `json:"community,omitempty"`       // a community id
	Unit           string   `json:"unit,omitempty"`            // normalised, e.g. "3栋2单元1102", "B座12-3"
	UnitAsWritten  string   `json:"unit_as_written,omitempty"` // the same as the owner wrote it: "A1棟2單元902"
	UnitComplete   bool     `json:"unit_complete"`             // the unit names a flat, not only a building
	Phone          string   `json:"phone,omitempty"`           // "13812345678" or "+85291234567"
}

// Choices are the categories the owner is offered when heed is unsure:
// the likeliest, and the next ones while they keep a probability of 5 %
// or more (always at least two, at most three).
func (a Analysis) Choices() []string {
	var out []string
	for _, alt := range a.Alternatives {
		if alt.Probability >= 0.05 || len(out) < 2 {
			out = append(out, alt.Category)
		}
	}
	return out
}

// Alternative is one candidate category with its probability.
type Alternative struct {
	Category    string  `json:"category"`
	Name        string  `json:"name"`
	Probability float64 `json:"probability"`
}

type entryKind uint8

const (
	kindCategory  entryKind = iota
	kindEmergency           // a configured emergency word
	kindUrgent              // a configured urgent word
	kindCommunity
	kindCue // a phrase of the rules' lexicon
)

// entry is one word to find. Several entries may share a pattern (the
// same normalised text).
type entry struct {
	kind entryKind
	idx  int    // category or community index
	word string // as configured
	cue  lexEntry
}

// pattern is one distinct normalised word.
type pattern struct {
	text      string
	wordStart bool // starts with an ASCII letter or digit: needs a word boundary before
	wordEnd   bool // ends with one: needs a word boundary (or an English ending) after
	entries   []int
}

// Understander holds the word tables and the models built from a
// configuration.
type Understander struct {
	categories  []config.Category
	communities []string // community ids
	fallback    int      // index of the category with id "other", -1 if none
	language    string   // the company's default language
	entries     []entry
	patterns    []pattern
	ac          *automaton
	m           *models
}

// New builds the Understander of cfg: the word tables (the categories'
// keywords, the communities' names and aliases, the conversation's
// emergency and urgent words) and the models, trained from the embedded
// corpus, the categories' keywords and examples. A configured category
// with too little to learn from is an error naming its key. A nil cfg
// gives an Understander without categories.
func New(cfg *config.Config) (*Understander, error) {
	return NewWithCorrections(cfg, nil)
}

// NewWithCorrections is New that also learns from corrections: messages
// whose category an owner or staff member corrected.
func NewWithCorrections(cfg *config.Config, corrections []Correction) (*Understander, error) {
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
		u.patterns[p].entries = append(u.patterns[p].entries, len(u.entries))
		u.entries = append(u.entries, e)
	}
	u.categories = make([]config.Category, len(cfg.Categories))
	for i, c := range cfg.Categories {
		c.Keywords = slices.Clone(c.Keywords)
		c.Examples = slices.Clone(c.Examples)
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
	for _, w := range emergency {
		add(w, entry{kind: kindEmergency})
	}
	for _, w := range urgent {
		add(w, entry{kind: kindUrgent})
	}
	for w, l := range lexicon {
		add(w, entry{kind: kindCue, cue: l})
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
	m, err := trainModels(u.categories, corrections)
	if err != nil {
		return nil, err
	}
	u.m = m
	return u, nil
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

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
