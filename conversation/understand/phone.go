package understand

// FindPhone finds a telephone number the owner gave: a mainland mobile
// (11 digits 1[3-9]…, also written "138 1234 5678", "138-1234-5678",
// "+86 13812345678" or "0086…") comes back as "13812345678"; another
// number written with its country code ("+852 9123 4567") as
// "+85291234567". Landlines without a country code, serial numbers, dates,
// identity-card and order numbers are not phones: the result is then "".
// The first number found wins.
func FindPhone(s string) string { return findPhone(keyOf(s)) }

type span struct{ start, end int }

func findPhone(key string) string {
	for i := 0; i < len(key); {
		if !isDigitB(key[i]) {
			i++
			continue
		}
		groups := digitChain(key, i)
		end := groups[len(groups)-1].end
		if p := phoneInChain(key, groups); p != "" {
			return p
		}
		i = end
	}
	return ""
}

func isDigitB(c byte) bool { return c >= '0' && c <= '9' }

// digitChain reads groups of digits from i, joined by a space, a dash, or
// a dash with spaces around it.
func digitChain(key string, i int) []span {
	var groups []span
	for {
		j := i
		for j < len(key) && isDigitB(key[j]) {
			j++
		}
		groups = append(groups, span{i, j})
		if len(groups) > 64 {
			return groups
		}
		k := j
		if k < len(key) && key[k] == ' ' {
			k++
		}
		if k < len(key) && key[k] == '-' {
			k++
			if k < len(key) && key[k] == ' ' {
				k++
			}
		}
		if k == j || k >= len(key) || !isDigitB(key[k]) {
			return groups
		}
		i = k
	}
}

func phoneInChain(key string, g []span) string {
	first := g[0].start
	// Written with a country code: "+852 9123 4567", "+ 86 138…".
	plus := first > 0 && key[first-1] == '+' || first > 1 && key[first-1] == ' ' && key[first-2] == '+'
	if plus && key[first] != '0' {
		if p := international(key, g); p != "" {
			return p
		}
	}
	// Glued to letters or to other numbers by - / . _: a serial, a date, a
	// reference — unless a later group of the chain stands on its own.
	badStart := false
	if first > 0 {
		switch c := key[first-1]; {
		case isASCIIAlnum(c), c == '-', c == '_', c == '/', c == '+':
			badStart = true
		case c == '.' && first > 1 && isDigitB(key[first-2]):
			badStart = true
		}
	}
	for a := range g {
		if a == 0 && badStart {
			continue
		}
		digits := make([]byte, 0, 16)
		for b := a; b < len(g) && b-a < 3; b++ {
			if b > a && (g[b].end-g[b].start < 3 || g[a].end-g[a].start < 3) {
				break // "138 1234 5678", not "1 3 5 7 9 11 13"
			}
			digits = append(digits, key[g[b].start:g[b].end]...)
			if len(digits) > 15 {
				break
			}
			after := g[b].end
			if after < len(key) && isASCIIAlnum(key[after]) {
				break
			}
			switch {
			case len(digits) == 11 && mobile(digits):
				return string(digits)
			case len(digits) == 13 && string(digits[:2]) == "86" && mobile(digits[2:]):
				return string(digits[2:])
			case len(digits) == 15 && string(digits[:4]) == "0086" && mobile(digits[4:]):
				return string(digits[4:])
			}
		}
	}
	return ""
}

// international reads "+CC NUMBER": groups after the first have at least
// two digits; 7–15 digits in all (E.164).
func international(key string, g []span) string {
	digits := make([]byte, 0, 16)
	best := ""
	for b := range g {
		n := g[b].end - g[b].start
		if b > 0 && n < 2 || len(digits)+n > 15 {
			break
		}
		digits = append(digits, key[g[b].start:g[b].end]...)
		if after := g[b].end; after < len(key) && isASCIIAlnum(key[after]) {
			break
		}
		if len(digits) == 13 && string(digits[:2]) == "86" && mobile(digits[2:]) {
			return string(digits[2:])
		}
		if len(digits) >= 7 {
			best = "+" + string(digits)
		}
	}
	return best
}

// mobile reports whether d is a mainland mobile number: 11 digits 1[3-9]….
func mobile(d []byte) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' || d[1] > '9' {
		return false
	}
	for _, c := range d {
		if !isDigitB(c) {
			return false
		}
	}
	return true
}
