package understand

import "strings"

// Unit is a unit read from a message.
type Unit struct {
	Normalised string // "3栋2单元902"
	Written    string // as the owner wrote it: "3棟2單元902"
	Complete   bool   // it names a flat (a room), not only a building or unit
}

// ReadUnit is FindUnit with the unit as written and whether it is
// complete: "3栋楼道的灯不亮" names building 3 but no flat.
func ReadUnit(s string) Unit {
	f := findUnitSpan(keyOf(s))
	if f.unit == "" {
		return Unit{}
	}
	return Unit{Normalised: f.unit, Written: writtenSpan(s, f.start, f.end), Complete: f.complete}
}

// writtenSpan is the part of text that became the key's runes [start, end):
// each character of the text is one rune of the key, except that a run of
// white space is one space.
func writtenSpan(text string, start, end int) string {
	k := 0 // key runes so far
	from, to := -1, len(text)
	inSpace := false
	for i, r := range text {
		space := r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f' || r == '\u3000' || isUnicodeSpace(r)
		if space && inSpace {
			continue
		}
		inSpace = space
		if k == start && from < 0 {
			from = i
		}
		if k == end {
			to = i
			break
		}
		k++
	}
	if from < 0 {
		return ""
	}
	return strings.TrimSpace(text[from:to])
}
