package understand

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Features of a message for the statistical models: character 1–3-grams
// of its Chinese (in Simplified, width-folded: the key), English words and
// word pairs. A run of digits counts as one character "0" (a unit or a
// date says little about the category); punctuation, spaces and emoji end
// a run of characters, so no n-gram spans two clauses. Each feature is a
// 64-bit FNV-1a hash of its kind and text; a message's features are
// distinct and sorted.

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

type hasher uint64

func newHash(kind byte) hasher { return hasher((fnvOffset ^ uint64(kind)) * fnvPrime) }

func (h hasher) rune(r rune) hasher {
	var b [4]byte
	n := utf8.EncodeRune(b[:], r)
	for _, c := range b[:n] {
		h = (h ^ hasher(c)) * fnvPrime
	}
	return h
}

func (h hasher) str(s string) hasher {
	for i := 0; i < len(s); i++ {
		h = (h ^ hasher(s[i])) * fnvPrime
	}
	return h
}

// extract appends the features of key (a keyOf text) to dst, distinct and
// sorted. With names, it also writes the text of each feature whose hash
// is a key of names (for explaining decisions; the hot path passes nil).
func extract(key string, dst []uint64, names map[uint64]string) []uint64 {
	add := func(h hasher, text func() string) {
		dst = append(dst, uint64(h))
		if names != nil {
			if _, ok := names[uint64(h)]; ok {
				names[uint64(h)] = text()
			}
		}
	}
	var han [3]rune // the last characters of the current run, newest last
	nHan := 0
	var prevWord string
	i := 0
	for i < len(key) {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z' || c == '\'':
			j := i
			for j < len(key) && (key[j] >= 'a' && key[j] <= 'z' || key[j] == '\'') {
				j++
			}
			w := key[i:j]
			nHan = 0
			add(newHash('w').str(w), func() string { return w })
			if st := stem(w); st != w {
				add(newHash('s').str(st), func() string { return st + "~" })
			}
			if prevWord != "" {
				p := prevWord
				add(newHash('b').str(p).str(" ").str(w), func() string { return p + " " + w })
			}
			prevWord = w
			i = j
			continue
		case c >= '0' && c <= '9':
			for i < len(key) && key[i] >= '0' && key[i] <= '9' {
				i++
			}
			prevWord = ""
			nHan = pushHan(&han, nHan, '0')
			addGrams(&han, nHan, add)
			continue
		case c == ' ':
			i++
			nHan = 0
			continue
		case c < utf8.RuneSelf:
			i++
			nHan = 0
			prevWord = ""
			continue
		}
		r, size := utf8.DecodeRuneInString(key[i:])
		i += size
		prevWord = ""
		if !unicode.IsLetter(r) {
			nHan = 0
			continue
		}
		nHan = pushHan(&han, nHan, r)
		addGrams(&han, nHan, add)
	}
	slices.Sort(dst)
	return slices.Compact(dst)
}

func pushHan(h *[3]rune, n int, r rune) int {
	h[0], h[1], h[2] = h[1], h[2], r
	return min(n+1, 3)
}

// addGrams adds the n-grams ending at the newest character.
func addGrams(h *[3]rune, n int, add func(hasher, func() string)) {
	r0, r1, r2 := h[0], h[1], h[2]
	add(newHash('1').rune(r2), func() string { return string(r2) })
	if n >= 2 {
		add(newHash('2').rune(r1).rune(r2), func() string { return string([]rune{r1, r2}) })
	}
	if n >= 3 {
		add(newHash('3').rune(r0).rune(r1).rune(r2), func() string { return string([]rune{r0, r1, r2}) })
	}
}

// stem strips an English inflection, so that leaks, leaking and leaked
// share a feature with leak.
func stem(w string) string {
	for _, suf := range []string{"ing", "ies", "es", "ed", "ly", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) && !strings.HasSuffix(w, "ss") {
			w = w[:len(w)-len(suf)]
			if suf == "ies" {
				w += "y"
			}
			if n := len(w); n > 2 && w[n-1] == w[n-2] && suf != "es" { // stopped → stop
				w = w[:n-1]
			}
			return w
		}
	}
	return w
}
