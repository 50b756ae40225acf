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
// at once; each result is the same as the separate functions give.
func normalize(text string) normalized {
	t := loadT2S()
	var n normalized
	simp := make([]byte, 0, len(text)+8)
	key := make([]byte, 0, len(text)+8)
	space := false // a white-space run is pending in key
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			// An ASCII run, token by token (a token ends at white space or
			// at a non-ASCII character, as in scripts).
			j := i
			for j < len(text) && text[j] < utf8.RuneSelf {
				j++
			}
			simp = append(simp, text[i:j]...)
			for k := i; k < j; {
				c := text[k]
				if isSpaceB(c) {
					space = true
					k++
					continue
				}
				if space {
					key = append(key, ' ')
					space = false
				}
				if c < ' ' || c == 0x7f { // other control characters: kept, in no token
					key = append(key, c)
					k++
					continue
				}
				e, letters := k, 0
				for e < j && text[e] > ' ' && text[e] != 0x7f {
					if text[e]|0x20 >= 'a' && text[e]|0x20 <= 'z' {
						letters++
					}
					e++
				}
				tok := text[k:e]
				if letters > 0 && !strings.Contains(tok, "@") && !strings.Contains(tok, "://") && !hasPrefixFold(tok, "www.") {
					n.latin += letters
				}
				for p := k; p < e; p++ {
					c := text[p]
					if c >= 'A' && c <= 'Z' {
						c += 'a' - 'A'
					}
					key = append(key, c)
				}
				k = e
			}
			i = j
			continue
		}
		// The common case: a character of the CJK Unified Ideographs
		// (U+4E00–U+9FFF: three bytes, lead byte E4–E9).
		if c := text[i]; c >= 0xE4 && c <= 0xE9 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 {
			r := rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			if r >= 0x4E00 {
				n.han++
				if t.isTradOnly(r) {
					n.trad++
				}
				if space {
					key = append(key, ' ')
					space = false
				}
				if s := t.dense[r-denseLo]; s != 0 {
					simp = utf8.AppendRune(simp, s)
					key = utf8.AppendRune(key, s)
				} else {
					simp = append(simp, c, text[i+1], text[i+2])
					key = append(key, c, text[i+1], text[i+2])
				}
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
			simp = utf8.AppendRune(simp, f)
			if f == ' ' {
				space = true
				continue
			}
			if f|0x20 >= 'a' && f|0x20 <= 'z' {
				n.latin++
				f |= 0x20
			}
			if space {
				key = append(key, ' ')
				space = false
			}
			key = append(key, byte(f))
			continue
		}
		if isUnicodeSpace(r) {
			simp = append(simp, raw...)
			space = true
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
		if space {
			key = append(key, ' ')
			space = false
		}
		key = append(key, raw...)
	}
	if space {
		key = append(key, ' ')
	}
	n.simplified, n.key = string(simp), string(key)
	return n
}

func isSpaceB(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
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
