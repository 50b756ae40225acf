package understand

import "strings"

// roomStop are characters after which a number is a quantity, a date or a
// time, not a room.
const roomStop = "年月日号天点时分秒元块米岁个次层楼%:./度℃斤万千百亿周期届人户栋幢座单"

// readRoom reads a room number at i: 2–5 digits with an optional letter
// and an optional 室/房/号/户, or dash forms 12-3 and 2-1102 (afterPart).
// Alone (not afterPart) it needs 3–5 digits and 室 or 房, or 业主 after it.
func readRoom(r []rune, i int, afterPart bool) (piece, int, bool) {
	if afterPart {
		for _, parts := range []int{2, 3} {
			if end, ok := dashUnit(r, i, parts); ok {
				return piece{start: i, end: end}, end, true
			}
		}
	}
	j := i
	for j < len(r) && isDigitR(r[j]) {
		j++
	}
	n := j - i
	if n > 5 || n < 2 || (!afterPart && n < 3) {
		return piece{}, i, false
	}
	if j < len(r) && isLowerR(r[j]) && (j+1 == len(r) || !isLowerR(r[j+1]) && !isDigitR(r[j+1])) {
		j++ // 12a
	}
	if j < len(r) && (isLowerR(r[j]) || r[j] == '-') {
		return piece{}, i, false
	}
	p := piece{start: i, end: j}
	for _, m := range []string{"室", "房", "号", "户"} {
		k := j
		if m == "室" {
			k = skipSpace(r, j) // "1102 室"
		}
		if hasAt(r, k, m) && !hasAt(r, k, "房东") && !hasAt(r, k, "户主") {
			if !afterPart && m != "室" && m != "房" {
				continue
			}
			p.suffix = m
			return p, k + 1, true
		}
	}
	if !afterPart {
		k := j
		if hasAt(r, k, "的") {
			k++
		}
		for _, w := range []string{"业主", "住户", "房主"} {
			if hasAt(r, k, w) {
				return p, j, true
			}
		}
		return piece{}, i, false
	}
	if j < len(r) && strings.ContainsRune(roomStop, r[j]) {
		return piece{}, i, false
	}
	return p, j, true
}

// dashUnit reads parts numbers joined by dashes: 12-3 (parts 2) or
// 12-3-401 (parts 3), the last part a room of 1–4 digits (3–4 when alone),
// the others 1–3 and 1–2 digits.
func dashUnit(r []rune, i, parts int) (int, bool) {
	limits := [][2]int{{1, 3}, {1, 2}, {3, 4}}
	if parts == 2 {
		limits = [][2]int{{1, 3}, {1, 4}}
	}
	j := i
	for p, lim := range limits {
		if p > 0 {
			if j >= len(r) || r[j] != '-' {
				return i, false
			}
			j++
		}
		k := j
		for k < len(r) && isDigitR(r[k]) {
			k++
		}
		if n := k - j; n < lim[0] || n > lim[1] {
			return i, false
		}
		j = k
	}
	if j < len(r) && (isDigitR(r[j]) || isLowerR(r[j]) || r[j] == '-' || r[j] == '/' || r[j] == ':' || r[j] == '.' && j+1 < len(r) && isDigitR(r[j+1])) {
		return i, false
	}
	if j < len(r) && strings.ContainsRune("年月日号天点时分秒元块米岁个次", r[j]) {
		return i, false
	}
	return j, true
}
