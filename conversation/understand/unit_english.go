package understand

// English: Building 3, Unit 2, Floor 11, Room 1102; Block B, Flat 12A.
var englishParts = []struct {
	words []string
	part  int // 0 building, 1 unit, 2 floor, 3 room
}{
	{[]string{"building", "bldg", "block", "blk", "tower"}, 0},
	{[]string{"unit", "entrance"}, 1},
	{[]string{"floor"}, 2},
	{[]string{"room", "rm", "flat", "apartment", "apt", "suite"}, 3},
}

var englishUnitWords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range englishParts {
		for _, w := range p.words {
			m[w] = true
		}
	}
	return m
}()

func parseEnglishUnit(r []rune, i int) address {
	var parts [4]piece
	var have [4]bool
	score, pos := 0, i
	for {
		q := pos
		if score > 0 {
			q = skipSep(r, pos)
			if q < len(r) && r[q] == '-' {
				q = skipSpace(r, q+1)
			}
		}
		part, id, end, ok := englishPart(r, q)
		if !ok || have[part] {
			break
		}
		if part == 1 && id.digits >= 3 && !have[3] {
			part = 3 // "Unit 1102" is a flat
		}
		suffix := ""
		switch part {
		case 0:
			suffix = "栋"
			if id.letterOnly {
				suffix = "座"
			}
		case 1:
			suffix = "单元"
		case 2:
			suffix = "层"
		}
		parts[part] = piece{start: id.start, end: id.end, suffix: suffix}
		have[part] = true
		score++
		pos = end
	}
	a := address{score: score, end: pos, room: have[3]}
	for k, p := range parts {
		if have[k] {
			a.add(p)
		}
	}
	return a
}

func englishPart(r []rune, i int) (part int, id ident, end int, ok bool) {
	for _, p := range englishParts {
		for _, w := range p.words {
			if !hasAt(r, i, w) {
				continue
			}
			j := i + len(w)
			if j < len(r) && isLowerR(r[j]) {
				continue
			}
			if j < len(r) && r[j] == '.' {
				j++
			}
			j = skipSpace(r, j)
			for _, no := range []string{"no.", "no ", "number ", "#"} {
				if hasAt(r, j, no) {
					j = skipSpace(r, j+len([]rune(no)))
					break
				}
			}
			id, ok := readIdent(r, j)
			if ok && id.letterOnly && (id.end-id.start > 1 || p.part == 3 && (r[id.start] == 'a' || r[id.start] == 'i')) {
				ok = false // "room is", "flat a": English words, not names
			}
			if !ok || id.cn > 0 || id.digits > 5 || (p.part != 0 && p.part != 3 && id.letterOnly) {
				return 0, ident{}, i, false
			}
			if p.part != 3 && id.digits > 3 && p.part != 1 {
				return 0, ident{}, i, false
			}
			return p.part, id, id.end, true
		}
	}
	return 0, ident{}, i, false
}
