package cases

import (
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

// MaskPhone hides the middle of a number for team-chat cards: 138****5678.
func MaskPhone(p string) string {
	r := []rune(p)
	if len(r) < 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:])
}
