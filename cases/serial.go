package cases

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SerialFormat renders serial numbers (流水编号) such as TS-2026-000123 from a
// template with {yyyy}, {yy}, {seq} and {seq:N} (zero-padded to N digits).
// The register, the dispatch notice and the original material share it.
type SerialFormat struct {
	parts []serialPart
}

type serialPart struct {
	lit   string
	token string // yyyy, yy, seq
	width int
}

var serialToken = regexp.MustCompile(`\{([a-z]+)(?::(\d+))?\}`)

// ParseSerialFormat checks a template; it must contain {seq} exactly once and
// a year, because numbering restarts every year.
func ParseSerialFormat(s string) (SerialFormat, error) {
	if s == "" {
		s = "TS-{yyyy}-{seq:6}"
	}
	var f SerialFormat
	last, seqs, years := 0, 0, 0
	for _, m := range serialToken.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > last {
			f.parts = append(f.parts, serialPart{lit: s[last:m[0]]})
		}
		tok := s[m[2]:m[3]]
		width := 0
		if m[4] >= 0 {
			width, _ = strconv.Atoi(s[m[4]:m[5]])
			if width < 1 || width > 12 {
				return f, fmt.Errorf("serial.format: width of {%s} must be 1–12", tok)
			}
		}
		switch tok {
		case "seq":
			seqs++
		case "yyyy", "yy":
			years++
		default:
			return f, fmt.Errorf("serial.format: unknown placeholder {%s} (use {yyyy}, {yy}, {seq:N})", tok)
		}
		f.parts = append(f.parts, serialPart{token: tok, width: width})
		last = m[1]
	}
	if last < len(s) {
		f.parts = append(f.parts, serialPart{lit: s[last:]})
	}
	if seqs != 1 {
		return f, fmt.Errorf("serial.format: %q must contain {seq} exactly once", s)
	}
	if years == 0 {
		return f, fmt.Errorf("serial.format: %q must contain the year ({yyyy} or {yy}): numbering restarts each year", s)
	}
	if strings.ContainsAny(s, "/?#% ") {
		return f, fmt.Errorf("serial.format: %q must not contain spaces or / ? # %%: serials appear in URLs", s)
	}
	return f, nil
}

// Render makes the serial of the seq-th case of the year of t.
func (f SerialFormat) Render(t time.Time, seq int64) string {
	var b strings.Builder
	for _, p := range f.parts {
		switch p.token {
		case "":
			b.WriteString(p.lit)
		case "yyyy":
			fmt.Fprintf(&b, "%04d", t.Year())
		case "yy":
			fmt.Fprintf(&b, "%02d", t.Year()%100)
		case "seq":
			fmt.Fprintf(&b, "%0*d", p.width, seq)
		}
	}
	return b.String()
}
