package understand

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// FindUnit finds where the owner lives or where the problem is — building,
// unit, floor, room — and returns it normalised (Simplified, no spaces,
// numbers in digits, letters upper-case), or "" when the text names none:
//
//	"3栋2单元1102"                  → "3栋2单元1102"
//	"3號樓2單元1102室"               → "3号楼2单元1102室"
//	"B座 12-3"                      → "B座12-3"
//	"12-3-401"                      → "12-3-401"
//	"5幢301", "三栋二单元1102"        → "5幢301", "3栋2单元1102"
//	"Building 3, Unit 2, Room 1102" → "3栋2单元1102"
//
// Serial numbers, dates, times, amounts and telephone numbers are not
// units. When the text names several, the most complete wins (the first of
// equals).
func FindUnit(s string) string { return findUnit(keyOf(s)) }

func findUnit(key string) string { return findUnitSpan(key).unit }

// unitSpan is a unit found in a key: normalised, complete, and where it
// is (rune offsets in the key).
type unitSpan struct {
	unit       string
	complete   bool
	start, end int
}

// findUnitSpan works on a key (keyOf): Simplified, lower-case, single spaces.
// It parses a short window of runes at each place an address may start.
func findUnitSpan(key string) unitSpan {
	const window = 64 // runes: longer than any address
	var best address
	var bestRunes []rune
	bestAt := 0
	runeAt := 0 // rune offset of i
	buf := make([]rune, 0, window)
	prev := rune(-1)
	for i := 0; i < len(key) && best.score < 4; {
		r, size := rune(key[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(key[i:])
		}
		if !(isDigitR(r) || isLowerR(r) || isCNDigit(r)) || !unitStart(prev, r) {
			prev = r
			i += size
			runeAt++
			continue
		}
		// Cheap test first: an English keyword (building, room…), or a
		// name (3, b, a1, 三) followed by a marker (栋, 单元, 室, -…).
		j := i
		if isCNDigit(r) {
			for j < len(key) {
				c, n := utf8.DecodeRuneInString(key[j:])
				if !isCNDigit(c) {
					break
				}
				j += n
			}
		} else {
			for j < len(key) && isASCIIAlnum(key[j]) {
				j++
			}
		}
		word := key[i:j]
		k := j
		for k < len(key) && key[k] == ' ' {
			k++
		}
		next, _ := utf8.DecodeRuneInString(key[k:])
		if !englishUnitWords[word] && !strings.ContainsRune(unitMarkerStarts, next) {
			last, _ := utf8.DecodeLastRuneInString(word)
			runeAt += utf8.RuneCountInString(word)
			i, prev = j, last
			continue
		}
		// Most starts fail within a few runes: try a short window
		// first, a long one when the address may go on.
		var a address
		first := 20 // "3栋2单元1102室" fits; a longer address is read again
		if isLowerR(r) {
			first = 32 // "building no. 3, unit 2"
		}
		for _, w := range [2]int{first, window} {
			buf = buf[:0]
			j := i
			for j < len(key) && len(buf) < w {
				c, n := rune(key[j]), 1
				if c >= utf8.RuneSelf {
					c, n = utf8.DecodeRuneInString(key[j:])
				}
				buf = append(buf, c)
				j += n
			}
			a = parseUnit(buf, 0)
			if j == len(key) || a.score == 0 || a.end < len(buf)-6 {
				break
			}
		}
		if a.score > best.score {
			best, bestRunes, bestAt = a, append([]rune(nil), buf...), runeAt
		}
		if a.end > 0 {
			for _, c := range buf[:a.end] {
				i += utf8.RuneLen(c)
			}
			runeAt += a.end
			prev = buf[a.end-1]
			continue
		}
		prev = r
		i += size
		runeAt++
	}
	if best.score == 0 {
		return unitSpan{}
	}
	return unitSpan{unit: best.String(bestRunes), complete: best.room, start: bestAt, end: bestAt + best.end}
}

// unitMarkerStarts are the characters that may follow the first name of
// an address: 3栋, 3号楼, 3#, 2单元, 2门, 2梯, 1102室, 12-3-401, 1102的业主.
const unitMarkerStarts = "栋幢座号楼#单门梯层室房户-的业住"

// piece is one part of an address: the text r[start:end] normalised (or
// the number cn when written in Chinese numerals), then suffix.
type piece struct {
	start, end, cn int
	suffix         string
}

// address is what parseUnit read: up to four pieces (building, unit,
// floor, room), score the number of parts, end where it stopped.
type address struct {
	pieces [4]piece
	n      int
	score  int
	end    int
	room   bool // names a flat
}

func (a *address) add(p piece) {
	if a.n < len(a.pieces) {
		a.pieces[a.n] = p
		a.n++
	}
}

func (a *address) addIdent(id ident, suffix string) {
	a.add(piece{start: id.start, end: id.end, cn: id.cn, suffix: suffix})
}

// String builds the normalised address: digits, upper-case letters.
func (a address) String(r []rune) string {
	if a.score == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range a.pieces[:a.n] {
		if p.cn > 0 {
			b.WriteString(strconv.Itoa(p.cn))
		} else {
			for _, c := range r[p.start:p.end] {
				if isLowerR(c) {
					c -= 'a' - 'A'
				}
				b.WriteRune(c)
			}
		}
		b.WriteString(p.suffix)
	}
	return b.String()
}

// unitStart reports whether an address may start with c after prev (-1
// at the start of the text): not inside a word, a number or a serial.
func unitStart(prev, c rune) bool {
	switch {
	case prev < 0:
		return true
	case isDigitR(prev) || isLowerR(prev):
		return false
	case prev == '-' || prev == '_' || prev == '/' || prev == '.' || prev == ':' || prev == '+' || prev == '#' || prev == '@':
		return false
	case isCNDigit(c) && isCNDigit(prev):
		return false
	}
	return true
}

func isDigitR(c rune) bool  { return c >= '0' && c <= '9' }
func isLowerR(c rune) bool  { return c >= 'a' && c <= 'z' }
func isCNDigit(c rune) bool { return cnDigitValue(c) >= 0 || c == '十' }

// cnDigitValue is the value of a Chinese numeral digit, -1 for others.
func cnDigitValue(c rune) int {
	switch c {
	case '零', '〇':
		return 0
	case '一':
		return 1
	case '二', '两':
		return 2
	case '三':
		return 3
	case '四':
		return 4
	case '五':
		return 5
	case '六':
		return 6
	case '七':
		return 7
	case '八':
		return 8
	case '九':
		return 9
	}
	return -1
}

// ident is a building, unit, floor or room name: "3", "12a", "b", "a1",
// or Chinese numerals "十二".
type ident struct {
	start, end int
	digits     int  // number of ASCII digits
	letterOnly bool // "b"
	cn         int  // value when written in Chinese numerals, else 0
}

func readIdent(r []rune, i int) (ident, bool) {
	if i >= len(r) {
		return ident{}, false
	}
	if isCNDigit(r[i]) {
		j := i
		for j < len(r) && isCNDigit(r[j]) && j-i < 3 {
			j++
		}
		if j < len(r) && isCNDigit(r[j]) {
			return ident{}, false
		}
		n, ok := cnNumber(r[i:j])
		if !ok || n <= 0 {
			return ident{}, false
		}
		return ident{start: i, end: j, digits: len(strconv.Itoa(n)), cn: n}, true
	}
	j := i
	letters := 0
	for j < len(r) && isLowerR(r[j]) && letters < 3 {
		j++
		letters++
	}
	digits := 0
	for j < len(r) && isDigitR(r[j]) && digits < 6 {
		j++
		digits++
	}
	if letters == 0 && digits > 0 && j < len(r) && isLowerR(r[j]) && (j+1 == len(r) || !isLowerR(r[j+1])) {
		j++ // "12a"
	}
	if j == i || letters > 2 || (j < len(r) && (isLowerR(r[j]) || isDigitR(r[j]))) {
		return ident{}, false
	}
	return ident{start: i, end: j, digits: digits, letterOnly: digits == 0}, true
}

// cnNumber reads 一…九十九 (两 for 二, 〇/零 as 0).
func cnNumber(rs []rune) (int, bool) {
	v := func(i int) int { return cnDigitValue(rs[i]) }
	switch {
	case len(rs) == 1 && rs[0] == '十':
		return 10, true
	case len(rs) == 1:
		return v(0), v(0) >= 0
	case len(rs) == 2 && rs[0] == '十':
		return 10 + v(1), v(1) > 0
	case len(rs) == 2 && rs[1] == '十':
		return v(0) * 10, v(0) > 0
	case len(rs) == 3 && rs[1] == '十':
		return v(0)*10 + v(2), v(0) > 0 && v(2) > 0
	}
	return 0, false
}

func hasAt(r []rune, i int, s string) bool {
	for _, c := range s {
		if i >= len(r) || r[i] != c {
			return false
		}
		i++
	}
	return true
}

func skipSpace(r []rune, i int) int {
	for i < len(r) && r[i] == ' ' {
		i++
	}
	return i
}

// skipSep skips what may stand between parts of an address: spaces and one
// comma or 、.
func skipSep(r []rune, i int) int {
	i = skipSpace(r, i)
	if i < len(r) && (r[i] == ',' || r[i] == '、' || r[i] == '，') {
		i = skipSpace(r, i+1)
	}
	return i
}

// parseUnit reads an address starting at i; its score counts its parts
// (building, unit, floor, room), 0 when there is none.
func parseUnit(r []rune, i int) address {
	if isLowerR(r[i]) {
		if a := parseEnglishUnit(r, i); a.score > 0 {
			return a
		}
	}
	var a address
	pos := i
	building, weakBuilding := false, false
	if id, ok := readIdent(r, pos); ok && id.digits <= 3 {
		q := skipSpace(r, id.end)
		for _, m := range buildingMarkers {
			if !hasAt(r, q, m.written) {
				continue
			}
			if m.written == "栋楼" && (hasAt(r, q+2, "道") || hasAt(r, q+2, "梯")) {
				continue // 5栋楼道: building 5's stairwell
			}
			switch m.written {
			case "号", "#":
				weakBuilding = true // 3号 is a building only before a unit or room
			case "楼":
				weakBuilding = !id.letterOnly // 3楼 is a floor; A楼 a building
			case "栋", "幢", "座", "栋楼":
				weakBuilding = id.cn > 0 // 一栋楼 is "a building"
			}
			building = true
			a.addIdent(id, m.norm)
			pos = q + utf8.RuneCountInString(m.written)
			a.score++
			break
		}
	}
	unit, floor, room := false, false, false
	// Unit: 2单元 (after a building also 2门, 2梯).
	if q := skipSep(r, pos); q < len(r) {
		if id, ok := readIdent(r, q); ok && id.digits <= 2 && !id.letterOnly {
			q2 := skipSpace(r, id.end)
			for _, m := range []string{"单元", "门", "梯"} {
				if (building || m == "单元") && hasAt(r, q2, m) {
					a.addIdent(id, m)
					pos = q2 + utf8.RuneCountInString(m)
					unit = true
					a.score++
					break
				}
			}
		}
	}
	// Floor: 12层, 12楼 (only after a building or unit).
	if building || unit {
		if q := skipSep(r, pos); q < len(r) {
			if id, ok := readIdent(r, q); ok && id.digits <= 2 && !id.letterOnly {
				q2 := skipSpace(r, id.end)
				for _, m := range []string{"层", "楼"} {
					if hasAt(r, q2, m) && !hasAt(r, q2, "楼道") && !hasAt(r, q2, "楼梯") {
						a.addIdent(id, m)
						pos = q2 + 1
						floor = true
						a.score++
						break
					}
				}
			}
		}
	}
	// Room: 1102, 1102室, 12-3, 2-1102.
	if building || unit || floor {
		if q := skipSep(r, pos); q < len(r) && isDigitR(r[q]) {
			if p, end, ok := readRoom(r, q, true); ok {
				a.add(p)
				pos = end
				room = true
				a.score++
			}
		}
	}
	a.end = pos
	a.room = room
	switch {
	case weakBuilding && !unit && !room:
		return address{end: pos}
	case !building && unit && !room:
		return address{end: pos}
	case a.score > 0:
		return a
	}
	// Alone: 12-3-401, 1102室, 1102的业主.
	if isDigitR(r[i]) {
		if end, ok := dashUnit(r, i, 3); ok {
			a = address{score: 3, end: end, room: true}
			a.add(piece{start: i, end: end})
			return a
		}
		if p, end, ok := readRoom(r, i, false); ok {
			a = address{score: 1, end: end, room: true}
			a.add(p)
			return a
		}
	}
	return address{end: i}
}

var buildingMarkers = []struct{ written, norm string }{
	{"号楼", "号楼"}, {"栋楼", "栋"}, {"#楼", "号楼"}, {"栋", "栋"}, {"幢", "幢"}, {"座", "座"},
	{"#", "号楼"}, {"号", "号"}, {"楼", "楼"},
}
