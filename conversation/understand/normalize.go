package understand

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normalized is a message in the forms Analyze works on, made in one pass.
type normalized struct {
	simplified string // ToSimplified(text)
	key        string // keyOf(text): simplified, ASCII lower-case, single spaces
	han        int    // Chinese characters
	latin      int    // Latin letters, outside e-mail addresses and links
	trad       int    // Traditional-only characters
}

// normalize computes ToSimplified, keyOf and the counts of scripts for text
// at once. The key is kept apart from the simplified text only from the
// first place they differ (an upper-case letter, a tab, two spaces): most
// messages need one buffer.
func normalize(text string) normalized {
	t := loadT2S()
	var n normalized
	simp := make([]byte, 0, len(text)+8)
	var key []byte     // nil while the key equals simp
	lastSpace := false // the key ends with a space: more white space adds nothing
	// split starts the key as a copy of simp so far.
	split := func() {
		if key == nil {
			key = make([]byte, len(simp), cap(simp))
			copy(key, simp)
		}
	}
	// space adds white space to the key: one space for a run.
	space := func(simpAlso string, isPlain bool) {
		if lastSpace || !isPlain {
			split()
		}
		simp = append(simp, simpAlso...)
		if key != nil && !lastSpace {
			key = append(key, ' ')
		}
		lastSpace = true
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ':
				space(text[i:i+1], true)
				i++
				continue
			case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				space(text[i:i+1], false)
				i++
				continue
			case c < ' ' || c == 0x7f: // other control characters: kept, in no token
				simp = append(simp, c)
				if key != nil {
					key = append(key, c)
				}
				lastSpace = false
				i++
				continue
			}
			// A token: up to white space, a control or a non-ASCII character.
			e, letters := i, 0
			upper := false
			for e < len(text) && text[e] > ' ' && text[e] < 0x7f {
				if b := text[e] | 0x20; b >= 'a' && b <= 'z' {
					letters++
					upper = upper || text[e] <= 'Z'
				}
				e++
			}
			tok := text[i:e]
			if letters > 0 && !strings.Contains(tok, "@") && !strings.Contains(tok, "://") && !hasPrefixFold(tok, "www.") {
				n.latin += letters
			}
			if upper {
				split()
			}
			simp = append(simp, tok...)
			if key != nil {
				for p := i; p < e; p++ {
					b := text[p]
					if b >= 'A' && b <= 'Z' {
						b += 'a' - 'A'
					}
					key = append(key, b)
				}
			}
			lastSpace = false
			i = e
			continue
		}
		// The common case: a character of the CJK Unified Ideographs
		// (U+4E00–U+9FFF: three bytes, lead byte E4–E9).
		if c >= 0xE4 && c <= 0xE9 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
			r := rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			if r >= 0x4E00 {
				n.han++
				if t.isTradOnly(r) {
					n.trad++
				}
				if s := t.dense[r-denseLo]; s != 0 {
					simp = utf8.AppendRune(simp, s)
					if key != nil {
						key = utf8.AppendRune(key, s)
					}
				} else {
					simp = append(simp, c, text[i+1], text[i+2])
					if key != nil {
						key = append(key, c, text[i+1], text[i+2])
					}
				}
				lastSpace = false
				i += 3
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		raw := text[i : i+size]
		i += size
		if r == utf8.RuneError && size == 1 {
			raw = "\uFFFD"
		}
		if f := foldWidth(r); f != r {
			if f == ' ' {
				space(" ", true)
				continue
			}
			if f|0x20 >= 'a' && f|0x20 <= 'z' {
				n.latin++
				if f <= 'Z' {
					split()
				}
			}
			simp = append(simp, byte(f))
			if key != nil {
				if f >= 'A' && f <= 'Z' {
					f += 'a' - 'A'
				}
				key = append(key, byte(f))
			}
			lastSpace = false
			continue
		}
		if isUnicodeSpace(r) {
			space(raw, false)
			continue
		}
		if isHan(r) {
			n.han++
			if t.isTradOnly(r) {
				n.trad++
			}
		}
		if s, ok := t.simplify(r); ok {
			raw = string(s) // rare: outside the common range
		}
		simp = append(simp, raw...)
		if key != nil {
			key = append(key, raw...)
		}
		lastSpace = false
	}
	n.simplified = string(simp)
	if key == nil {
		n.key = n.simplified
	} else {
		n.key = string(key)
	}
	return n
}

func isUnicodeSpace(r rune) bool {
	return r == 0x85 || r == 0xA0 || r == 0x2028 || r == 0x2029 || (r >= 0x2000 && r <= 0x200A) || r == 0x202F || r == 0x205F
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isHan(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0x2E80 && unicode.Is(unicode.Han, r)
}
