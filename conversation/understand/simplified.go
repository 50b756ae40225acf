package understand

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// t2sData is the Traditional → Simplified character table, generated from
// OpenCC's dictionaries (see the file's header).
//
//go:embed t2s.txt
var t2sData string

// The table covers U+3400–U+9FFF (CJK Extension A and the Unified
// Ideographs) densely; the few hundred characters outside it are in a map.
const (
	denseLo = 0x3400
	denseHi = 0xA000
)

type t2sTable struct {
	dense    []rune        // index r-denseLo → Simplified, 0 when r is not converted
	tradOnly []uint64      // bit set over the dense range: Traditional-only characters
	sparse   map[rune]rune // converted characters outside the dense range
	sparseTO map[rune]bool // Traditional-only characters outside the dense range
	size     int           // number of converted characters
}

var loadT2S = sync.OnceValue(func() *t2sTable {
	t := &t2sTable{
		dense:    make([]rune, denseHi-denseLo),
		tradOnly: make([]uint64, (denseHi-denseLo+63)/64),
		sparse:   map[rune]rune{},
		sparseTO: map[rune]bool{},
	}
	for line := range strings.Lines(t2sData) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 2 {
			continue
		}
		from, n1 := utf8.DecodeRuneInString(f[0])
		to, n2 := utf8.DecodeRuneInString(f[1])
		if from == utf8.RuneError || to == utf8.RuneError || n1 != len(f[0]) || n2 != len(f[1]) {
			continue
		}
		shared := len(f) > 2 && f[2] == "~"
		t.size++
		if from >= denseLo && from < denseHi {
			i := from - denseLo
			t.dense[i] = to
			if !shared {
				t.tradOnly[i/64] |= 1 << (i % 64)
			}
			continue
		}
		t.sparse[from] = to
		if !shared {
			t.sparseTO[from] = true
		}
	}
	return t
})

// simplify converts one character; ok is false when it is not Traditional.
func (t *t2sTable) simplify(r rune) (rune, bool) {
	if r >= denseLo && r < denseHi {
		if s := t.dense[r-denseLo]; s != 0 {
			return s, true
		}
		return r, false
	}
	if r >= 0x20000 || (r >= 0xF900 && r < 0xFB00) {
		if s, ok := t.sparse[r]; ok {
			return s, true
		}
	}
	return r, false
}

// isTradOnly reports whether r is a Traditional character that Simplified
// text does not use.
func (t *t2sTable) isTradOnly(r rune) bool {
	if r >= denseLo && r < denseHi {
		i := r - denseLo
		return t.tradOnly[i/64]&(1<<(i%64)) != 0
	}
	return t.sparseTO[r]
}

// ToSimplified returns s with Traditional Chinese characters replaced by
// their Simplified forms (per character, OpenCC's tables including the
// Taiwan and Hong Kong variants: 裡→里, 著→着), full-width letters and
// digits (ＡＢＣ１２３) folded to ASCII and the ideographic space to a plain
// space; Chinese punctuation stays. Invalid UTF-8
// becomes U+FFFD; everything else is kept as it is. Simplified text comes
// back unchanged except for the few characters both scripts use (乾, 著, 於),
// which take their Simplified form.
func ToSimplified(s string) string {
	t := loadT2S()
	// Fast path: nothing to change.
	clean := true
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			clean = false
			break
		}
		if _, ok := t.simplify(r); ok || foldWidth(r) != r {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // invalid bytes arrive as utf8.RuneError = U+FFFD
		r = foldWidth(r)
		if sr, ok := t.simplify(r); ok {
			r = sr
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldWidth maps full-width letters, digits and ＋－＃ to ASCII and the
// ideographic space to a space. Chinese punctuation (，。！？) stays.
func foldWidth(r rune) rune {
	switch {
	case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ', r == '＋', r == '－', r == '＃':
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// Languages DetectLanguage returns.
const (
	LangSimplified  = "zh-CN"
	LangTraditional = "zh-TW"
	LangEnglish     = "en"
)

// DetectLanguage guesses the language of an owner's message: "en" when it
// is mostly Latin letters (more than four letters for every Chinese
// character; e-mail addresses and links don't count), "zh-TW" when it has
// Chinese characters only Traditional text uses, otherwise "zh-CN" — also
// for text with no letters at all.
func DetectLanguage(s string) string {
	n := normalize(s)
	return decideLanguage(n.han, n.latin, n.trad, LangSimplified)
}

func decideLanguage(han, latin, trad int, fallback string) string {
	switch {
	case latin > 0 && latin > 4*han:
		return LangEnglish
	case trad > 0:
		return LangTraditional
	case han > 0:
		return LangSimplified
	}
	return fallback
}
