package cases

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// NormalizePhone checks a contact number with libphonenumber's rules (the
// nyaruka/phonenumbers port): a mainland mobile (13812345678, +86 138 1234
// 5678), a mainland landline with its area code (027-88880000, +86 10 8888
// 0000), or any other country's number with its country code (+852 …).
// It returns the number in heed's canonical form: a mainland mobile as its
// 11 digits, a mainland landline as 0AREA-NUMBER, any other as E.164.
func NormalizePhone(p string) (string, bool) {
	p = strings.TrimSpace(p)
	if p == "" || strings.ContainsFunc(p, func(r rune) bool { return r >= 'A' && r <= 'z' }) {
		return "", false
	}
	n, err := phonenumbers.Parse(p, "CN")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	if phonenumbers.GetRegionCodeForNumber(n) != "CN" {
		return phonenumbers.Format(n, phonenumbers.E164), true
	}
	national := phonenumbers.GetNationalSignificantNumber(n)
	if phonenumbers.GetNumberType(n) == phonenumbers.MOBILE {
		return national, true
	}
	if area := phonenumbers.GetLengthOfGeographicalAreaCode(n); area > 0 && area < len(national) {
		return "0" + national[:area] + "-" + national[area:], true
	}
	return "0" + national, true
}

// MaskPhone hides the middle of a number for staff (team-chat cards, the
// desk): 138****5678; a number of fewer than 7 characters is all stars.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}

// MaskPhones hides the middle of every telephone number written in a text
// (138****5678), for whatever staff read of an owner's words or a
// complaint typed in one line: cards, survey summaries. A number is a
// mainland mobile (its +86 or 86 dropped), a landline with its area code
// (027-88886666) or a number with its country code (+852 9123 4567 →
// +85****4567), in ASCII or full-width digits, its groups split by spaces
// or dashes; the digits kept are as written. Other numbers — dates, unit
// numbers, amounts, an order number longer than a telephone number — are
// left alone.
func MaskPhones(text string) string {
	r := []rune(text)
	var b strings.Builder
	last := 0
	for i := 0; i < len(r); i++ {
		if _, ok := digit(r[i]); !ok && !(isPlus(r[i]) && i+1 < len(r) && startsDigits(r[i+1:])) {
			continue
		}
		end := runEnd(r, i)
		b.WriteString(string(r[last:i]))
		b.WriteString(maskRun(r[i:end]))
		last, i = end, end-1
	}
	b.WriteString(string(r[last:]))
	return b.String()
}

// mobileShape and otherShape are numbers as telephone numbers look in
// ASCII once spaces and dashes are gone: a mainland mobile; a landline with
// its area code or a number with its country code.
var (
	mobileShape = regexp.MustCompile(`^(?:\+?86)?1[3-9]\d{9}$`)
	otherShape  = regexp.MustCompile(`^(?:0\d{9,11}|\+\d{7,15})$`)
)

// maskRun masks the numbers of a run of digits, spaces and dashes: the
// number may be only part of it ("13812345678 3栋"), so the longest groups
// of its space-separated pieces are tried first.
func maskRun(run []rune) string {
	pieces := strings.Split(string(run), " ")
	var out []string
	for i := 0; i < len(pieces); i++ {
		j := len(pieces)
		var masked string
		for ; j > i; j-- {
			if m, ok := maskNumber([]rune(strings.Join(pieces[i:j], ""))); ok {
				masked = m
				break
			}
		}
		if j == i {
			out = append(out, pieces[i])
			continue
		}
		out = append(out, masked)
		i = j - 1
	}
	return strings.Join(out, " ")
}

// maskNumber masks n (digits, dashes, perhaps a leading plus) when it is a
// telephone number.
func maskNumber(n []rune) (string, bool) {
	var ascii strings.Builder
	var kept []rune // the digits (and plus) as written
	for _, c := range n {
		if d, ok := digit(c); ok {
			ascii.WriteByte(byte('0' + d))
			kept = append(kept, c)
		} else if isPlus(c) {
			ascii.WriteByte('+')
			kept = append(kept, c)
		}
	}
	switch a := ascii.String(); {
	case mobileShape.MatchString(a):
		return MaskPhone(string(kept[len(kept)-11:])), true
	case otherShape.MatchString(a):
		return MaskPhone(string(kept)), true
	}
	return "", false
}

// runEnd is where the run of digits starting at i ends: digits, with
// spaces and dashes between them (a leading plus, perhaps a space after it).
func runEnd(r []rune, i int) int {
	end := i + 1
	for j := i + 1; j < len(r); j++ {
		if _, ok := digit(r[j]); ok {
			end = j + 1
		} else if r[j] != ' ' && r[j] != '-' {
			break
		}
	}
	return end
}

func startsDigits(r []rune) bool {
	if len(r) > 1 && r[0] == ' ' {
		r = r[1:]
	}
	_, ok := digit(r[0])
	return ok
}

func digit(c rune) (int, bool) {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0'), true
	case c >= '０' && c <= '９':
		return int(c - '０'), true
	}
	return 0, false
}

func isPlus(c rune) bool { return c == '+' || c == '＋' }
